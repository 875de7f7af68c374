package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Keras 3's Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"): with
 * momentum {@code m} (zeros at first),
 * <pre>
 * p ← p − lr · sign(β1 · m + (1 − β1) · g)
 * m ← β2 · m + (1 − β2) · g
 * </pre>
 * Defaults: lr 0.001, β1 0.9, β2 0.99.
 */
public final class Lion extends Optimizer {

    private final double beta1;
    private final double beta2;

    /** Lion with Keras 3's defaults: lr 0.001, β1 0.9, β2 0.99. */
    public Lion() {
        this(0.001);
    }

    /** Lion with the given learning rate and the other defaults. */
    public Lion(double lr) {
        this(lr, 0.9, 0.99);
    }

    /** Lion with a learning-rate schedule and the other defaults. */
    public Lion(LearningRateSchedule lr) {
        this(lr, 0.9, 0.99);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param beta1 the weight of the momentum in the update's sign, in {@code (0, 1]}
     * @param beta2 the decay of the momentum, in {@code [0, 1]}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public Lion(double lr, double beta1, double beta2) {
        this(LearningRateSchedule.constant(lr), beta1, beta2);
    }

    /** As {@link #Lion(double, double, double)} with a learning-rate schedule. */
    public Lion(LearningRateSchedule lr, double beta1, double beta2) {
        super(lr, 0);
        if (!(beta1 > 0 && beta1 <= 1)) {
            throw new IllegalArgumentException("Lion: beta_1 must be in (0, 1], got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 <= 1)) {
            throw new IllegalArgumentException("Lion: beta_2 must be in [0, 1], got " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
    }

    /** The weight of the momentum in the update's sign. */
    public double beta1() {
        return beta1;
    }

    /** The decay of the momentum. */
    public double beta2() {
        return beta2;
    }

    @Override
    public String className() {
        return "Lion";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("beta_1", beta1, "beta_2", beta2);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("m");
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double b1 = beta1;
        double c1 = 1 - beta1;
        double b2 = beta2;
        double c2 = 1 - beta2;
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] m = in[2];
            for (int i = 0; i < n; i++) {
                out[0][i] = p[i] - lr * Math.signum(b1 * m[i] + c1 * g[i]);
                out[1][i] = b2 * m[i] + c2 * g[i];
            }
        };
    }
}
