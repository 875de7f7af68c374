package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

/** Keras's {@code Add}: the sum of two or more inputs, {@code Σ xᵢ}, broadcast as {@link Merge} says. */
public final class Add extends Merge {

    /** A new Add layer. */
    public Add() {
    }

    /** {@code "Add"}. */
    @Override
    public String className() {
        return "Add";
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return K.add(a, b);
    }
}
