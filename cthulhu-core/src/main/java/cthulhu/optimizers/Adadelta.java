package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Adadelta (Zeiler, 2012) as Keras 2.2.4: with accumulators {@code a} and {@code d} (zeros at
 * first),
 * <pre>
 * a ← rho · a + (1 − rho) · g²
 * Δ = g · √(d + ε) / √(a + ε)
 * p ← p − lr_t · Δ
 * d ← rho · d + (1 − rho) · Δ²
 * </pre>
 * Defaults: lr 1.0, rho 0.95, ε = {@link K#epsilon()} (1e-7), decay 0.
 */
public final class Adadelta extends Optimizer {

    private final double rho;
    private final double epsilon;

    /** Adadelta with Keras's defaults: lr 1.0, rho 0.95, ε = {@link K#epsilon()}, decay 0. */
    public Adadelta() {
        this(1.0);
    }

    /** Adadelta with the given learning rate and the other defaults. */
    public Adadelta(double lr) {
        this(lr, 0.95, K.epsilon(), 0);
    }

    /** Adadelta with a learning-rate schedule and the other defaults. */
    public Adadelta(LearningRateSchedule lr) {
        this(lr, 0.95, K.epsilon(), 0);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param rho the decay of both running averages, {@code >= 0}
     * @param epsilon the fuzz factor inside the roots, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public Adadelta(double lr, double rho, double epsilon, double decay) {
        this(LearningRateSchedule.constant(lr), rho, epsilon, decay);
    }

    /** As {@link #Adadelta(double, double, double, double)} with a learning-rate schedule. */
    public Adadelta(LearningRateSchedule lr, double rho, double epsilon, double decay) {
        super(lr, decay);
        this.rho = requireNonNegative("rho", rho);
        this.epsilon = requireNonNegative("epsilon", epsilon);
    }

    /** The decay of the running averages. */
    public double rho() {
        return rho;
    }

    /** The fuzz factor. */
    public double epsilon() {
        return epsilon;
    }

    @Override
    public String className() {
        return "Adadelta";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("rho", rho, "decay", decay(), "epsilon", epsilon);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("accumulator", "delta_accumulator");
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double keep = rho;
        double add = 1 - rho;
        double eps = epsilon;
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] a = in[2];
            double[] d = in[3];
            for (int i = 0; i < n; i++) {
                double ai = keep * a[i] + add * g[i] * g[i];
                double delta = g[i] * Math.sqrt(d[i] + eps) / Math.sqrt(ai + eps);
                out[0][i] = p[i] - lr * delta;
                out[1][i] = ai;
                out[2][i] = keep * d[i] + add * delta * delta;
            }
        };
    }
}
