package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

/** Keras's {@code Maximum}: the element-wise maximum of two or more inputs, {@code max(x₁, …, xₙ)}, broadcast as {@link Merge} says. */
public final class Maximum extends Merge {

    /** A new Maximum layer. */
    public Maximum() {
    }

    /** {@code "Maximum"}. */
    @Override
    public String className() {
        return "Maximum";
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return K.maximum(a, b);
    }
}
