package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

/** Keras's {@code Minimum}: the element-wise minimum of two or more inputs, {@code min(x₁, …, xₙ)}, broadcast as {@link Merge} says. */
public final class Minimum extends Merge {

    /** A new Minimum layer. */
    public Minimum() {
    }

    /** {@code "Minimum"}. */
    @Override
    public String className() {
        return "Minimum";
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return K.minimum(a, b);
    }
}
