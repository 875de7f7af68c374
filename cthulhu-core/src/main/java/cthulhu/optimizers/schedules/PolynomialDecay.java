package cthulhu.optimizers.schedules;

import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Map;

/**
 * Keras 3's {@code PolynomialDecay}: with {@code s = min(step, decay_steps)},
 * {@code lr(step) = (initial − end) · (1 − s / decay_steps)^power + end}. With {@code cycle} the
 * decay restarts: {@code decay_steps} becomes {@code decay_steps · ⌈step / decay_steps⌉} (at
 * least one period) and {@code s = step}. Defaults: end 0.0001, power 1, no cycle.
 */
public final class PolynomialDecay implements LearningRateSchedule {

    private final double initialLearningRate;
    private final double decaySteps;
    private final double endLearningRate;
    private final double power;
    private final boolean cycle;

    /** A linear decay to 0.0001 without cycles. */
    public PolynomialDecay(double initialLearningRate, double decaySteps) {
        this(initialLearningRate, decaySteps, 0.0001, 1, false);
    }

    /**
     * @param initialLearningRate the rate at step 0, a finite number {@code >= 0}
     * @param decaySteps the steps to reach {@code endLearningRate}, {@code > 0}
     * @param endLearningRate the final rate, a finite number {@code >= 0}
     * @param power the exponent, a finite number {@code >= 0}
     * @param cycle whether to restart after {@code decaySteps}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public PolynomialDecay(double initialLearningRate, double decaySteps, double endLearningRate, double power,
            boolean cycle) {
        this.initialLearningRate = Requirements.nonNegative(className(), "initial_learning_rate", initialLearningRate);
        this.decaySteps = Requirements.positive(className(), "decay_steps", decaySteps);
        this.endLearningRate = Requirements.nonNegative(className(), "end_learning_rate", endLearningRate);
        this.power = Requirements.nonNegative(className(), "power", power);
        this.cycle = cycle;
    }

    @Override
    public double at(long step) {
        double steps = decaySteps;
        double s = step;
        if (cycle) {
            steps = decaySteps * (step == 0 ? 1 : Math.ceil(step / decaySteps));
        } else {
            s = Math.min(step, decaySteps);
        }
        return (initialLearningRate - endLearningRate) * Math.pow(1 - s / steps, power) + endLearningRate;
    }

    @Override
    public String className() {
        return "PolynomialDecay";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of(
                "initial_learning_rate", initialLearningRate,
                "decay_steps", decaySteps,
                "end_learning_rate", endLearningRate,
                "power", power,
                "cycle", cycle);
    }
}
