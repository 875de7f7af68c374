package cthulhu.optimizers.schedules;

import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Map;

/**
 * The schedules {@code initial_learning_rate · f(decay_rate, p)} of the elapsed fraction
 * {@code p = step / decay_steps}, floored when {@code staircase}: {@link ExponentialDecay} and
 * {@link InverseTimeDecay}.
 */
abstract class RateDecay implements LearningRateSchedule {

    private final double initialLearningRate;
    private final double decaySteps;
    private final double decayRate;
    private final boolean staircase;

    RateDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase) {
        this.initialLearningRate = Requirements.nonNegative(className(), "initial_learning_rate", initialLearningRate);
        this.decaySteps = Requirements.positive(className(), "decay_steps", decaySteps);
        this.decayRate = Requirements.nonNegative(className(), "decay_rate", decayRate);
        this.staircase = staircase;
    }

    /** The factor applied to the initial rate after the fraction {@code p} of decay steps. */
    abstract double factor(double decayRate, double p);

    @Override
    public final double at(long step) {
        double p = step / decaySteps;
        return initialLearningRate * factor(decayRate, staircase ? Math.floor(p) : p);
    }

    @Override
    public final Map<String, Object> getConfig() {
        return Configs.of(
                "initial_learning_rate", initialLearningRate,
                "decay_steps", decaySteps,
                "decay_rate", decayRate,
                "staircase", staircase);
    }
}
