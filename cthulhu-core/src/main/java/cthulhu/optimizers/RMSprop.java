package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RMSprop (Tieleman and Hinton, 2012) as Keras 2.2.4: with accumulator {@code a} (zeros at first),
 * <pre>
 * a ← rho · a + (1 − rho) · g²
 * p ← p − lr_t · g / (√a + ε)
 * </pre>
 * With Keras 3's options, {@code momentum > 0} or {@code centered}, the update is Keras 3's:
 * with the average gradient {@code ḡ ← rho · ḡ + (1 − rho) · g} when centered,
 * <pre>
 * d = a − ḡ² + ε   (centered)      d = a + ε   (otherwise)
 * Δ = lr_t · g / √d
 * μ ← momentum · μ + Δ, p ← p − μ   (momentum > 0)      p ← p − Δ   (otherwise)
 * </pre>
 * Defaults: lr 0.001, rho 0.9, momentum 0, ε = {@link K#epsilon()} (1e-7), not centered, decay 0.
 */
public final class RMSprop extends Optimizer {

    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;

    /** RMSprop with Keras's defaults: lr 0.001, rho 0.9, ε = {@link K#epsilon()}, decay 0. */
    public RMSprop() {
        this(0.001);
    }

    /** RMSprop with the given learning rate and the other defaults. */
    public RMSprop(double lr) {
        this(lr, 0.9, K.epsilon(), 0);
    }

    /** RMSprop with a learning-rate schedule and the other defaults. */
    public RMSprop(LearningRateSchedule lr) {
        this(lr, 0.9, 0, K.epsilon(), false, 0);
    }

    /**
     * Keras 2.2.4's RMSprop.
     *
     * @param lr the learning rate, {@code >= 0}
     * @param rho the decay of the squared-gradient average, {@code >= 0}
     * @param epsilon the fuzz factor added to the root, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public RMSprop(double lr, double rho, double epsilon, double decay) {
        this(lr, rho, 0, epsilon, false, decay);
    }

    /**
     * RMSprop with Keras 3's {@code momentum} and {@code centered}.
     *
     * @param momentum the momentum of the update, {@code >= 0}
     * @param centered whether to divide by the variance estimate {@code a − ḡ²} instead of {@code a}
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public RMSprop(double lr, double rho, double momentum, double epsilon, boolean centered, double decay) {
        this(LearningRateSchedule.constant(lr), rho, momentum, epsilon, centered, decay);
    }

    /** As {@link #RMSprop(double, double, double, double, boolean, double)} with a learning-rate schedule. */
    public RMSprop(LearningRateSchedule lr, double rho, double momentum, double epsilon, boolean centered, double decay) {
        super(lr, decay);
        this.rho = requireNonNegative("rho", rho);
        this.momentum = requireNonNegative("momentum", momentum);
        this.epsilon = requireNonNegative("epsilon", epsilon);
        this.centered = centered;
    }

    /** The decay of the squared-gradient average. */
    public double rho() {
        return rho;
    }

    /** The momentum (Keras 3). */
    public double momentum() {
        return momentum;
    }

    /** The fuzz factor. */
    public double epsilon() {
        return epsilon;
    }

    /** Whether the update is centered (Keras 3). */
    public boolean centered() {
        return centered;
    }

    @Override
    public String className() {
        return "RMSprop";
    }

    @Override
    public Map<String, Object> getConfig() {
        return momentum > 0 || centered
                ? config("rho", rho, "momentum", momentum, "decay", decay(), "epsilon", epsilon, "centered", centered)
                : config("rho", rho, "decay", decay(), "epsilon", epsilon);
    }

    @Override
    protected List<String> slotNames() {
        List<String> names = new ArrayList<>(List.of("accumulator"));
        if (momentum > 0) {
            names.add("momentum");
        }
        if (centered) {
            names.add("average_gradient");
        }
        return names;
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double keep = rho;
        double add = 1 - rho;
        double eps = epsilon;
        if (momentum == 0 && !centered) {
            return (in, out, n) -> {
                double[] p = in[0];
                double[] g = in[1];
                double[] a = in[2];
                for (int i = 0; i < n; i++) {
                    double ai = a[i] * keep + (g[i] * g[i]) * add;
                    out[1][i] = ai;
                    out[0][i] = p[i] - (g[i] * lr) / (Math.sqrt(ai) + eps);
                }
            };
        }
        double mu = momentum;
        boolean withMomentum = momentum > 0;
        int averageAt = withMomentum ? 4 : 3;
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] a = in[2];
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                double ai = a[i] * keep + (gi * gi) * add;
                out[1][i] = ai;
                double d = ai + eps;
                if (centered) {
                    double mean = in[averageAt][i] * keep + gi * add;
                    out[averageAt - 1][i] = mean;
                    d = ai - mean * mean + eps;
                }
                double delta = lr * gi / Math.sqrt(d);
                if (withMomentum) {
                    double velocity = in[3][i] * mu + delta;
                    out[2][i] = velocity;
                    delta = velocity;
                }
                out[0][i] = p[i] - delta;
            }
        };
    }
}
