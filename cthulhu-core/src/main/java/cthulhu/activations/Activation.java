package cthulhu.activations;

import cthulhu.backend.Tensor;

/**
 * An element-wise (or, for softmax, per-row) function applied to a layer's output. Any function
 * over {@link cthulhu.backend.K} is one, so {@code K::tanh} and {@code x -> K.multiply(x, K.sigmoid(x))}
 * are activations.
 */
@FunctionalInterface
public interface Activation {

    /** Applies the activation to {@code x}. */
    Tensor apply(Tensor x);
}
