package cthulhu.constraints;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Map;

/**
 * Keras's {@code max_norm}: slices whose norm exceeds {@code max_value} are scaled down to it,
 * {@code d(n) = clip(n, 0, max_value)} (see {@link NormConstraint}). Defaults: max_value 2, axis 0.
 */
public final class MaxNorm extends NormConstraint {

    private final double maxValue;

    /** Keras's defaults: max_value 2, axis 0. */
    public MaxNorm() {
        this(2, 0);
    }

    /**
     * @param maxValue the largest norm, a finite number {@code >= 0}
     * @param axis the axis along which norms are taken
     * @throws IllegalArgumentException for a negative or non-finite {@code maxValue}
     */
    public MaxNorm(double maxValue, int axis) {
        super(axis);
        this.maxValue = Requirements.nonNegative("MaxNorm", "max_value", maxValue);
    }

    @Override
    Tensor desired(Tensor norms) {
        return K.clip(norms, 0, maxValue);
    }

    @Override
    public String className() {
        return "MaxNorm";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("max_value", maxValue, "axis", axis());
    }
}
