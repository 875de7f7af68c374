package cthulhu.constraints;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.Map;

/**
 * Keras's {@code unit_norm}: every slice along {@code axis} is scaled to norm 1,
 * {@code w / (ε + n)} (see {@link NormConstraint}). Default axis 0.
 */
public final class UnitNorm extends NormConstraint {

    /** Norms along axis 0. */
    public UnitNorm() {
        this(0);
    }

    /** @param axis the axis along which norms are taken */
    public UnitNorm(int axis) {
        super(axis);
    }

    @Override
    Tensor desired(Tensor norms) {
        return K.onesLike(norms);
    }

    @Override
    public String className() {
        return "UnitNorm";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of("axis", axis());
    }
}
