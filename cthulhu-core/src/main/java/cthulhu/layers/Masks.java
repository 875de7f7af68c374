package cthulhu.layers;

import cthulhu.backend.Tensor;

import java.util.Arrays;

/** The check every layer that reads a step mask makes at its boundary. */
final class Masks {

    private Masks() {
    }

    /**
     * @throws IllegalArgumentException naming the layer, both shapes and the expected one when
     *     {@code mask} is not {@code [batch, steps]}
     */
    static void checkShape(Layer layer, Tensor mask, Tensor inputs, int steps) {
        int batch = inputs.dim(0);
        if (mask.rank() != 2 || mask.dim(0) != batch || mask.dim(1) != steps) {
            throw new IllegalArgumentException(layer.className() + " " + layer.getName() + " got a mask of shape "
                    + Arrays.toString(mask.shape()) + " for input of shape " + Arrays.toString(inputs.shape())
                    + "; the mask must be [batch, steps] = [" + batch + ", " + steps
                    + "], 1 for each step that counts and 0 for padding");
        }
    }
}
