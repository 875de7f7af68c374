package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.List;

/** Keras's {@code Subtract}: {@code x₁ − x₂} of exactly two inputs, broadcast as {@link Merge} says. */
public final class Subtract extends Merge {

    /** A new Subtract layer. */
    public Subtract() {
    }

    /** {@code "Subtract"}. */
    @Override
    public String className() {
        return "Subtract";
    }

    /**
     * Refuses any number of inputs but two.
     *
     * @throws IllegalArgumentException naming the layer and the shapes given
     */
    @Override
    void checkCount(List<int[]> inputShapes) {
        if (inputShapes.size() != 2) {
            throw new IllegalArgumentException("A Subtract layer should be called on exactly 2 inputs. Got "
                    + inputShapes.size() + " input(s) of shape " + shapesText(inputShapes) + "; apply " + getName()
                    + " to two symbols, e.g. " + getName() + ".apply(a, b) for a − b");
        }
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return K.subtract(a, b);
    }
}
