package cthulhu.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import cthulhu.backend.DType;
import cthulhu.backend.PoolOp;
import cthulhu.backend.Tensor;
import cthulhu.backend.Window;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;


/**
 * A tensor of the {@link DjlBackend}: a handle on one PyTorch {@link NDArray} in CPU memory.
 *
 * <p>The array belongs to this tensor alone: {@link #close()} frees its native memory at once
 * (views share storage with reference counting, so closing one never invalidates another), and
 * the backend's {@link DjlBackend#close()} frees every array still open.
 */
public final class DjlTensor extends Tensor {

    private final PtNDArray array;
    /**
     * Tensors of at most this many elements get a copy of their own for each stripe of threads
     * that reads them in a dense layer ({@link #operandIn}, {@link #transposedIn}); larger ones
     * are read through views of the one array. Every libtorch operation on a view updates the
     * shared tensor's reference and version counters (atomic operations), so threads serving one
     * small model passed those counters' cache lines between cores on every call; a product over
     * more elements than this outweighs that, and a copy per stripe would multiply its memory.
     */
    static final long COPIED_ELEMENTS = 1 << 16;

    /** The one transposed view {@link #transposedIn} made, kept for the next dense layer call; null until then. */
    private volatile PtNDArray transposed;
    /**
     * The arrays {@link #operandIn} and {@link #transposedIn} made for stripes of threads: for
     * stripe {@code s} of {@code n}, its operand at {@code s} and its transpose at {@code n + s};
     * null until the first.
     */
    private volatile AtomicReferenceArray<PtNDArray> stripeArrays;
    /** The autograd graph of the convolution or pooling that made this tensor, closed with it; null if none. */
    private volatile DjlWindows.Graph graph;
    /** The open graphs of the convolutions that read this tensor, for their gradients; guarded by {@code this}. */
    private List<DjlWindows.Graph> readers;

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
     * The transpose of this rank-2 tensor for a dense layer's {@code linear} (which takes its
     * weight transposed) run by {@code stripe} (one of {@code stripes}) into {@code manager}, that
     * stripe's sub-manager: one view if that manager holds this tensor (the thread that made it,
     * as in training) or it has more than {@link #COPIED_ELEMENTS} elements; else a copy with the
     * transpose's strides that the manager holds, made once per stripe. Both are kept until this
     * tensor is closed: the tensor is immutable, so a serving model does not make a view (two
     * native calls) on every call.
     *
     * @throws IllegalStateException if the tensor is closed
     */
    PtNDArray transposedIn(PtNDManager manager, int stripe, int stripes) {
        PtNDArray a = array();
        if (a.getManager() == manager || a.size() > COPIED_ELEMENTS) {
            return transposed(a);
        }
        PtNDArray kept = stripeArray(stripes + stripe);
        return kept != null ? kept : makeStripeArray(stripes + stripe, stripes, () -> copy(a, true, manager));
    }

    /** The one transposed view of {@code a}, this tensor's array, made under the lock and read without it. */
    private PtNDArray transposed(PtNDArray a) {
        PtNDArray t = transposed;
        if (t != null && !t.isReleased()) {
            return t;
        }
        synchronized (this) {
            if (transposed == null || transposed.isReleased()) {
                transposed = JniUtils.transpose(a, 0, 1);
            }
            return transposed;
        }
    }

    /**
     * The array for an operation whose result is to belong to {@code manager}, the sub-manager of
     * {@code stripe} (one of {@code stripes}): the array itself if that manager holds it, else an
     * array that the manager holds, made once per stripe and kept until this tensor is closed: a
     * copy for at most {@link #COPIED_ELEMENTS} elements (see there), else a view (libtorch's
     * {@code detach}: the same storage, reference counted). libtorch's results join their first
     * operand's manager: a tensor that threads share (one request's input served by many
     * threads, a model's bias) would otherwise have each of them take its manager's lock twice
     * per operation, once when the result is made and once when it moves to the thread's own
     * manager, and with more threads than cores they queue on it behind holders that are not running.
     *
     * @throws IllegalStateException if the tensor is closed
     */
    PtNDArray operandIn(PtNDManager manager, int stripe, int stripes) {
        PtNDArray a = array();
        if (a.getManager() == manager) {
            return a;
        }
        PtNDArray kept = stripeArray(stripe);
        return kept != null ? kept : makeStripeArray(stripe, stripes, () -> {
            if (a.size() <= COPIED_ELEMENTS) {
                return copy(a, false, manager);
            }
            PtNDArray view = JniUtils.detachGradient(a);
            view.attach(manager);
            return view;
        });
    }

    /** The array kept at {@code slot} of {@link #stripeArrays}, or null if none is. */
    private PtNDArray stripeArray(int slot) {
        AtomicReferenceArray<PtNDArray> arrays = stripeArrays;
        PtNDArray a = arrays == null ? null : arrays.get(slot);
        return a == null || a.isReleased() ? null : a;
    }

    /** The array at {@code slot} of {@link #stripeArrays}, made by {@code make} under the lock if there is none yet. */
    private synchronized PtNDArray makeStripeArray(int slot, int stripes, Supplier<PtNDArray> make) {
        if (stripeArrays == null) {
            stripeArrays = new AtomicReferenceArray<>(2 * stripes);
        }
        PtNDArray a = stripeArrays.get(slot);
        if (a == null || a.isReleased()) {
            a = make.get();
            stripeArrays.set(slot, a);
        }
        return a;
    }

    /**
     * A copy of {@code a} (transposed if {@code transpose}, with the transpose's strides, which
     * libtorch's {@code clone} keeps) held by {@code manager}, made from a detached view so that
     * it records no autograd history of {@code a}.
     */
    private static PtNDArray copy(PtNDArray a, boolean transpose, PtNDManager manager) {
        try (PtNDArray detached = JniUtils.detachGradient(a);
             PtNDArray t = transpose ? JniUtils.transpose(detached, 0, 1) : null) {
            PtNDArray copy = JniUtils.clone(transpose ? t : detached);
            copy.attach(manager);
            return copy;
        }
    }

    /** Keeps {@code g}, the graph that made this tensor, until this tensor is closed. */
    void keep(DjlWindows.Graph g) {
        graph = g;
    }

    /** The graph this tensor keeps if it is that of {@code op} of {@code input} over {@code w}, taken; else null. */
    DjlWindows.Graph keptGraph(PoolOp op, PtNDArray input, Window w) {
        DjlWindows.Graph g = graph;
        return g != null && g.take(op, input, null, null, w, true) ? g : null;
    }

    /** Remembers {@code g}, the graph of a convolution that read this tensor, for {@link #takeGraph}. */
    synchronized void readBy(DjlWindows.Graph g) {
        if (readers == null) {
            readers = new ArrayList<>(1);
        }
        // A tensor read by many convolutions (a served input) must not collect their closed graphs.
        readers.removeIf(r -> !r.isOpen());
        readers.add(g);
    }

    /**
     * The open graph of the convolution of this tensor by {@code kernel} plus {@code bias} over
     * {@code w} whose input records a gradient exactly when {@code inputGradient}, taken and
     * forgotten; null if there is none.
     */
    synchronized DjlWindows.Graph takeGraph(PtNDArray kernel, PtNDArray bias, Window w, boolean inputGradient) {
        if (readers == null) {
            return null;
        }
        for (Iterator<DjlWindows.Graph> it = readers.iterator(); it.hasNext(); ) {
            DjlWindows.Graph g = it.next();
            if (g.take(null, array, kernel, bias, w, inputGradient)) {
                it.remove();
                return g;
            }
        }
        return null;
    }

    /** Frees the native array now, its kept views and its graph; closing again does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (transposed != null) {
                transposed.close();
            }
            if (stripeArrays != null) {
                for (int i = 0; i < stripeArrays.length(); i++) {
                    PtNDArray a = stripeArrays.get(i);
                    if (a != null) {
                        a.close();
                    }
                }
            }
            readers = null;
        }
        DjlWindows.Graph g = graph;
        if (g != null) {
            g.close();
        }
        array.close();
    }

    /** {@inheritDoc} */
    @Override
    public boolean isClosed() {
        return array.isReleased();
    }
}
