package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;

/**
 * Softmax (Keras's {@code Softmax} layer): {@code exp(x - max) / sum(exp(x - max))} along
 * {@code axis} of the batch (axis 0 is the batch axis; negative axes count from the end).
 * No weights.
 */
public final class Softmax extends ShapePreservingLayer {

    private final int axis;

    /** Over the last axis, Keras's default. */
    public Softmax() {
        this(-1);
    }

    /** @param axis the axis of the batch tensor to normalise over; -1 is the last */
    public Softmax(int axis) {
        this.axis = axis;
    }

    /** The axis normalised over. */
    public int axis() {
        return axis;
    }

    @Override
    public String className() {
        return "Softmax";
    }

    /**
     * @throws IllegalArgumentException naming the layer when the samples have no axis, or
     *     {@code axis} is outside the batch tensor's axes
     */
    @Override
    public int[] computeOutputShape(int[] inputShape) {
        int rank = inputShape.length + 1;
        if (inputShape.length == 0 || axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("Softmax layer " + getName() + " normalises over axis " + axis
                    + " but gets batches of shape [batch" + (inputShape.length == 0 ? "" : ", ")
                    + Arrays.toString(inputShape).replaceAll("[\\[\\]]", "") + "] (rank " + rank + ")"
                    + (inputShape.length == 0 ? "; softmax needs samples with at least one axis, reshape the input"
                    : "; choose an axis from " + (-rank) + " to " + (rank - 1)));
        }
        return inputShape.clone();
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return K.softmax(inputs, axis);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("axis", axis);
    }
}
