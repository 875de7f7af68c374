package cthulhu.optimizers.schedules;

import cthulhu.config.Requirements;

import java.util.Map;

/** A fixed learning rate, what a plain number means; it serializes as that number. */
final class ConstantLearningRate implements LearningRateSchedule {

    private final double lr;

    ConstantLearningRate(double lr) {
        this.lr = Requirements.nonNegative("learning rate", "lr", lr);
    }

    @Override
    public double at(long step) {
        return lr;
    }

    @Override
    public String className() {
        return "Constant";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of("learning_rate", lr);
    }

    @Override
    public String toString() {
        return Double.toString(lr);
    }
}
