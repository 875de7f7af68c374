package cthulhu.backend;

import java.util.Arrays;

/**
 * A named, mutable slot holding a tensor that outlives training steps: a layer's weight or an
 * optimizer's state (Keras's {@code K.variable}). Tensors stay immutable; {@link #assign}
 * replaces the held tensor and releases the old one.
 *
 * <p>The variable owns its tensor: a tensor passed to the constructor or to {@link #assign} must
 * not be released by anyone else. It is {@linkplain TensorScope#detach detached} from the open
 * scopes of the calling thread, so a weight created or updated inside a training step's scope
 * outlives that scope.
 */
public final class Variable implements AutoCloseable {

    private final String name;
    private final boolean trainable;
    private final int[] shape;
    private Tensor value;

    /**
     * @param name a name unique within its layer, e.g. {@code "kernel"}
     * @param value the initial value, now owned by the variable
     * @param trainable whether optimizers update it
     */
    public Variable(String name, Tensor value, boolean trainable) {
        this.name = name;
        this.value = TensorScope.detach(value);
        this.trainable = trainable;
        this.shape = value.shape();
    }

    /** The name, e.g. {@code "kernel"}. */
    public String name() {
        return name;
    }

    /** Whether optimizers update this variable. */
    public boolean trainable() {
        return trainable;
    }

    /** The shape, fixed at creation. */
    public int[] shape() {
        return shape.clone();
    }

    /** The current value. Do not close it: the variable owns it. */
    public Tensor value() {
        return value;
    }

    /**
     * Replaces the value, releasing the old tensor.
     *
     * @param newValue a tensor of the same shape, now owned by the variable
     * @throws IllegalArgumentException naming both shapes when they differ, or the dtypes
     */
    public void assign(Tensor newValue) {
        if (!Arrays.equals(newValue.shape(), shape)) {
            throw new IllegalArgumentException("Cannot assign a tensor of shape " + Arrays.toString(newValue.shape())
                    + " to variable '" + name + "' of shape " + Arrays.toString(shape));
        }
        if (newValue.dtype() != value.dtype()) {
            throw new IllegalArgumentException("Cannot assign a " + newValue.dtype() + " tensor to variable '" + name
                    + "' of dtype " + value.dtype() + "; cast it with K.cast");
        }
        Tensor old = value;
        value = TensorScope.detach(newValue);
        if (old != newValue) {
            old.close();
        }
    }

    /** Releases the value. */
    @Override
    public void close() {
        value.close();
    }

    @Override
    public String toString() {
        return "Variable(" + name + ", shape=" + Arrays.toString(shape) + (trainable ? "" : ", non-trainable") + ")";
    }
}
