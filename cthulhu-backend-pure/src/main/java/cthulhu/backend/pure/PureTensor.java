package cthulhu.backend.pure;

import cthulhu.backend.Backend;
import cthulhu.backend.DType;
import cthulhu.backend.Tensor;

/**
 * A tensor of the pure-Java backend: its elements in row-major order in one contiguous
 * {@code float[]} (for {@link DType#FLOAT32}) or {@code double[]} (for {@link DType#FLOAT64}).
 *
 * <p>The array is never written after construction, so tensors that differ only in shape (a
 * reshape) may share it. The garbage collector owns the storage; {@link #close()} only marks the
 * tensor closed, so that using it afterwards fails as it does on the native backends.
 */
final class PureTensor extends Tensor {

    private final float[] floats;
    private final double[] doubles;
    private volatile boolean closed;

    private PureTensor(Backend backend, int[] shape, DType dtype, float[] floats, double[] doubles) {
        super(backend, shape, dtype);
        this.floats = floats;
        this.doubles = doubles;
    }

    /** Wraps {@code data} without copying; the caller hands over the array and never writes it again. */
    static PureTensor ofFloats(Backend backend, int[] shape, float[] data) {
        return new PureTensor(backend, shape, DType.FLOAT32, data, null);
    }

    /** Wraps {@code data} without copying; the caller hands over the array and never writes it again. */
    static PureTensor ofDoubles(Backend backend, int[] shape, double[] data) {
        return new PureTensor(backend, shape, DType.FLOAT64, null, data);
    }

    /** The storage of a FLOAT32 tensor (null for FLOAT64); read-only by contract. */
    float[] floats() {
        return floats;
    }

    /** The storage of a FLOAT64 tensor (null for FLOAT32); read-only by contract. */
    double[] doubles() {
        return doubles;
    }

    /** The same storage under another shape of equal size. */
    PureTensor withShape(int[] shape) {
        return new PureTensor(backend(), shape, dtype(), floats, doubles);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public float[] toFloatArray() {
        requireOpen();
        return floats != null ? floats.clone() : narrow(doubles);
    }

    @Override
    public double[] toDoubleArray() {
        requireOpen();
        return doubles != null ? doubles.clone() : widen(floats);
    }
}
