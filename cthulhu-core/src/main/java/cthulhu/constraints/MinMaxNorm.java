package cthulhu.constraints;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Map;

/**
 * Keras's {@code min_max_norm}: norms are moved into {@code [min_value, max_value]} at the given
 * rate, {@code d(n) = rate · clip(n, min_value, max_value) + (1 − rate) · n} (see
 * {@link NormConstraint}). Defaults: min_value 0, max_value 1, rate 1, axis 0.
 */
public final class MinMaxNorm extends NormConstraint {

    private final double minValue;
    private final double maxValue;
    private final double rate;

    /** Keras's defaults: min_value 0, max_value 1, rate 1, axis 0. */
    public MinMaxNorm() {
        this(0, 1, 1, 0);
    }

    /**
     * @param minValue the smallest norm, a finite number {@code >= 0}
     * @param maxValue the largest norm, a finite number {@code >= minValue}
     * @param rate how far to move toward the range per step, a finite number {@code >= 0}
     * @param axis the axis along which norms are taken
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public MinMaxNorm(double minValue, double maxValue, double rate, int axis) {
        super(axis);
        this.minValue = Requirements.nonNegative("MinMaxNorm", "min_value", minValue);
        this.maxValue = Requirements.nonNegative("MinMaxNorm", "max_value", maxValue);
        this.rate = Requirements.nonNegative("MinMaxNorm", "rate", rate);
        if (maxValue < minValue) {
            throw new IllegalArgumentException("MinMaxNorm: max_value must be >= min_value, got min_value " + minValue
                    + " and max_value " + maxValue);
        }
    }

    @Override
    Tensor desired(Tensor norms) {
        return K.add(K.multiply(K.clip(norms, minValue, maxValue), rate), K.multiply(norms, 1 - rate));
    }

    @Override
    public String className() {
        return "MinMaxNorm";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("min_value", minValue, "max_value", maxValue, "rate", rate, "axis", axis());
    }
}
