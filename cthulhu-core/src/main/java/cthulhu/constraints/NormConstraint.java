package cthulhu.constraints;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

/**
 * The constraints that rescale each slice of a weight along {@code axis} (for a dense kernel of
 * shape {@code [input, units]} and axis 0: each unit's incoming weights) from its L2 norm
 * {@code n = √(Σ w²)} to a desired norm {@code d(n)}: {@code w · d(n) / (ε + n)}, with
 * {@code ε} = {@link K#epsilon()}.
 */
abstract class NormConstraint implements Constraint {

    private final int axis;

    NormConstraint(int axis) {
        this.axis = axis;
    }

    /** The axis along which norms are taken. */
    public final int axis() {
        return axis;
    }

    /** The desired norms, from the norms. */
    abstract Tensor desired(Tensor norms);

    @Override
    public final Tensor apply(Tensor w) {
        Tensor norms = K.sqrt(K.sum(K.square(w), axis, true));
        return K.multiply(w, K.divide(desired(norms), K.add(norms, K.epsilon())));
    }
}
