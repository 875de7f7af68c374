package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

/** Keras's {@code Multiply}: the product of two or more inputs, {@code Π xᵢ}, broadcast as {@link Merge} says. */
public final class Multiply extends Merge {

    /** A new Multiply layer. */
    public Multiply() {
    }

    /** {@code "Multiply"}. */
    @Override
    public String className() {
        return "Multiply";
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return K.multiply(a, b);
    }
}
