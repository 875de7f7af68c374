package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * FTRL-Proximal (McMahan et al., 2013) as Keras 3: with accumulator {@code n} (starting at
 * {@code initial_accumulator_value}), linear term {@code z} (zeros), power {@code c =
 * learning_rate_power}, strengths {@code λ1}, {@code λ2}, {@code λ2s} (shrinkage) and {@code β},
 * <pre>
 * g̃ = g + 2 · λ2s · p
 * n' = n + g²
 * z ← z + g̃ − (n'^(−c) − n^(−c)) / lr · p
 * p ← (clip(z, −λ1, λ1) − z) / (n'^(−c) / lr + 2 · (λ2 + β / (2 lr)))
 * n ← n'
 * </pre>
 * Defaults: lr 0.001, {@code learning_rate_power} −0.5, {@code initial_accumulator_value} 0.1,
 * every strength 0, β 0. Named {@code ftrl}.
 */
public final class Ftrl extends Optimizer {

    private final double learningRatePower;
    private final double initialAccumulatorValue;
    private final double l1;
    private final double l2;
    private final double l2Shrinkage;
    private final double beta;

    /** Ftrl with Keras 3's defaults. */
    public Ftrl() {
        this(0.001);
    }

    /** Ftrl with the given learning rate and the other defaults. */
    public Ftrl(double lr) {
        this(LearningRateSchedule.constant(lr), -0.5, 0.1, 0, 0, 0, 0);
    }

    /**
     * As {@link #Ftrl(LearningRateSchedule, double, double, double, double, double, double)} with a
     * constant learning rate.
     */
    public Ftrl(double lr, double learningRatePower, double initialAccumulatorValue, double l1, double l2,
                double l2Shrinkage, double beta) {
        this(LearningRateSchedule.constant(lr), learningRatePower, initialAccumulatorValue, l1, l2, l2Shrinkage, beta);
    }

    /**
     * @param lr the learning rate as a function of the step count
     * @param learningRatePower how the step shrinks as the accumulator grows, {@code <= 0}
     * @param initialAccumulatorValue the accumulator's starting value, {@code >= 0}
     * @param l1 the L1 regularization strength, {@code >= 0}
     * @param l2 the L2 regularization strength, {@code >= 0}
     * @param l2Shrinkage the L2 shrinkage strength (a penalty on the gradient), {@code >= 0}
     * @param beta the β of FTRL-Proximal, {@code >= 0}
     * @throws IllegalArgumentException for a value out of range, naming it with Keras's name
     */
    public Ftrl(LearningRateSchedule lr, double learningRatePower, double initialAccumulatorValue, double l1, double l2,
                double l2Shrinkage, double beta) {
        super(lr, 0);
        if (!(learningRatePower <= 0)) {
            throw new IllegalArgumentException("Ftrl: learning_rate_power must be <= 0, got " + learningRatePower);
        }
        this.learningRatePower = learningRatePower;
        this.initialAccumulatorValue = requireNonNegative("initial_accumulator_value", initialAccumulatorValue);
        this.l1 = requireNonNegative("l1_regularization_strength", l1);
        this.l2 = requireNonNegative("l2_regularization_strength", l2);
        this.l2Shrinkage = requireNonNegative("l2_shrinkage_regularization_strength", l2Shrinkage);
        this.beta = requireNonNegative("beta", beta);
    }

    @Override
    public String className() {
        return "Ftrl";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("learning_rate_power", learningRatePower, "initial_accumulator_value", initialAccumulatorValue,
                "l1_regularization_strength", l1, "l2_regularization_strength", l2,
                "l2_shrinkage_regularization_strength", l2Shrinkage, "beta", beta);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("accumulator", "linear");
    }

    /** The accumulator starts at {@code initial_accumulator_value}, the linear term at 0. */
    @Override
    protected double initialSlotValue(String slot) {
        return slot.equals("accumulator") ? initialAccumulatorValue : 0;
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        double power = -learningRatePower;
        double shrink = 2 * l2Shrinkage;
        double quadraticL2 = 2 * (l2 + beta / (2 * lr));
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] a = in[2];
            double[] z = in[3];
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                double shrunk = gi + shrink * p[i];
                double next = a[i] + gi * gi;
                double root = Math.pow(next, power);
                double zi = z[i] + shrunk - (root - Math.pow(a[i], power)) / lr * p[i];
                double clipped = Math.max(-l1, Math.min(l1, zi));
                out[0][i] = (clipped - zi) / (root / lr + quadraticL2);
                out[1][i] = next;
                out[2][i] = zi;
            }
        };
    }
}
