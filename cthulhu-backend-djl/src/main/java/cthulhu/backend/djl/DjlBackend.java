package cthulhu.backend.djl;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import cthulhu.backend.Backend;
import cthulhu.backend.BinaryOp;
import cthulhu.backend.Composites;
import cthulhu.backend.DType;
import cthulhu.backend.ElementKernel;
import cthulhu.backend.ElementwisePass;
import cthulhu.backend.PoolOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;
import cthulhu.backend.Window;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Backend} on DJL's PyTorch engine (libtorch 2.7.1, CPU), selected with
 * {@code -Dcthulhu.backend=djl}.
 *
 * <p>The native library comes from the classified {@code pytorch-native-cpu} jar on the
 * classpath and is never downloaded (see {@code PyTorchNatives}); it is loaded by
 * {@link #checkAvailable()} or the first operation, not by the constructor.
 *
 * <p>Memory: the backend holds one base {@code NDManager} and, under it, one sub-manager per
 * stripe of threads. Every array it creates is attached to the calling thread's sub-manager and
 * owned by exactly one {@link DjlTensor}, whose {@link DjlTensor#close()} frees it at once and
 * detaches it, so the managers hold only the tensors still open. Temporaries inside an
 * operation are closed before it returns. {@link #close()} closes the base manager, freeing every
 * tensor still open; the next operation opens a new one.
 *
 * <p>Composites with an equivalent PyTorch kernel run as one or two native calls instead of four
 * to eight: softmax, softsign, softplus in float32 (libtorch returns {@code x} above 20, which
 * float32 cannot tell from the exact value but float64 can), relu and leaky relu at threshold 0,
 * and dense as {@code linear} ({@code addmm}); fused element-wise passes (an optimizer's update)
 * run in Java over the tensors' memory. ELU keeps the default: libtorch computes {@code e^x - 1} without {@code expm1}
 * and loses small negative inputs.
 */
public final class DjlBackend implements Backend {

    private static final Device CPU = Device.cpu();
    /**
     * Inputs up to this many bytes are staged in a direct buffer each creating thread keeps for
     * reuse; larger ones in a buffer of their own that the garbage collector frees.
     */
    private static final int STAGING_BYTES = 1 << 24;
    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();
    /** Relu results up to this many elements are checked for NaN in Java ({@link #withoutNaN}). */
    private static final int SCANNED_ELEMENTS = 4096;

    /**
     * Sub-managers under the base manager. A DJL manager attaches and detaches its arrays under
     * its own lock, and threads serving one model would otherwise queue on it at every operation;
     * threads take stripes in turn, so up to this many threads each have one to themselves.
     */
    private static final int STRIPES = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    private static final AtomicInteger NEXT_STRIPE = new AtomicInteger();
    private static final ThreadLocal<Integer> STRIPE = ThreadLocal.withInitial(() -> Math.floorMod(NEXT_STRIPE.getAndIncrement(), STRIPES));

    private final Object lock = new Object();
    private volatile PtNDManager manager;
    /** The sub-managers of {@link #manager}, by stripe; null when it is. */
    private volatile PtNDManager[] stripes;

    /** Creates the backend; the engine loads later, in {@link #checkAvailable()} or at first use. */
    public DjlBackend() {
    }

    /** {@code "djl"}. */
    @Override
    public String name() {
        return "djl";
    }

    /** 10: preferred to the pure backend (0), not to ND4J (20). */
    @Override
    public int priority() {
        return 10;
    }

    /** {@code io.cthulhu:cthulhu-backend-djl}. */
    @Override
    public String artifact() {
        return "io.cthulhu:cthulhu-backend-djl";
    }

    /**
     * Loads libtorch from the native jar and computes {@code 1 + 1}.
     *
     * @throws IllegalStateException if the native jar is missing or the result is wrong
     * @throws ai.djl.engine.EngineException with the cause when libtorch fails to load
     */
    @Override
    public void checkAvailable() {
        try (Tensor one = full(new int[] {2}, 1, DType.FLOAT32); Tensor two = binary(BinaryOp.ADD, one, one)) {
            float[] v = two.toFloatArray();
            if (v.length != 2 || v[0] != 2 || v[1] != 2) {
                throw new IllegalStateException("PyTorch computed [1, 1] + [1, 1] = " + Arrays.toString(v));
            }
        }
    }

    /** Closes the base manager, freeing every tensor of this backend still open. */
    @Override
    public void close() {
        synchronized (lock) {
            if (manager != null) {
                manager.close();
                manager = null;
                stripes = null;
            }
        }
    }

    /**
     * The number of native arrays this backend holds: its tensors not yet closed. Flat across
     * training steps when every step runs in a {@link cthulhu.backend.TensorScope}; for leak checks.
     */
    public int openArrays() {
        synchronized (lock) {
            return manager == null ? 0 : manager.getManagedArrays().size();
        }
    }

    /** The calling thread's manager: the sub-manager of its stripe. */
    private PtNDManager manager() {
        return manager(STRIPE.get());
    }

    /** The sub-manager of {@code stripe}. */
    private PtNDManager manager(int stripe) {
        PtNDManager[] s = stripes;
        if (s == null) {
            synchronized (lock) {
                if (stripes == null) {
                    manager = PyTorchNatives.newManager();
                    PtNDManager[] made = new PtNDManager[STRIPES];
                    for (int i = 0; i < STRIPES; i++) {
                        made[i] = manager.newSubManager(CPU);
                    }
                    stripes = made;
                }
                s = stripes;
            }
        }
        return s[stripe];
    }

    // ---- creation and conversion ----------------------------------------------------------

    /** {@inheritDoc} */
    @Override
    public Tensor fromArray(float[] data, int[] shape, DType dtype) {
        int n = checkLength(data.length, shape);
        ByteBuffer buf = staging((long) n * bytes(dtype));
        if (dtype == DType.FLOAT32) {
            buf.asFloatBuffer().put(data);
        } else {
            DoubleBuffer d = buf.asDoubleBuffer();
            for (float v : data) {
                d.put(v);
            }
        }
        return wrap(upload(buf, shape, type(dtype)), dtype);
    }

    /** {@inheritDoc} */
    @Override
    public Tensor fromArray(double[] data, int[] shape, DType dtype) {
        int n = checkLength(data.length, shape);
        ByteBuffer buf = staging((long) n * bytes(dtype));
        if (dtype == DType.FLOAT64) {
            buf.asDoubleBuffer().put(data);
        } else {
            FloatBuffer f = buf.asFloatBuffer();
            for (double v : data) {
                f.put((float) v);
            }
        }
        return wrap(upload(buf, shape, type(dtype)), dtype);
    }

    /** {@inheritDoc} */
    @Override
    public Tensor full(int[] shape, double value, DType dtype) {
        Shapes.size(shape); // rejects a negative dimension, naming the shape
        return wrap(JniUtils.full(manager(), shape(shape), value, type(dtype), CPU, SparseFormat.DENSE), dtype);
    }

    /** {@inheritDoc} */
    @Override
    public Tensor cast(Tensor x, DType dtype) {
        return wrap(JniUtils.to(nd(x), type(dtype), CPU), dtype);
    }

    private static int checkLength(int length, int[] shape) {
        long size = Shapes.size(shape);
        if (size != length) {
            throw new IllegalArgumentException("Data of length " + length + " does not fill shape "
                    + Arrays.toString(shape) + " (" + size + " elements)");
        }
        return length;
    }

    /**
     * A native-order direct buffer of exactly {@code n} bytes: a view of this thread's reused
     * staging buffer, or a new one above {@link #STAGING_BYTES}.
     */
    private static ByteBuffer staging(long n) {
        if (n > STAGING_BYTES) {
            return ByteBuffer.allocateDirect(Math.toIntExact(n)).order(ByteOrder.nativeOrder());
        }
        ByteBuffer buf = STAGING.get();
        if (buf == null || buf.capacity() < n) {
            buf = ByteBuffer.allocateDirect(Math.max((int) n, 4096)).order(ByteOrder.nativeOrder());
            STAGING.set(buf);
        }
        return buf.duplicate().clear().limit((int) n).slice().order(ByteOrder.nativeOrder());
    }

    /**
     * Copies staged data into an array that owns its memory: libtorch's {@code from_blob} only
     * borrows the Java buffer, so the borrowed view is cloned and closed at once.
     */
    private PtNDArray upload(ByteBuffer staged, int[] shape, DataType type) {
        try (PtNDArray borrowed = JniUtils.createNdFromByteBuffer(manager(), staged, shape(shape), type, SparseFormat.DENSE, CPU)) {
            return JniUtils.clone(borrowed);
        }
    }

    // ---- element-wise -----------------------------------------------------------------------

    /** {@inheritDoc} */
    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        PtNDArray a = nd(x);
        return wrap(switch (op) {
            case NEGATE -> JniUtils.neg(a);
            case ABS -> JniUtils.abs(a);
            case EXP -> JniUtils.exp(a);
            case EXPM1 -> expm1(a, x.dtype());
            case LOG -> JniUtils.log(a);
            case LOG1P -> log1p(a, x.dtype());
            case SQRT -> JniUtils.sqrt(a);
            case SQUARE -> JniUtils.square(a);
            case SIGN -> sign(a);
            case TANH -> JniUtils.tanh(a);
            case SIGMOID -> JniUtils.sigmoid(a);
            case ERF -> JniUtils.erf(a);
            case RECIPROCAL -> {
                try (PtNDArray one = scalar(1, x.dtype())) {
                    yield JniUtils.div(one, a);
                }
            }
        }, x.dtype());
    }

    /** libtorch's sign maps NaN to 0; the contract passes NaN through. */
    private static PtNDArray sign(PtNDArray a) {
        try (PtNDArray s = JniUtils.sign(a); PtNDArray nan = JniUtils.isNaN(a)) {
            return JniUtils.where(nan, a, s);
        }
    }

    /**
     * {@code e^x - 1} without cancellation (libtorch's {@code expm1} is not exposed by DJL):
     * Kahan's {@code (u - 1) · x / ln u} with {@code u = e^x} for {@code |x| < 1}, which is exact
     * to a few ulps and is {@code x} where {@code u} rounds to 1; plain {@code u - 1} elsewhere,
     * where nothing cancels and the quotient could be ∞/∞.
     */
    private PtNDArray expm1(PtNDArray x, DType dtype) {
        try (PtNDArray one = scalar(1, dtype);
             PtNDArray u = JniUtils.exp(x);
             PtNDArray d = JniUtils.sub(u, one);
             PtNDArray abs = JniUtils.abs(x);
             PtNDArray small = JniUtils.lt(abs, one);
             PtNDArray dx = JniUtils.mul(d, x);
             PtNDArray logU = JniUtils.log(u);
             PtNDArray kahan = JniUtils.div(dx, logU);
             PtNDArray exact = JniUtils.eq(u, one);
             PtNDArray near = JniUtils.where(exact, x, kahan)) {
            return JniUtils.where(small, near, d);
        }
    }

    /**
     * {@code ln(1 + x)} without cancellation (libtorch's {@code log1p} is not exposed by DJL):
     * {@code ln u · x / (u - 1)} with {@code u = 1 + x} for {@code |x| < 1}, which is {@code x}
     * where {@code u} rounds to 1; plain {@code ln u} elsewhere.
     */
    private PtNDArray log1p(PtNDArray x, DType dtype) {
        try (PtNDArray one = scalar(1, dtype);
             PtNDArray u = JniUtils.add(x, one);
             PtNDArray logU = JniUtils.log(u);
             PtNDArray abs = JniUtils.abs(x);
             PtNDArray small = JniUtils.lt(abs, one);
             PtNDArray d = JniUtils.sub(u, one);
             PtNDArray ratio = JniUtils.div(x, d);
             PtNDArray kahan = JniUtils.mul(logU, ratio);
             PtNDArray exact = JniUtils.eq(u, one);
             PtNDArray near = JniUtils.where(exact, x, kahan)) {
            return JniUtils.where(small, near, logU);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming both shapes when they do not broadcast
     */
    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Shapes.broadcast(a.shape(), b.shape());
        return wrap(binary(op, nd(a), nd(b), a.dtype()), a.dtype());
    }

    /** {@inheritDoc} */
    @Override
    public Tensor binary(BinaryOp op, Tensor a, double b) {
        try (PtNDArray s = scalar(b, a.dtype())) {
            return wrap(binary(op, nd(a), s, a.dtype()), a.dtype());
        }
    }

    private static PtNDArray binary(BinaryOp op, PtNDArray a, PtNDArray b, DType dtype) {
        return switch (op) {
            case ADD -> JniUtils.add(a, b);
            case SUBTRACT -> JniUtils.sub(a, b);
            case MULTIPLY -> JniUtils.mul(a, b);
            case DIVIDE -> JniUtils.div(a, b);
            case POW -> JniUtils.pow(a, b);
            case MAXIMUM -> JniUtils.max(a, b);
            case MINIMUM -> JniUtils.min(a, b);
            case GREATER -> asFloat(JniUtils.gt(a, b), dtype);
            case GREATER_EQUAL -> asFloat(JniUtils.gte(a, b), dtype);
            case EQUAL -> asFloat(JniUtils.eq(a, b), dtype);
        };
    }

    /** Converts a boolean or integer result to 1/0 in {@code dtype}, closing the original. */
    private static PtNDArray asFloat(PtNDArray mask, DType dtype) {
        try (mask) {
            return JniUtils.to(mask, type(dtype), CPU);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming the shapes when they do not broadcast
     */
    @Override
    public Tensor where(Tensor condition, Tensor a, Tensor b) {
        Shapes.broadcast(Shapes.broadcast(condition.shape(), a.shape()), b.shape());
        try (PtNDArray c = JniUtils.to(nd(condition), DataType.BOOLEAN, CPU)) {
            return wrap(JniUtils.where(c, nd(a), nd(b)), a.dtype());
        }
    }

    // ---- reductions -------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>MAX and MIN over an empty axis give {@code -inf} and {@code +inf}, their identities
     * (libtorch refuses them).
     */
    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims) {
        PtNDArray a = nd(x);
        if (op != ReduceOp.SUM && x.dim(axis) == 0) {
            return full(Shapes.reduced(x.shape(), axis, keepdims),
                    op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, x.dtype());
        }
        return wrap(switch (op) {
            case SUM -> JniUtils.sum(a, new long[] {axis}, keepdims);
            case MAX -> JniUtils.max(a, axis, keepdims);
            case MIN -> JniUtils.min(a, axis, keepdims);
        }, x.dtype());
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the axis is empty
     */
    @Override
    public Tensor argmax(Tensor x, int axis) {
        if (x.dim(axis) == 0) {
            throw new IllegalArgumentException("argmax along axis " + axis + " of shape " + Arrays.toString(x.shape())
                    + " is undefined: the axis is empty");
        }
        return wrap(asFloat(JniUtils.argMax(nd(x), axis, false), x.dtype()), x.dtype());
    }

    // ---- linear algebra and shapes ----------------------------------------------------------

    /** {@inheritDoc} Transposes are strided views handed to BLAS, not copies. */
    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        PtNDArray x = nd(a);
        PtNDArray y = nd(b);
        try (PtNDArray xt = transposeA ? JniUtils.transpose(x, 0, 1) : null;
             PtNDArray yt = transposeB ? JniUtils.transpose(y, 0, 1) : null) {
            return wrap(JniUtils.matmul(xt == null ? x : xt, yt == null ? y : yt), a.dtype());
        }
    }

    /** {@inheritDoc} */
    @Override
    public Tensor reshape(Tensor x, int[] shape) {
        return wrap(JniUtils.reshape(nd(x), longs(shape)), x.dtype());
    }

    /** {@inheritDoc} */
    @Override
    public Tensor transpose(Tensor x, int[] perm) {
        return wrap(JniUtils.permute(nd(x), longs(perm)), x.dtype());
    }

    /** {@inheritDoc} */
    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        return wrap(JniUtils.broadcast(nd(x), shape(shape)), x.dtype());
    }

    /** {@inheritDoc} */
    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return wrap(JniUtils.slice(nd(x), axis, start, end, 1), x.dtype());
    }

    /** {@inheritDoc} */
    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        PtNDArray[] arrays = new PtNDArray[xs.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = nd(xs.get(i));
        }
        return wrap(JniUtils.cat(arrays, axis), xs.get(0).dtype());
    }

    /**
     * {@inheritDoc} Runs as libtorch's embedding lookup on {@code x} viewed as
     * {@code [dim 0, rest]}.
     */
    @Override
    public Tensor take(Tensor x, int[] indices) {
        int[] shape = x.shape();
        int rows = shape[0];
        long rest = 1;
        for (int i = 1; i < shape.length; i++) {
            rest *= shape[i];
        }
        long[] outShape = new long[shape.length];
        outShape[0] = indices.length;
        for (int i = 1; i < shape.length; i++) {
            outShape[i] = shape[i];
        }
        ByteBuffer buf = staging((long) indices.length * Long.BYTES);
        LongBuffer l = buf.asLongBuffer();
        for (int i : indices) {
            l.put(i);
        }
        try (PtNDArray index = upload(buf, new int[] {indices.length}, DataType.INT64);
             PtNDArray table = JniUtils.reshape(nd(x), new long[] {rows, rest});
             PtNDArray picked = JniUtils.embedding(index, table, false)) {
            return wrap(JniUtils.reshape(picked, outShape), x.dtype());
        }
    }

    // ---- composites with a native kernel ------------------------------------------------------

    /** {@inheritDoc} libtorch's softmax kernel. */
    @Override
    public Tensor softmax(Tensor x, int axis) {
        return wrap(JniUtils.softmax(nd(x), axis, type(x.dtype())), x.dtype());
    }

    /**
     * {@inheritDoc} At threshold 0: libtorch's relu, with NaN (which it passes through) then set
     * to 0 as the default does, clamped to {@code maxValue} if given; libtorch's leaky relu when
     * {@code alpha ≠ 0} without {@code maxValue}. The other cases use the default.
     */
    @Override
    public Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        if (threshold != 0) {
            return Composites.relu(this, x, alpha, maxValue, threshold);
        }
        PtNDArray a = nd(x);
        if (alpha != 0) {
            return maxValue == null ? wrap(JniUtils.leakyRelu(a, alpha), x.dtype())
                    : Composites.relu(this, x, alpha, maxValue, threshold);
        }
        PtNDArray kept = withoutNaN(JniUtils.relu(a), x.dtype());
        if (maxValue == null) {
            return wrap(kept, x.dtype());
        }
        try (kept; PtNDArray upper = scalar(Math.max(0, maxValue), x.dtype())) {
            return wrap(JniUtils.min(kept, upper), x.dtype());
        }
    }

    /**
     * {@inheritDoc} The plain rectifier ({@code alpha = 0}, no {@code maxValue},
     * {@code threshold = 0}) as one libtorch {@code threshold_backward}, reached through autograd:
     * relu of a leaf on {@code y}'s memory (relu of {@code y ≥ 0} is {@code y}, and relu's
     * gradient reads its result), propagated back from {@code g}: the default's {@code where},
     * after converting {@code y} to a mask, takes several times as long. Other settings use the
     * default.
     */
    @Override
    public Tensor reluGradient(Tensor x, Tensor y, Tensor g, double alpha, Double maxValue, double threshold) {
        if (alpha != 0 || maxValue != null || threshold != 0) {
            return Composites.reluGradient(this, x, y, g, alpha, maxValue, threshold);
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (PtNDArray leaf = JniUtils.detachGradient(nd(y))) {
            JniUtils.attachGradient(leaf, true);
            try (PtNDArray relu = JniUtils.relu(leaf)) {
                JniUtils.backward(relu, nd(g), false, false);
            }
            return wrap(JniUtils.getGradient(leaf), g.dtype());
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * {@code y ≥ 0} with each NaN replaced by 0, closing {@code y} if it held one. Whether it does
     * is one sum (NaN exactly when some element is NaN, for the others are not negative), or for
     * a tensor of at most {@value #SCANNED_ELEMENTS} elements a scan of its memory in Java: the
     * sum is a native result to allocate, read out and free, several microseconds that a serving
     * model's small relu would pay on every request. libtorch's {@code where}, which would replace
     * NaNs directly, takes twenty times as long as relu.
     */
    private PtNDArray withoutNaN(PtNDArray y, DType dtype) {
        if (!holdsNaN(y, dtype)) {
            return y;
        }
        try (y; PtNDArray nan = JniUtils.isNaN(y); PtNDArray zero = scalar(0, dtype)) {
            return JniUtils.where(nan, zero, y);
        }
    }

    /** Whether the non-negative {@code y} holds a NaN; see {@link #withoutNaN}. */
    private static boolean holdsNaN(PtNDArray y, DType dtype) {
        long n = y.size();
        if (n > SCANNED_ELEMENTS) {
            try (PtNDArray s = JniUtils.sum(y)) {
                return Double.isNaN(dtype == DType.FLOAT32 ? s.toFloatArray()[0] : s.toDoubleArray()[0]);
            }
        }
        ByteBuffer memory = memory(y);
        int bytes = bytes(dtype);
        for (int i = 0; i < n; i++) {
            if (dtype == DType.FLOAT32 ? Float.isNaN(memory.getFloat(i * bytes)) : Double.isNaN(memory.getDouble(i * bytes))) {
                return true;
            }
        }
        return false;
    }

    /** {@inheritDoc} libtorch's softplus in float32; the default in float64 (see the class comment). */
    @Override
    public Tensor softplus(Tensor x) {
        if (x.dtype() == DType.FLOAT64) {
            return Composites.softplus(this, x);
        }
        return wrap(JniUtils.softPlus(nd(x)), x.dtype());
    }

    /** {@inheritDoc} libtorch's softsign, {@code x / (|x| + 1)}. */
    @Override
    public Tensor softsign(Tensor x) {
        return wrap(JniUtils.softSign(nd(x)), x.dtype());
    }

    /**
     * {@inheritDoc} libtorch's {@code linear} on the kernel transposed: one {@code addmm}. An
     * input that another thread made (threads serving one shared input) is read through this
     * thread's own array for it ({@link DjlTensor#operandIn}), so that the result is made in this
     * thread's manager, not under the lock of the input's; a small kernel and bias (a serving
     * model's) are read through this stripe's own copies ({@link DjlTensor#transposedIn}), so that
     * threads sharing the model do not update the same reference counts on every call.
     */
    @Override
    public Tensor dense(Tensor x, Tensor kernel, Tensor bias) {
        int stripe = STRIPE.get();
        PtNDManager own = manager(stripe);
        PtNDArray input = djl(x).operandIn(own, stripe, STRIPES);
        PtNDArray b = bias == null ? null : djl(bias).operandIn(own, stripe, STRIPES);
        return wrap(JniUtils.linear(input, djl(kernel).transposedIn(own, stripe, STRIPES), b), x.dtype());
    }

    /**
     * {@inheritDoc} The pass runs in Java ({@link ElementwisePass}) over the tensors' memory, which
     * libtorch exposes as direct buffers: an optimizer's update in one read and one write of each
     * element where its formula would take a dozen kernels.
     */
    @Override
    public Tensor[] mapElements(ElementKernel kernel, List<Tensor> inputs, int outputs) {
        Tensor first = inputs.get(0);
        int n = Math.toIntExact(first.size());
        if (n == 0) {
            return ElementwisePass.copying(this, kernel, inputs, outputs);
        }
        DType dtype = first.dtype();
        // For a tensor that is not contiguous libtorch hands out a contiguous copy; the results are new and contiguous.
        ByteBuffer[] in = inputs.stream().map(x -> memory(nd(x))).toArray(ByteBuffer[]::new);
        Tensor[] results = new Tensor[outputs];
        ByteBuffer[] out = new ByteBuffer[outputs];
        for (int i = 0; i < outputs; i++) {
            PtNDArray result = JniUtils.createEmptyNdArray(manager(), shape(first.shape()), type(dtype), CPU, SparseFormat.DENSE);
            results[i] = wrap(result, dtype);
            out[i] = memory(result);
        }
        ElementwisePass.run(kernel, dtype, in, out, n);
        return results;
    }

    /** The tensor's elements in row-major order as a direct buffer on its memory, in native byte order. */
    private static ByteBuffer memory(PtNDArray array) {
        return JniUtils.getByteBuffer(array, true).order(ByteOrder.nativeOrder());
    }

    // ---- windowed operations on libtorch's kernels (DjlWindows) --------------------------

    /** {@inheritDoc} As {@link #conv(Tensor, Tensor, Tensor, Window, boolean)} without a bias, for both gradients. */
    @Override
    public Tensor conv(Tensor x, Tensor kernel, Window w) {
        return conv(x, kernel, null, w, true);
    }

    /**
     * {@inheritDoc} libtorch's {@code convolution} with the bias on the channels-last tensor seen
     * as {@code NCHW}, on autograd leaves (the input's recording a gradient only if
     * {@code inputGradient}): the result keeps the graph for {@link #convGradients}.
     */
    @Override
    public Tensor conv(Tensor x, Tensor kernel, Tensor bias, Window w, boolean inputGradient) {
        DjlTensor input = djl(x);
        DjlWindows.Forward f = DjlWindows.conv(input.array(), nd(kernel), bias == null ? null : nd(bias), w, inputGradient);
        DjlTensor y = wrap(f.result(), x.dtype());
        y.keep(f.graph());
        input.readBy(f.graph());
        return y;
    }

    /** {@inheritDoc} libtorch's {@code convolution_backward} through autograd, for the input alone. */
    @Override
    public Tensor convTranspose(Tensor g, Tensor kernel, Window w, int[] spatial) {
        return wrap(DjlWindows.convTranspose(nd(g), nd(kernel), w, spatial), g.dtype());
    }

    /** {@inheritDoc} libtorch's {@code convolution_backward} through autograd, for the kernel alone. */
    @Override
    public Tensor convKernelGradient(Tensor x, Tensor g, Window w) {
        return wrap(DjlWindows.convKernelGradient(nd(x), nd(g), w), x.dtype());
    }

    /** {@inheritDoc} As {@link #convGradients(Tensor, Tensor, Tensor, Tensor, Window, boolean, boolean, boolean)} without a bias. */
    @Override
    public Tensor[] convGradients(Tensor x, Tensor kernel, Tensor g, Window w, boolean inputGradient,
            boolean kernelGradient) {
        return Arrays.copyOf(convGradients(x, kernel, null, g, w, inputGradient, kernelGradient, false), 2);
    }

    /**
     * {@inheritDoc} One libtorch {@code convolution_backward} for all, through the graph that
     * {@link #conv} of {@code x} by {@code kernel} plus {@code bias} kept when the kernel's
     * gradient is asked for and the input's is asked for exactly when the graph records it, or
     * through the convolution run again otherwise (a graph computes every gradient it records:
     * for a network's first convolution the input's gradient costs more than the rerun), or when
     * that graph has served a gradient already or is closed.
     */
    @Override
    public Tensor[] convGradients(Tensor x, Tensor kernel, Tensor bias, Tensor g, Window w, boolean inputGradient,
            boolean kernelGradient, boolean biasGradient) {
        DjlTensor input = djl(x);
        PtNDArray k = nd(kernel);
        PtNDArray b = bias == null ? null : nd(bias);
        DjlWindows.Graph recorded = kernelGradient ? input.takeGraph(k, b, w, inputGradient) : null;
        PtNDArray[] grads = DjlWindows.convGradients(input.array(), k, b, nd(g), w, inputGradient, kernelGradient,
                biasGradient, recorded);
        Tensor[] out = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            out[i] = grads[i] == null ? null : wrap(grads[i], x.dtype());
        }
        return out;
    }

    /**
     * {@inheritDoc} libtorch's {@code max_pool2d}/{@code avg_pool2d} on an autograd leaf: the
     * result keeps the graph for {@link #poolGradient}. A dilated window takes the default.
     */
    @Override
    public Tensor pool(PoolOp op, Tensor x, Window w) {
        if (!DjlWindows.pools(w)) {
            return Backend.super.pool(op, x, w);
        }
        DjlWindows.Forward f = DjlWindows.pool(op, nd(x), w);
        DjlTensor y = wrap(f.result(), x.dtype());
        y.keep(f.graph());
        return y;
    }

    /**
     * {@inheritDoc} libtorch's autograd through the graph that {@link #pool} kept with {@code y},
     * or through the pooling run again when that graph has served a gradient already; a dilated
     * window takes the default.
     */
    @Override
    public Tensor poolGradient(PoolOp op, Tensor x, Tensor y, Tensor g, Window w) {
        if (!DjlWindows.pools(w)) {
            return Backend.super.poolGradient(op, x, y, g, w);
        }
        PtNDArray input = nd(x);
        DjlWindows.Graph recorded = djl(y).keptGraph(op, input, w);
        return wrap(DjlWindows.poolGradient(op, input, nd(g), w, recorded), x.dtype());
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private PtNDArray nd(Tensor t) {
        return djl(t).array();
    }

    private DjlTensor djl(Tensor t) {
        if (!(t instanceof DjlTensor d) || t.backend() != this) {
            throw new IllegalArgumentException("A tensor owned by another backend ('" + t.backend().name()
                    + "') was passed to this djl backend; convert it with K.convert(tensor)");
        }
        return d;
    }

    private DjlTensor wrap(PtNDArray array, DType dtype) {
        PtNDManager own = manager();
        if (array.getManager() != own) {
            // libtorch's results join their first input's manager, which may be another thread's
            // (a shared input, a model's weights): moved here, the operations on this result
            // attach and detach their own results without taking that thread's lock.
            array.attach(own);
        }
        return new DjlTensor(this, array, dtype);
    }

    private PtNDArray scalar(double value, DType dtype) {
        return JniUtils.full(manager(), new Shape(), value, type(dtype), CPU, SparseFormat.DENSE);
    }

    private static DataType type(DType dtype) {
        return dtype == DType.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
    }

    private static int bytes(DType dtype) {
        return dtype == DType.FLOAT32 ? Float.BYTES : Double.BYTES;
    }

    private static Shape shape(int[] shape) {
        return new Shape(longs(shape));
    }

    private static long[] longs(int[] xs) {
        long[] out = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i];
        }
        return out;
    }
}
