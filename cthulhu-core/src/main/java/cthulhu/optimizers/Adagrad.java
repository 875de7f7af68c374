package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Adagrad (Duchi et al., 2011) as Keras 2.2.4: with accumulator {@code a} (zeros at first),
 * <pre>
 * a ← a + g²
 * p ← p − lr_t · g / (√a + ε)
 * </pre>
 * Defaults: lr 0.01, ε = {@link K#epsilon()} (1e-7), decay 0.
 */
public final class Adagrad extends Optimizer {

    private final double epsilon;

    /** Adagrad with Keras's defaults: lr 0.01, ε = {@link K#epsilon()}, decay 0. */
    public Adagrad() {
        this(0.01);
    }

    /** Adagrad with the given learning rate and the other defaults. */
    public Adagrad(double lr) {
        this(lr, K.epsilon(), 0);
    }

    /** Adagrad with a learning-rate schedule and the other defaults. */
    public Adagrad(LearningRateSchedule lr) {
        this(lr, K.epsilon(), 0);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param epsilon the fuzz factor added to the root, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public Adagrad(double lr, double epsilon, double decay) {
        this(LearningRateSchedule.constant(lr), epsilon, decay);
    }

    /** As {@link #Adagrad(double, double, double)} with a learning-rate schedule. */
    public Adagrad(LearningRateSchedule lr, double epsilon, double decay) {
        super(lr, decay);
        this.epsilon = requireNonNegative("epsilon", epsilon);
    }

    /** The fuzz factor. */
    public double epsilon() {
        return epsilon;
    }

    @Override
    public String className() {
        return "Adagrad";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("epsilon", epsilon, "decay", decay());
    }

    @Override
    protected List<String> slotNames() {
        return List.of("accumulator");
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double eps = epsilon;
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] a = in[2];
            for (int i = 0; i < n; i++) {
                double ai = a[i] + g[i] * g[i];
                out[1][i] = ai;
                out[0][i] = p[i] - lr * g[i] / (Math.sqrt(ai) + eps);
            }
        };
    }
}
