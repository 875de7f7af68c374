package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Nadam, Adam with Nesterov momentum (Dozat, 2015), as Keras 2.2.4: at step {@code t} (from 1),
 * with the momentum schedule {@code μ_t = β1 · (1 − ½ · 0.96^(t · schedule_decay))} and its
 * running product {@code Π_t = μ_1 ⋯ μ_t},
 * <pre>
 * ĝ = g / (1 − Π_t)
 * m ← β1 · m + (1 − β1) · g,     m̂ = m / (1 − Π_t · μ_{t+1})
 * v ← β2 · v + (1 − β2) · g²,    v̂ = v / (1 − β2^t)
 * m̄ = (1 − μ_t) · ĝ + μ_{t+1} · m̂
 * p ← p − lr · m̄ / (√v̂ + ε)
 * </pre>
 * Defaults: lr 0.002, β1 0.9, β2 0.999, ε = {@link K#epsilon()} (1e-7), schedule_decay 0.004.
 * Like Keras 2.2.4's, it has no learning-rate {@code decay}; the product {@code Π_t} follows from
 * the step count, so a resumed optimizer continues it.
 */
public final class Nadam extends MomentOptimizer {

    private final double scheduleDecay;
    private long productStep;
    private double product = 1;

    /** Nadam with Keras's defaults: lr 0.002, β1 0.9, β2 0.999, ε = {@link K#epsilon()}, schedule_decay 0.004. */
    public Nadam() {
        this(0.002);
    }

    /** Nadam with the given learning rate and the other defaults. */
    public Nadam(double lr) {
        this(lr, 0.9, 0.999, K.epsilon(), 0.004);
    }

    /** Nadam with a learning-rate schedule and the other defaults. */
    public Nadam(LearningRateSchedule lr) {
        this(lr, 0.9, 0.999, K.epsilon(), 0.004);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param beta1 the decay of the first moment, in {@code [0, 1)}
     * @param beta2 the decay of the second moment, in {@code [0, 1)}
     * @param epsilon the fuzz factor, {@code >= 0}
     * @param scheduleDecay the decay of the momentum schedule, {@code >= 0}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public Nadam(double lr, double beta1, double beta2, double epsilon, double scheduleDecay) {
        this(LearningRateSchedule.constant(lr), beta1, beta2, epsilon, scheduleDecay);
    }

    /** As {@link #Nadam(double, double, double, double, double)} with a learning-rate schedule. */
    public Nadam(LearningRateSchedule lr, double beta1, double beta2, double epsilon, double scheduleDecay) {
        super(lr, 0, beta1, beta2, epsilon);
        this.scheduleDecay = requireNonNegative("schedule_decay", scheduleDecay);
    }

    /** The decay of the momentum schedule. */
    public double scheduleDecay() {
        return scheduleDecay;
    }

    @Override
    public String className() {
        return "Nadam";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("beta_1", beta1(), "beta_2", beta2(), "epsilon", epsilon(), "schedule_decay", scheduleDecay);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("m", "v");
    }

    /** The momentum schedule {@code μ_t}. */
    private double momentumCache(long t) {
        return beta1() * (1 - 0.5 * Math.pow(0.96, t * scheduleDecay));
    }

    /** {@code Π_t}, continued from the last step's product (recomputed when the step count was set back). */
    private double scheduleProduct(long t) {
        if (t < productStep) {
            productStep = 0;
            product = 1;
        }
        while (productStep < t) {
            productStep++;
            product *= momentumCache(productStep);
        }
        return product;
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double product = scheduleProduct(t);
        double mu = momentumCache(t);
        double muNext = momentumCache(t + 1);
        double gScale = 1 / (1 - product);
        double mScale = 1 / (1 - product * muNext);
        double vScale = 1 / (1 - Math.pow(beta2(), t));
        double b1 = beta1();
        double c1 = 1 - beta1();
        double b2 = beta2();
        double c2 = 1 - beta2();
        double eps = epsilon();
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] m = in[2];
            double[] v = in[3];
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                double mi = b1 * m[i] + c1 * gi;
                double vi = b2 * v[i] + c2 * gi * gi;
                double mBar = (1 - mu) * (gi * gScale) + muNext * (mi * mScale);
                out[1][i] = mi;
                out[2][i] = vi;
                out[0][i] = p[i] - lr * mBar / (Math.sqrt(vi * vScale) + eps);
            }
        };
    }
}
