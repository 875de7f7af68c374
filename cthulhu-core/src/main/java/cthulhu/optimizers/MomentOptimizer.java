package cthulhu.optimizers;

import cthulhu.config.Requirements;
import cthulhu.optimizers.schedules.LearningRateSchedule;

/**
 * The base of the optimizers that keep decaying averages of the gradient and of its square or
 * magnitude ({@link Adam}, {@link AdamW}, {@link Adamax}, {@link Nadam}): their decays
 * {@code β1}, {@code β2}, each in {@code [0, 1)}, and the fuzz factor {@code ε >= 0}.
 */
public abstract class MomentOptimizer extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double epsilon;

    /**
     * @throws IllegalArgumentException naming the optimizer and the argument for a value out of range
     */
    protected MomentOptimizer(LearningRateSchedule lr, double decay, double beta1, double beta2, double epsilon) {
        super(lr, decay);
        this.beta1 = Requirements.fraction(getClass().getSimpleName(), "beta_1", beta1);
        this.beta2 = Requirements.fraction(getClass().getSimpleName(), "beta_2", beta2);
        this.epsilon = requireNonNegative("epsilon", epsilon);
    }

    /** The decay of the first moment. */
    public final double beta1() {
        return beta1;
    }

    /** The decay of the second moment (Adamax: of the infinity norm). */
    public final double beta2() {
        return beta2;
    }

    /** The fuzz factor. */
    public final double epsilon() {
        return epsilon;
    }
}
