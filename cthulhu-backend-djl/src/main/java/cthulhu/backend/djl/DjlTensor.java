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
    /** The views {@link #operandIn} made, by stripe of threads; null until the first. */
    private volatile AtomicReferenceArray<PtNDArray> views;
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

    /**
     * The array for an operation whose result is to belong to {@code manager}, the sub-manager of
     * {@code stripe} (one of {@code stripes}): the array itself if that manager holds it, else a
     * view of it (libtorch's {@code detach}: the same storage, reference counted) that the manager
     * holds, made once per stripe and kept until this tensor is closed. libtorch's results join
     * their first operand's manager: a tensor that threads share (one request's input served by
     * many threads, a constant) would otherwise have each of them take its manager's lock twice
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
        AtomicReferenceArray<PtNDArray> v = views;
        PtNDArray view = v == null ? null : v.get(stripe);
        if (view != null && !view.isReleased()) {
            return view;
        }
        synchronized (this) {
            if (views == null) {
                views = new AtomicReferenceArray<>(stripes);
            }
            view = views.get(stripe);
            if (view == null || view.isReleased()) {
                view = JniUtils.detachGradient(a);
                view.attach(manager);
                views.set(stripe, view);
            }
            return view;
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
            if (views != null) {
                for (int i = 0; i < views.length(); i++) {
                    PtNDArray view = views.get(i);
                    if (view != null) {
                        view.close();
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
