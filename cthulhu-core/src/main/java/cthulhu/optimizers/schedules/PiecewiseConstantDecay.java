package cthulhu.optimizers.schedules;

import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Arrays;
import java.util.Map;

/**
 * Keras 3's {@code PiecewiseConstantDecay}: {@code values[0]} while {@code step <= boundaries[0]},
 * {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]}, and the last value
 * after the last boundary.
 */
public final class PiecewiseConstantDecay implements LearningRateSchedule {

    private final long[] boundaries;
    private final double[] values;

    /**
     * @param boundaries increasing step counts
     * @param values one more than {@code boundaries}, each a finite number {@code >= 0}
     * @throws IllegalArgumentException if the lengths do not match, the boundaries do not increase
     *     or a value is negative or not finite
     */
    public PiecewiseConstantDecay(long[] boundaries, double[] values) {
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException(className() + ": values must have one more element than boundaries, got "
                    + values.length + " values for " + boundaries.length + " boundaries");
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException(className() + ": boundaries must increase, got " + Arrays.toString(boundaries));
            }
        }
        for (int i = 0; i < values.length; i++) {
            Requirements.nonNegative(className(), "values[" + i + "]", values[i]);
        }
        this.boundaries = boundaries.clone();
        this.values = values.clone();
    }

    @Override
    public double at(long step) {
        for (int i = 0; i < boundaries.length; i++) {
            if (step <= boundaries[i]) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    @Override
    public String className() {
        return "PiecewiseConstantDecay";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of(
                "boundaries", Arrays.stream(boundaries).boxed().toList(),
                "values", Arrays.stream(values).boxed().toList());
    }
}
