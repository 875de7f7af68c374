package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, as Keras 2.2.4:
 * with velocity {@code v} (zeros at first) and step learning rate {@code lr_t},
 * <pre>
 * v ← momentum · v − lr_t · g
 * p ← p + v                          (plain momentum)
 * p ← p + momentum · v − lr_t · g    (Nesterov)
 * </pre>
 * With {@code momentum = 0} this is {@code p ← p − lr_t · g}. Defaults: lr 0.01, momentum 0,
 * decay 0, nesterov false.
 */
public final class SGD extends Optimizer {

    private final double momentum;
    private final boolean nesterov;

    /** SGD with Keras's defaults: lr 0.01, momentum 0, decay 0, no Nesterov. */
    public SGD() {
        this(0.01);
    }

    /** Plain SGD with the given learning rate. */
    public SGD(double lr) {
        this(lr, 0, 0, false);
    }

    /** Plain SGD with a learning-rate schedule. */
    public SGD(LearningRateSchedule lr) {
        this(lr, 0, 0, false);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param momentum the momentum, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @param nesterov whether to use Nesterov momentum
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public SGD(double lr, double momentum, double decay, boolean nesterov) {
        this(LearningRateSchedule.constant(lr), momentum, decay, nesterov);
    }

    /** As {@link #SGD(double, double, double, boolean)} with a learning-rate schedule. */
    public SGD(LearningRateSchedule lr, double momentum, double decay, boolean nesterov) {
        super(lr, decay);
        this.momentum = requireNonNegative("momentum", momentum);
        this.nesterov = nesterov;
    }

    /** The momentum. */
    public double momentum() {
        return momentum;
    }

    /** Whether Nesterov momentum is used. */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public String className() {
        return "SGD";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("momentum", momentum, "decay", decay(), "nesterov", nesterov);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("momentum");
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double mu = momentum;
        boolean nag = nesterov;
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] v = in[2];
            double[] p1 = out[0];
            double[] v1 = out[1];
            for (int i = 0; i < n; i++) {
                double step = g[i] * lr;
                double vi = v[i] * mu - step;
                v1[i] = vi;
                p1[i] = nag ? p[i] + vi * mu - step : p[i] + vi;
            }
        };
    }
}
