package cthulhu.activations;

import cthulhu.backend.Tensor;

import java.io.Serializable;

/**
 * An element-wise (or, for softmax, per-row) function applied to a layer's output. Any function
 * over {@link cthulhu.backend.K} is one, so {@code K::tanh} and {@code x -> K.multiply(x, K.sigmoid(x))}
 * are activations.
 *
 * <p>It is {@link Serializable} so that the compiler records what a method reference such as
 * {@code K::tanh} points at: {@link Activations#serialize} names it by that method, and a model
 * built with it can be saved. cthulhu never serializes activations with Java serialization.
 */
@FunctionalInterface
public interface Activation extends Serializable {

    /** Applies the activation to {@code x}. */
    Tensor apply(Tensor x);
}
