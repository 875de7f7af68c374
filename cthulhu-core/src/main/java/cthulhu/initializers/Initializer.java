package cthulhu.initializers;

import cthulhu.backend.Tensor;

/**
 * Produces the initial value of a weight for a shape, in the active float type
 * ({@link cthulhu.backend.K#floatx()}) on the active backend. Any lambda over
 * {@link cthulhu.backend.K} is one: {@code shape -> K.full(K.dtype(), 0.1, shape)}.
 *
 * <p>The built-in initializers ({@link KerasInitializer}) and the names that resolve to them are
 * in {@link Initializers}.
 */
@FunctionalInterface
public interface Initializer {

    /**
     * A new tensor of {@code shape}; the caller owns it.
     *
     * @param shape the weight's shape, e.g. {@code [inputDim, units]} for a dense kernel
     */
    Tensor apply(int... shape);
}
