package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.List;

/** Keras's {@code Average}: {@code (x₁ + … + xₙ) / n} of two or more inputs, broadcast as {@link Merge} says. */
public final class Average extends Merge {

    /** A new Average layer. */
    public Average() {
    }

    /** {@code "Average"}. */
    @Override
    public String className() {
        return "Average";
    }

    /** Adds; {@link #merge} then divides by the number of inputs. */
    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return K.add(a, b);
    }

    @Override
    protected Tensor merge(List<Tensor> inputs) {
        return K.divide(super.merge(inputs), inputs.size());
    }
}
