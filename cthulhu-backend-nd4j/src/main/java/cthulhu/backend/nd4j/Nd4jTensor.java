package cthulhu.backend.nd4j;

import cthulhu.backend.DType;
import cthulhu.backend.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tensor of the ND4J backend: a handle on an off-heap {@link INDArray}.
 *
 * <p>The array is always dense, in row-major ({@code 'c'}) order, and spans its whole data buffer.
 * Tensors are immutable, so two tensors may share one buffer — {@link Nd4jBackend#reshape} and
 * the identity cases of {@code cast}, {@code transpose} and {@code broadcastTo} do, to save a copy.
 * The buffer is reference-counted: {@link #close()} releases this tensor's claim at once, and as
 * soon as the last tensor on it is closed the array goes back to the backend's {@link ArrayPool},
 * which reuses it for a later result or frees it ({@link INDArray#close()}), so closing one tensor
 * never breaks another. Using a tensor after closing it is an
 * {@link IllegalStateException}.
 */
public final class Nd4jTensor extends Tensor {

    private static final LongAdder LIVE_BYTES = new LongAdder();

    private final INDArray array;
    private final Storage storage;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Wraps an array that nobody else holds; the tensor now owns its buffer. */
    Nd4jTensor(Nd4jBackend backend, INDArray array, DType dtype) {
        this(backend, array, new Storage(array, backend.pool()), dtype);
    }

    /** Wraps an array over the buffer of {@code storage}, whose claim the caller has already taken. */
    Nd4jTensor(Nd4jBackend backend, INDArray array, Storage storage, DType dtype) {
        super(backend, toInts(array.shape()), dtype);
        this.array = array;
        this.storage = storage;
    }

    private static int[] toInts(long[] shape) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = Math.toIntExact(shape[i]);
        }
        return out;
    }

    /**
     * The ND4J array behind this tensor, for interoperation with code written against ND4J. It is
     * owned by the tensor: read it, never modify or close it, and do not use it after the tensor
     * is closed.
     *
     * @throws IllegalStateException if the tensor is closed
     */
    public INDArray array() {
        requireOpen();
        return array;
    }

    /** A new claim on this tensor's buffer, for a tensor that will share it. */
    Storage share() {
        array();
        return storage.retain();
    }

    @Override
    public float[] toFloatArray() {
        INDArray a = array();
        return a.isEmpty() ? new float[0] : a.data().asFloat();
    }

    @Override
    public double[] toDoubleArray() {
        INDArray a = array();
        return a.isEmpty() ? new double[0] : a.data().asDouble();
    }

    /** Releases this tensor's claim on its buffer; the buffer is freed when no open tensor shares it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            storage.release();
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** The bytes of the buffers not yet released, over all tensors. */
    static long liveBytes() {
        return LIVE_BYTES.sum();
    }

    /** Whether the native buffer itself has been freed: every tensor that shared it is closed. */
    boolean bufferReleased() {
        return storage.released();
    }

    /** One native buffer, the number of open tensors on it, and the pool it goes back to. */
    static final class Storage {

        private final INDArray owner;
        private final ArrayPool pool;
        private final long bytes;
        private final AtomicInteger claims = new AtomicInteger(1);

        Storage(INDArray owner, ArrayPool pool) {
            this.owner = owner;
            this.pool = pool;
            this.bytes = ArrayPool.bytes(owner);
            LIVE_BYTES.add(bytes);
        }

        Storage retain() {
            int n;
            do {
                n = claims.get();
                if (n == 0) {
                    throw new IllegalStateException("The buffer of this ND4J tensor was already released");
                }
            } while (!claims.compareAndSet(n, n + 1));
            return this;
        }

        void release() {
            if (claims.decrementAndGet() == 0) {
                LIVE_BYTES.add(-bytes);
                pool.release(owner);
            }
        }

        boolean released() {
            return claims.get() == 0;
        }
    }
}
