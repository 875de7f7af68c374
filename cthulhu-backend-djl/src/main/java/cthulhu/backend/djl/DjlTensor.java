package cthulhu.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import cthulhu.backend.DType;
import cthulhu.backend.Tensor;


/**
 * A tensor of the {@link DjlBackend}: a handle on one PyTorch {@link NDArray} in CPU memory.
 *
 * <p>The array belongs to this tensor alone: {@link #close()} frees its native memory at once
 * (views share storage with reference counting, so closing one never invalidates another), and
 * the backend's {@link DjlBackend#close()} frees every array still open.
 */
public final class DjlTensor extends Tensor {

    private final PtNDArray array;
    /** The transposed view {@link #transposed()} made, kept for the next dense layer call; null until then. */
    private volatile PtNDArray transposed;

    DjlTensor(DjlBackend backend, PtNDArray array, DType dtype) {
        super(backend, toInts(array.getShape().getShape()), dtype);
        this.array = array;
    }

    private static int[] toInts(long[] shape) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = Math.toIntExact(shape[i]);
        }
        return out;
    }

    /**
     * The underlying DJL array, for interoperating with DJL code. It stays owned by this tensor:
     * do not close it, and do not modify it in place (tensors are immutable and may share storage).
     *
     * @throws IllegalStateException if the tensor is closed
     */
    public NDArray ndArray() {
        return array();
    }

    PtNDArray array() {
        requireOpen();
        return array;
    }

    /** {@inheritDoc} */
    @Override
    public float[] toFloatArray() {
        return dtype() == DType.FLOAT32 ? array().toFloatArray() : narrow(array().toDoubleArray());
    }

    /** {@inheritDoc} */
    @Override
    public double[] toDoubleArray() {
        return dtype() == DType.FLOAT64 ? array().toDoubleArray() : widen(array().toFloatArray());
    }

    /**
     * The transpose of this rank-2 tensor, as a view made once and kept: the tensor is immutable,
     * so the dense layer's {@code linear}, which takes its weight transposed, need not make a
     * view (two native calls) on every call with the same kernel, as a serving model does.
     *
     * @throws IllegalStateException if the tensor is closed
     */
    PtNDArray transposed() {
        requireOpen();
        PtNDArray t = transposed;
        if (t != null && !t.isReleased()) {
            return t;
        }
        // Made under the lock so that threads serving one model share one view; read without it.
        synchronized (this) {
            if (transposed == null || transposed.isReleased()) {
                transposed = JniUtils.transpose(array, 0, 1);
            }
            return transposed;
        }
    }

    /** Frees the native array now, and its kept transposed view; closing again does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (transposed != null) {
                transposed.close();
            }
        }
        array.close();
    }

    /** {@inheritDoc} */
    @Override
    public boolean isClosed() {
        return array.isReleased();
    }
}
