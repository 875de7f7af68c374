package cthulhu.optimizers.schedules;

import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Map;

/**
 * Keras 3's {@code CosineDecay} with optional linear warm-up. Without warm-up, with
 * {@code s = min(step, decay_steps)},
 * {@code lr(step) = initial · ((1 − alpha) · ½(1 + cos(π s / decay_steps)) + alpha)}. With a
 * {@code warmup_target}: the rate rises linearly from {@code initial} to {@code warmup_target}
 * over {@code warmup_steps} steps, {@code initial + (target − initial) · step / warmup_steps},
 * then decays from {@code warmup_target} as above over the next {@code decay_steps} steps.
 * Defaults: alpha 0, no warm-up.
 */
public final class CosineDecay implements LearningRateSchedule {

    private final double initialLearningRate;
    private final double decaySteps;
    private final double alpha;
    private final Double warmupTarget;
    private final double warmupSteps;

    /** A decay from {@code initialLearningRate} to 0 over {@code decaySteps}, without warm-up. */
    public CosineDecay(double initialLearningRate, double decaySteps) {
        this(initialLearningRate, decaySteps, 0, null, 0);
    }

    /**
     * @param initialLearningRate the rate at step 0, a finite number {@code >= 0}
     * @param decaySteps the length of the cosine decay, {@code > 0}
     * @param alpha the final rate as a fraction of the decay's starting rate, a finite number {@code >= 0}
     * @param warmupTarget the rate reached at the end of the warm-up, or null for no warm-up
     * @param warmupSteps the length of the warm-up, a finite number {@code >= 0}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public CosineDecay(double initialLearningRate, double decaySteps, double alpha, Double warmupTarget,
            double warmupSteps) {
        this.initialLearningRate = Requirements.nonNegative(className(), "initial_learning_rate", initialLearningRate);
        this.decaySteps = Requirements.positive(className(), "decay_steps", decaySteps);
        this.alpha = Requirements.nonNegative(className(), "alpha", alpha);
        this.warmupTarget = warmupTarget == null ? null
                : Requirements.nonNegative(className(), "warmup_target", warmupTarget);
        this.warmupSteps = Requirements.nonNegative(className(), "warmup_steps", warmupSteps);
    }

    @Override
    public double at(long step) {
        if (warmupTarget == null) {
            return decayed(Math.min(step, decaySteps), initialLearningRate);
        }
        double s = Math.min(step, decaySteps + warmupSteps);
        if (s < warmupSteps) {
            return (warmupTarget - initialLearningRate) * (s / warmupSteps) + initialLearningRate;
        }
        return decayed(s - warmupSteps, warmupTarget);
    }

    private double decayed(double s, double from) {
        double cosine = 0.5 * (1 + Math.cos(Math.PI * s / decaySteps));
        return from * ((1 - alpha) * cosine + alpha);
    }

    @Override
    public String className() {
        return "CosineDecay";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of(
                "initial_learning_rate", initialLearningRate,
                "decay_steps", decaySteps,
                "alpha", alpha,
                "warmup_target", warmupTarget,
                "warmup_steps", warmupSteps);
    }
}
