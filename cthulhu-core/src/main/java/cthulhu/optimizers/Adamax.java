package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Adamax, Adam's infinity-norm variant (Kingma and Ba, 2015, section 7), as Keras 2.2.4: at step
 * {@code t} (from 1), with {@code m} and {@code u} (zeros at first),
 * <pre>
 * lr_t = lr / (1 − β1^t)
 * m ← β1 · m + (1 − β1) · g
 * u ← max(β2 · u, |g|)
 * p ← p − lr_t · m / (u + ε)
 * </pre>
 * Defaults: lr 0.002, β1 0.9, β2 0.999, ε = {@link K#epsilon()} (1e-7), decay 0.
 */
public final class Adamax extends MomentOptimizer {


    /** Adamax with Keras's defaults: lr 0.002, β1 0.9, β2 0.999, ε = {@link K#epsilon()}, decay 0. */
    public Adamax() {
        this(0.002);
    }

    /** Adamax with the given learning rate and the other defaults. */
    public Adamax(double lr) {
        this(lr, 0.9, 0.999, K.epsilon(), 0);
    }

    /** Adamax with a learning-rate schedule and the other defaults. */
    public Adamax(LearningRateSchedule lr) {
        this(lr, 0.9, 0.999, K.epsilon(), 0);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param beta1 the decay of the first moment, in {@code [0, 1)}
     * @param beta2 the decay of the infinity norm, in {@code [0, 1)}
     * @param epsilon the fuzz factor, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public Adamax(double lr, double beta1, double beta2, double epsilon, double decay) {
        this(LearningRateSchedule.constant(lr), beta1, beta2, epsilon, decay);
    }

    /** As {@link #Adamax(double, double, double, double, double)} with a learning-rate schedule. */
    public Adamax(LearningRateSchedule lr, double beta1, double beta2, double epsilon, double decay) {
        super(lr, decay, beta1, beta2, epsilon);
    }

    @Override
    public String className() {
        return "Adamax";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("beta_1", beta1(), "beta_2", beta2(), "decay", decay(), "epsilon", epsilon());
    }

    @Override
    protected List<String> slotNames() {
        return List.of("m", "u");
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double lrT = lr / (1 - Math.pow(beta1(), t));
        double b1 = beta1();
        double c1 = 1 - beta1();
        double b2 = beta2();
        double eps = epsilon();
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] m = in[2];
            double[] u = in[3];
            for (int i = 0; i < n; i++) {
                double mi = b1 * m[i] + c1 * g[i];
                double ui = Math.max(b2 * u[i], Math.abs(g[i]));
                out[1][i] = mi;
                out[2][i] = ui;
                out[0][i] = p[i] - lrT * mi / (ui + eps);
            }
        };
    }
}
