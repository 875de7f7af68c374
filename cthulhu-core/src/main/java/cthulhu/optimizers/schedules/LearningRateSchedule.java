package cthulhu.optimizers.schedules;

import java.util.Map;

/**
 * A learning rate that changes with the optimizer's step count (Keras 3's
 * {@code keras.optimizers.schedules.LearningRateSchedule}). Every optimizer accepts one wherever
 * it accepts a learning rate; the rate of a step is {@link #at} the number of steps taken before
 * it (0 for the first).
 */
public interface LearningRateSchedule {

    /** The learning rate after {@code step} steps ({@code step >= 0}). */
    double at(long step);

    /** The Keras class name, e.g. {@code "ExponentialDecay"}. */
    String className();

    /** The constructor's arguments under Keras's names; {@link LearningRateSchedules#deserialize} rebuilds an equal schedule. */
    Map<String, Object> getConfig();

    /** A schedule that is {@code lr} at every step. */
    static LearningRateSchedule constant(double lr) {
        return new ConstantLearningRate(lr);
    }
}
