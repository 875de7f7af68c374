package cthulhu.backend;

import java.util.Arrays;

/**
 * An n-dimensional array of floats owned by one {@link Backend}.
 *
 * <p>A tensor is an opaque, immutable handle: its shape and type are fixed, and its values are
 * reached only through the explicit copies {@link #toFloatArray()} and {@link #toDoubleArray()}.
 * Every operation goes through {@link K}. Tensors of the native backends hold off-heap memory,
 * released by {@link #close()} or, usually, by the {@link TensorScope} they were created in.
 */
public abstract class Tensor implements AutoCloseable {

    private final Backend backend;
    private final int[] shape;
    private final DType dtype;
    private final long size;

    /**
     * Creates the handle; called by backends only.
     *
     * @param backend the backend that owns the storage
     * @param shape the shape, copied; every dimension {@code >= 0}
     * @param dtype the element type
     * @throws IllegalArgumentException if a dimension is negative
     */
    protected Tensor(Backend backend, int[] shape, DType dtype) {
        this.backend = backend;
        this.shape = shape.clone();
        this.dtype = dtype;
        this.size = Shapes.size(this.shape);
    }

    /** The backend that owns this tensor. */
    public final Backend backend() {
        return backend;
    }

    /** A copy of the shape; {@code []} for a scalar. */
    public final int[] shape() {
        return shape.clone();
    }

    /** Dimension {@code axis} of the shape; negative axes count from the end. */
    public final int dim(int axis) {
        return shape[Shapes.axis(axis, shape.length)];
    }

    /** The number of axes. */
    public final int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the shape. */
    public final long size() {
        return size;
    }

    /** The element type. */
    public final DType dtype() {
        return dtype;
    }

    /** The values in row-major order, converted to float. */
    public abstract float[] toFloatArray();

    /** The values in row-major order, converted to double. */
    public abstract double[] toDoubleArray();

    /**
     * Releases the storage. Using the tensor afterwards is an error. The default does nothing,
     * for backends whose storage the garbage collector owns.
     */
    @Override
    public void close() {
    }

    /** Whether {@link #close()} has released this tensor's storage. */
    public boolean isClosed() {
        return false;
    }

    /** {@code values} rounded to float, for backends converting their storage. */
    public static float[] narrow(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** {@code values} as doubles (exactly), for backends converting their storage. */
    public static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /**
     * Refuses a closed tensor with the same message on every backend; every operation of
     * {@link K} calls it for its inputs, and backends for reads.
     *
     * @throws IllegalStateException {@code "This tensor [2, 3] (float32) has been closed, …"}
     *     if {@link #isClosed()}
     */
    public final void requireOpen() {
        if (isClosed()) {
            throw new IllegalStateException("This tensor " + Arrays.toString(shape) + " (" + dtype
                    + ") has been closed, by close() or by the TensorScope it was created in. Keep it past the scope"
                    + " with scope.keep(tensor), or hold it in a Variable.");
        }
    }

    /** Shape, dtype, backend and values, e.g. {@code Tensor(shape=[2], dtype=float32, backend=pure, [1.0, 2.0])}. */
    @Override
    public String toString() {
        String values;
        if (isClosed()) {
            values = "<closed>";
        } else if (size > 1000) {
            double[] all = toDoubleArray();
            values = Arrays.toString(Arrays.copyOf(all, 1000)).replace("]", ", ...]");
        } else {
            values = Arrays.toString(toDoubleArray());
        }
        return "Tensor(shape=" + Arrays.toString(shape) + ", dtype=" + dtype + ", backend="
                + backend.name() + ", " + values + ")";
    }
}
