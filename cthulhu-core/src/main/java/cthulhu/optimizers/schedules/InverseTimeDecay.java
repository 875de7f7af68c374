package cthulhu.optimizers.schedules;

/**
 * Keras 3's {@code InverseTimeDecay}:
 * {@code lr(step) = initial_learning_rate / (1 + decay_rate · step / decay_steps)}, with
 * {@code step / decay_steps} floored when {@code staircase}.
 */
public final class InverseTimeDecay extends RateDecay {

    /** A smooth decay ({@code staircase} false). */
    public InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    /**
     * @param initialLearningRate the rate at step 0, a finite number {@code >= 0}
     * @param decaySteps the unit of steps, {@code > 0}
     * @param decayRate the decay per {@code decaySteps}, a finite number {@code >= 0}
     * @param staircase whether the rate changes only every {@code decaySteps} steps
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase) {
        super(initialLearningRate, decaySteps, decayRate, staircase);
    }

    @Override
    double factor(double decayRate, double p) {
        return 1 / (1 + decayRate * p);
    }

    @Override
    public String className() {
        return "InverseTimeDecay";
    }
}
