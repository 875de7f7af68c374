package cthulhu.optimizers.schedules;

/**
 * Keras 3's {@code ExponentialDecay}:
 * {@code lr(step) = initial_learning_rate · decay_rate^(step / decay_steps)}, with the exponent
 * floored when {@code staircase}.
 */
public final class ExponentialDecay extends RateDecay {

    /** A smooth decay ({@code staircase} false). */
    public ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false);
    }

    /**
     * @param initialLearningRate the rate at step 0, a finite number {@code >= 0}
     * @param decaySteps the steps over which the rate is multiplied by {@code decayRate}, {@code > 0}
     * @param decayRate the factor per {@code decaySteps}, a finite number {@code >= 0}
     * @param staircase whether the rate changes only every {@code decaySteps} steps
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase) {
        super(initialLearningRate, decaySteps, decayRate, staircase);
    }

    @Override
    double factor(double decayRate, double p) {
        return Math.pow(decayRate, p);
    }

    @Override
    public String className() {
        return "ExponentialDecay";
    }
}
