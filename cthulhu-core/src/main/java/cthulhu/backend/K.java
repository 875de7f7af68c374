package cthulhu.backend;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The backend facade: every tensor operation of cthulhu, run on the active {@link Backend}
 * (Keras's {@code from keras import backend as K}).
 *
 * <p>The active backend is chosen once, at first use, by {@link Backends#resolve} from the
 * {@link Settings} (system property {@code cthulhu.backend}, environment variable
 * {@code CTHULHU_BACKEND}, {@code "backend"} in {@code ~/.cthulhu/cthulhu.json}, else the
 * available backend of highest priority). {@link #withBackend(String, Supplier)} and
 * {@link #withFloatx(String, Supplier)} override it for one thread and one block of code.
 *
 * <p>Every operation is differentiable while a {@link cthulhu.autodiff.GradientTape} records (see
 * {@link #gradient}), except the comparisons, {@link #sign} and {@link #argmax}. Binary
 * operations broadcast like NumPy; both operands must share a dtype and a backend. New tensors
 * are registered with the open {@link TensorScope}, if any. All methods are thread-safe.
 */
public final class K {

    private K() {
    }

    /** Per-thread overrides of the global context, innermost last. */
    private record Context(Backend backend, DType floatx) {
    }

    /**
     * The differentiable operations, from {@code cthulhu.autodiff}, found through the service
     * registry so that this package does not depend on the package that depends on it.
     */
    static final DifferentiableOps OPS = ServiceLoader.load(DifferentiableOps.class, K.class.getClassLoader())
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("No " + DifferentiableOps.class.getName()
                    + " on the class path: cthulhu-core's META-INF/services entry for it is missing; rebuild cthulhu-core"));

    private static final ThreadLocal<ArrayDeque<Context>> OVERRIDES = ThreadLocal.withInitial(ArrayDeque::new);
    private static volatile Backend globalBackend;
    private static volatile DType globalFloatx;
    private static volatile double globalEpsilon = Double.NaN;

    // ---- context -------------------------------------------------------------------------

    /** The name of the active backend: {@code "pure"}, {@code "nd4j"}, {@code "djl"}, …. */
    public static String backend() {
        return currentBackend().name();
    }

    /**
     * The active backend object: the innermost {@link #withBackend} override on this thread,
     * else the one chosen at first use. For backend authors and tests; users call {@code K}.
     *
     * @throws BackendUnavailableException if no backend can be chosen
     */
    public static Backend currentBackend() {
        Context c = OVERRIDES.get().peekLast();
        if (c != null && c.backend() != null) {
            return c.backend();
        }
        Backend b = globalBackend;
        if (b == null) {
            synchronized (K.class) {
                if (globalBackend == null) {
                    globalBackend = Backends.resolve(Settings.fromEnvironment());
                }
                b = globalBackend;
            }
        }
        return b;
    }

    /** The default float type of new tensors: {@code "float32"} (default) or {@code "float64"}. */
    public static String floatx() {
        return dtype().kerasName();
    }

    /** The default float type of new tensors as a {@link DType}. */
    public static DType dtype() {
        Context c = OVERRIDES.get().peekLast();
        if (c != null && c.floatx() != null) {
            return c.floatx();
        }
        DType d = globalFloatx;
        if (d == null) {
            d = Settings.fromEnvironment().floatx();
            globalFloatx = d;
        }
        return d;
    }

    /** Sets the default float type for all threads (Keras's {@code set_floatx}): {@code "float32"} or {@code "float64"}. */
    public static void setFloatx(String floatx) {
        globalFloatx = DType.of(floatx);
    }

    /** The fuzz factor used to avoid division by zero and log of zero; default {@code 1e-7}. */
    public static double epsilon() {
        double e = globalEpsilon;
        if (Double.isNaN(e)) {
            e = Settings.fromEnvironment().epsilon();
            globalEpsilon = e;
        }
        return e;
    }

    /** Sets the fuzz factor for all threads (Keras's {@code set_epsilon}). */
    public static void setEpsilon(double epsilon) {
        globalEpsilon = epsilon;
    }

    /**
     * Runs {@code body} on this thread with the named backend active, then restores the previous one.
     *
     * @throws BackendUnavailableException if that backend is absent or cannot load
     */
    public static <T> T withBackend(String name, Supplier<T> body) {
        Backend b = Backends.resolve(new Settings(Objects.requireNonNull(name, "name"),
                "K.withBackend(\"" + name + "\")", DType.FLOAT32, 1e-7));
        return withBackend(b, body);
    }

    /** Runs {@code body} on this thread with the named backend active; see {@link #withBackend(String, Supplier)}. */
    public static void withBackend(String name, Runnable body) {
        withBackend(name, () -> {
            body.run();
            return null;
        });
    }

    /** Runs {@code body} on this thread with the given backend active, then restores the previous one. */
    public static <T> T withBackend(Backend backend, Supplier<T> body) {
        return with(new Context(Objects.requireNonNull(backend, "backend"), null), body);
    }

    /**
     * Runs {@code body} on this thread with {@code floatx} as the default float type.
     *
     * @throws IllegalArgumentException if {@code floatx} is not {@code "float32"} or {@code "float64"}
     */
    public static <T> T withFloatx(String floatx, Supplier<T> body) {
        return with(new Context(null, DType.of(floatx)), body);
    }

    /** Runs {@code body} on this thread with {@code floatx} as the default float type. */
    public static void withFloatx(String floatx, Runnable body) {
        withFloatx(floatx, () -> {
            body.run();
            return null;
        });
    }

    private static <T> T with(Context context, Supplier<T> body) {
        ArrayDeque<Context> stack = OVERRIDES.get();
        Context top = stack.peekLast();
        Backend backend = context.backend() != null ? context.backend() : top == null ? null : top.backend();
        DType floatx = context.floatx() != null ? context.floatx() : top == null ? null : top.floatx();
        stack.addLast(new Context(backend, floatx));
        try {
            return body.get();
        } finally {
            stack.removeLast();
        }
    }

    // ---- creation --------------------------------------------------------------------------

    /**
     * A tensor of the given row-major values, stored in {@link #floatx()}.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of {@code shape}
     */
    public static Tensor constant(float[] data, int... shape) {
        return constant(dtype(), data, shape);
    }

    /**
     * A tensor of the given row-major values, stored as {@code dtype}.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of {@code shape}
     */
    public static Tensor constant(DType dtype, float[] data, int... shape) {
        checkLength(data.length, shape);
        return TensorScope.track(currentBackend().fromArray(data, shape.clone(), dtype));
    }

    /**
     * A tensor of the given row-major values, stored in {@link #floatx()}.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of {@code shape}
     */
    public static Tensor constant(double[] data, int... shape) {
        return constant(dtype(), data, shape);
    }

    /**
     * A tensor of the given row-major values, stored as {@code dtype}.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of {@code shape}
     */
    public static Tensor constant(DType dtype, double[] data, int... shape) {
        checkLength(data.length, shape);
        return TensorScope.track(currentBackend().fromArray(data, shape.clone(), dtype));
    }

    /** A scalar (rank-0) tensor in {@link #floatx()}. */
    public static Tensor scalar(double value) {
        return TensorScope.track(currentBackend().full(new int[0], value, dtype()));
    }

    private static void checkLength(int length, int[] shape) {
        long size = Shapes.size(shape);
        if (size != length) {
            throw new IllegalArgumentException("Data of length " + length + " does not fit shape "
                    + Arrays.toString(shape) + ", which holds " + size + " elements");
        }
    }

    /** A tensor of zeros in {@link #floatx()}. */
    public static Tensor zeros(int... shape) {
        return zeros(dtype(), shape);
    }

    /** A tensor of zeros of the given type. */
    public static Tensor zeros(DType dtype, int... shape) {
        return full(dtype, 0, shape);
    }

    /** A tensor of ones in {@link #floatx()}. */
    public static Tensor ones(int... shape) {
        return full(dtype(), 1, shape);
    }

    /** A tensor with every element {@code value}. */
    public static Tensor full(DType dtype, double value, int... shape) {
        Shapes.size(shape);
        return TensorScope.track(currentBackend().full(shape.clone(), value, dtype));
    }

    /** Zeros of the shape and type of {@code x}. */
    public static Tensor zerosLike(Tensor x) {
        return full(x.dtype(), 0, x.shape());
    }

    /** Ones of the shape and type of {@code x}. */
    public static Tensor onesLike(Tensor x) {
        return full(x.dtype(), 1, x.shape());
    }

    /** Uniform samples in {@code [min, max)} in {@link #floatx()}, reproducible from {@code seed}. */
    public static Tensor randomUniform(int[] shape, double min, double max, long seed) {
        return TensorScope.track(currentBackend().randomUniform(shape.clone(), min, max, seed, dtype()));
    }

    /** Normal samples in {@link #floatx()}, reproducible from {@code seed}. */
    public static Tensor randomNormal(int[] shape, double mean, double stddev, long seed) {
        return TensorScope.track(currentBackend().randomNormal(shape.clone(), mean, stddev, seed, dtype()));
    }

    /** Normal samples redrawn until within two standard deviations of the mean, in {@link #floatx()}. */
    public static Tensor truncatedNormal(int[] shape, double mean, double stddev, long seed) {
        return TensorScope.track(currentBackend().truncatedNormal(shape.clone(), mean, stddev, seed, dtype()));
    }

    /**
     * A copy of {@code x} on the active backend; the explicit way to move a tensor between backends.
     */
    public static Tensor convert(Tensor x) {
        return x.dtype() == DType.FLOAT32
                ? TensorScope.track(currentBackend().fromArray(x.toFloatArray(), x.shape(), x.dtype()))
                : TensorScope.track(currentBackend().fromArray(x.toDoubleArray(), x.shape(), x.dtype()));
    }

    /** The same values as {@code dtype}; differentiable. */
    public static Tensor cast(Tensor x, DType dtype) {
        return OPS.cast(x, dtype);
    }

    // ---- element-wise maps ----------------------------------------------------------------

    /** {@code |x|}. */
    public static Tensor abs(Tensor x) {
        return OPS.unary(UnaryOp.ABS, x);
    }

    /** {@code -x}. */
    public static Tensor negate(Tensor x) {
        return OPS.unary(UnaryOp.NEGATE, x);
    }

    /** {@code e^x}. */
    public static Tensor exp(Tensor x) {
        return OPS.unary(UnaryOp.EXP, x);
    }

    /** {@code e^x - 1}, accurate for small {@code |x|}. */
    public static Tensor expm1(Tensor x) {
        return OPS.unary(UnaryOp.EXPM1, x);
    }

    /** Natural logarithm. */
    public static Tensor log(Tensor x) {
        return OPS.unary(UnaryOp.LOG, x);
    }

    /** {@code ln(1 + x)}, accurate for small {@code |x|}. */
    public static Tensor log1p(Tensor x) {
        return OPS.unary(UnaryOp.LOG1P, x);
    }

    /** Square root. */
    public static Tensor sqrt(Tensor x) {
        return OPS.unary(UnaryOp.SQRT, x);
    }

    /** {@code x²}. */
    public static Tensor square(Tensor x) {
        return OPS.unary(UnaryOp.SQUARE, x);
    }

    /** {@code -1}, {@code 0} or {@code 1} by sign; gradient zero. */
    public static Tensor sign(Tensor x) {
        return OPS.unary(UnaryOp.SIGN, x);
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return OPS.unary(UnaryOp.TANH, x);
    }

    /** Logistic sigmoid {@code 1 / (1 + e^-x)}. */
    public static Tensor sigmoid(Tensor x) {
        return OPS.unary(UnaryOp.SIGMOID, x);
    }

    /** {@code 1 / x}. */
    public static Tensor reciprocal(Tensor x) {
        return OPS.unary(UnaryOp.RECIPROCAL, x);
    }

    /**
     * The error function {@code erf(x) = 2/√π · ∫₀ˣ e^(−t²) dt}, accurate to a few ulps of the
     * stored type; gradient {@code 2/√π · e^(−x²)}.
     */
    public static Tensor erf(Tensor x) {
        return OPS.unary(UnaryOp.ERF, x);
    }

    /** Keras's hard sigmoid: {@code clip(0.2 · x + 0.5, 0, 1)}. */
    public static Tensor hardSigmoid(Tensor x) {
        return OPS.hardSigmoid(x);
    }

    /** Softplus {@code ln(1 + e^x)}, stable for large {@code |x|} (softplus(100) = 100). */
    public static Tensor softplus(Tensor x) {
        return OPS.softplus(x);
    }

    /** Softsign {@code x / (1 + |x|)}. */
    public static Tensor softsign(Tensor x) {
        return OPS.softsign(x);
    }

    /** Rectified linear unit {@code max(x, 0)}. */
    public static Tensor relu(Tensor x) {
        return OPS.relu(x, 0, null, 0);
    }

    /**
     * Keras's rectified linear unit: {@code x} for {@code x > threshold} (clipped to
     * {@code [0, maxValue]} when {@code maxValue} is not null), {@code alpha · (x - threshold)}
     * otherwise.
     */
    public static Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        return OPS.relu(x, alpha, maxValue, threshold);
    }

    /** Exponential linear unit: {@code x} for {@code x > 0}, {@code alpha · (e^x - 1)} otherwise. */
    public static Tensor elu(Tensor x, double alpha) {
        return OPS.elu(x, alpha);
    }

    /**
     * Softmax along {@code axis}, the maximum subtracted first for stability.
     *
     * @throws IllegalArgumentException for a tensor of rank below 2, or an axis out of range
     */
    public static Tensor softmax(Tensor x, int axis) {
        return OPS.softmax(x, axis);
    }

    /** Clips to {@code [min, max]}; a {@code max} below {@code min} is taken as {@code min}. */
    public static Tensor clip(Tensor x, double min, double max) {
        return OPS.clip(x, min, max);
    }

    /** {@code x^a} element-wise. */
    public static Tensor pow(Tensor x, double a) {
        return OPS.binary(BinaryOp.POW, x, a);
    }

    /** {@code x^a} element-wise, with broadcasting. */
    public static Tensor pow(Tensor x, Tensor a) {
        return OPS.binary(BinaryOp.POW, x, a);
    }

    // ---- binary with broadcasting -----------------------------------------------------------

    /** {@code a + b}. */
    public static Tensor add(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.ADD, a, b);
    }

    /** {@code a + b}. */
    public static Tensor add(Tensor a, double b) {
        return OPS.binary(BinaryOp.ADD, a, b);
    }

    /** {@code a - b}. */
    public static Tensor subtract(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.SUBTRACT, a, b);
    }

    /** {@code a - b}. */
    public static Tensor subtract(Tensor a, double b) {
        return OPS.binary(BinaryOp.SUBTRACT, a, b);
    }

    /** {@code a · b} element-wise. */
    public static Tensor multiply(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.MULTIPLY, a, b);
    }

    /** {@code a · b} element-wise. */
    public static Tensor multiply(Tensor a, double b) {
        return OPS.binary(BinaryOp.MULTIPLY, a, b);
    }

    /** {@code a / b}. */
    public static Tensor divide(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.DIVIDE, a, b);
    }

    /** {@code a / b}. */
    public static Tensor divide(Tensor a, double b) {
        return OPS.binary(BinaryOp.DIVIDE, a, b);
    }

    /** The element-wise maximum; the gradient goes to {@code a} on ties. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.MAXIMUM, a, b);
    }

    /** The element-wise maximum with a scalar. */
    public static Tensor maximum(Tensor a, double b) {
        return OPS.binary(BinaryOp.MAXIMUM, a, b);
    }

    /** The element-wise minimum; the gradient goes to {@code a} on ties. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.MINIMUM, a, b);
    }

    /** The element-wise minimum with a scalar. */
    public static Tensor minimum(Tensor a, double b) {
        return OPS.binary(BinaryOp.MINIMUM, a, b);
    }

    /** 1 where {@code a > b}, else 0. */
    public static Tensor greater(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.GREATER, a, b);
    }

    /** 1 where {@code a > b}, else 0. */
    public static Tensor greater(Tensor a, double b) {
        return OPS.binary(BinaryOp.GREATER, a, b);
    }

    /** 1 where {@code a >= b}, else 0. */
    public static Tensor greaterEqual(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.GREATER_EQUAL, a, b);
    }

    /** 1 where {@code a >= b}, else 0. */
    public static Tensor greaterEqual(Tensor a, double b) {
        return OPS.binary(BinaryOp.GREATER_EQUAL, a, b);
    }

    /** 1 where {@code a == b}, else 0. */
    public static Tensor equal(Tensor a, Tensor b) {
        return OPS.binary(BinaryOp.EQUAL, a, b);
    }

    /** 1 where {@code a == b}, else 0. */
    public static Tensor equal(Tensor a, double b) {
        return OPS.binary(BinaryOp.EQUAL, a, b);
    }

    /** {@code a} where {@code condition} is non-zero, else {@code b}; all three broadcast. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return OPS.where(condition, a, b);
    }

    // ---- reductions -------------------------------------------------------------------------

    /** The sum along {@code axis} (negative counts from the end). */
    public static Tensor sum(Tensor x, int axis, boolean keepdims) {
        return OPS.reduce(ReduceOp.SUM, x, axis, keepdims);
    }

    /** The sum of all elements, as a scalar tensor. */
    public static Tensor sum(Tensor x) {
        return OPS.reduce(ReduceOp.SUM, flatten(x), 0, false);
    }

    /** The mean along {@code axis}. */
    public static Tensor mean(Tensor x, int axis, boolean keepdims) {
        return divide(sum(x, axis, keepdims), x.dim(axis));
    }

    /** The mean of all elements, as a scalar tensor. */
    public static Tensor mean(Tensor x) {
        return divide(sum(x), x.size());
    }

    /** The largest element along {@code axis}. */
    public static Tensor max(Tensor x, int axis, boolean keepdims) {
        return OPS.reduce(ReduceOp.MAX, x, axis, keepdims);
    }

    /** The smallest element along {@code axis}. */
    public static Tensor min(Tensor x, int axis, boolean keepdims) {
        return OPS.reduce(ReduceOp.MIN, x, axis, keepdims);
    }

    /** The index of the largest element along {@code axis}, as a float tensor without that axis. */
    public static Tensor argmax(Tensor x, int axis) {
        return OPS.argmax(x, axis);
    }

    // ---- linear algebra and shapes ------------------------------------------------------------

    /**
     * Keras's {@code dot}: for rank-2 operands the matrix product; otherwise the last axis of
     * {@code a} is contracted with the second-to-last axis of {@code b} (the only axis of a
     * rank-1 {@code b}), giving shape {@code a.shape[:-1] + b.shape[:-2] + b.shape[-1:]}.
     *
     * @throws IllegalArgumentException naming both shapes when the contracted axes differ
     */
    public static Tensor dot(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("dot needs tensors of rank >= 1, got " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()));
        }
        int k = a.dim(-1);
        int kb = b.rank() == 1 ? b.dim(0) : b.dim(-2);
        if (k != kb) {
            throw new IllegalArgumentException("dot cannot contract " + Arrays.toString(a.shape()) + " with "
                    + Arrays.toString(b.shape()) + ": the last axis of the first (" + k
                    + ") must equal the second-to-last of the second (" + kb + ")");
        }
        if (a.rank() == 2 && b.rank() == 2) {
            return OPS.matmul(a, b, false, false);
        }
        int[] as = a.shape();
        int[] bs = b.shape();
        Tensor a2 = reshape(a, -1, k);
        Tensor b2;
        if (b.rank() == 1) {
            b2 = reshape(b, k, 1);
        } else {
            int[] perm = new int[b.rank()];
            perm[0] = b.rank() - 2;
            for (int i = 1; i < b.rank() - 1; i++) {
                perm[i] = i - 1;
            }
            perm[b.rank() - 1] = b.rank() - 1;
            b2 = reshape(b.rank() == 2 ? b : transpose(b, perm), k, -1);
        }
        Tensor product = OPS.matmul(a2, b2, false, false);
        int[] shape = new int[as.length - 1 + Math.max(bs.length - 1, 0)];
        System.arraycopy(as, 0, shape, 0, as.length - 1);
        if (bs.length > 1) {
            System.arraycopy(bs, 0, shape, as.length - 1, bs.length - 2);
            shape[shape.length - 1] = bs[bs.length - 1];
        }
        return reshape(product, shape);
    }

    /** {@code op(a) · op(b)} for rank-2 tensors, each optionally transposed. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return OPS.matmul(a, b, transposeA, transposeB);
    }

    /**
     * The affine map of a dense layer, {@code x · kernel + bias}, contracting the last axis of
     * {@code x} of any rank ≥ 2; {@code bias} may be null. Runs the backend's fused kernel when it
     * has one.
     */
    public static Tensor dense(Tensor x, Tensor kernel, Tensor bias) {
        if (x.rank() == 2) {
            return OPS.dense(x, kernel, bias);
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = kernel.dim(-1);
        return reshape(OPS.dense(reshape(x, -1, x.dim(-1)), kernel, bias), shape);
    }

    /**
     * One step of an LSTM cell, Keras's gates in Keras's order {@code i, f, c, o}: with
     * {@code z} {@code [batch, 4·units]} (the step's {@code x·W + h·U + b}) cut into four blocks
     * {@code z_i, z_f, z_c, z_o} of {@code units} columns, {@code σ} the gates' activation and
     * {@code act} the cell's,
     * <pre>
     * c' = σ(z_f)·c + σ(z_i)·act(z_c)      h' = σ(z_o)·act(c')
     * </pre>
     * Returns {@code [h', c']}, each {@code [batch, units]}; differentiable in {@code z} and
     * {@code c}. Runs the backend's fused kernel when it has one ({@link Backend#lstmCell}).
     *
     * @param c the previous cell state, {@code [batch, units]}
     * @throws IllegalArgumentException naming the shapes when {@code z} is not {@code [batch, 4·units]}
     *     for {@code c} of {@code [batch, units]}, or the dtypes differ
     */
    public static List<Tensor> lstmCell(Tensor z, Tensor c, CellActivation gate, CellActivation activation) {
        return List.of(OPS.lstmCell(z, c, gate, activation));
    }

    /** Reverses the axes (Keras's {@code transpose}). */
    public static Tensor transpose(Tensor x) {
        int[] perm = new int[x.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = perm.length - 1 - i;
        }
        return OPS.transpose(x, perm);
    }

    /** Permutes the axes: axis {@code i} of the result is axis {@code perm[i]} of {@code x}. */
    public static Tensor transpose(Tensor x, int... perm) {
        return OPS.transpose(x, perm);
    }

    /** The same elements in row-major order with a new shape; one dimension may be {@code -1}. */
    public static Tensor reshape(Tensor x, int... shape) {
        return OPS.reshape(x, shape);
    }

    /** The tensor as rank 1. */
    public static Tensor flatten(Tensor x) {
        return x.rank() == 1 ? x : OPS.reshape(x, -1);
    }

    /** The shape of {@code x} (Keras's {@code int_shape}). */
    public static int[] intShape(Tensor x) {
        return x.shape();
    }

    /** Repeats {@code x} to a shape it broadcasts to. */
    public static Tensor broadcastTo(Tensor x, int... shape) {
        return OPS.broadcastTo(x, shape);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        return OPS.slice(x, axis, start, end);
    }

    /**
     * {@code x} cut along {@code axis} into {@code parts} pieces of equal size, in order (NumPy's
     * {@code split}): the inverse of {@link #concatenate}, which is also its gradient, so that
     * taking a sequence apart step by step costs its size once, not once per step.
     *
     * @throws IllegalArgumentException naming the shape when {@code parts} does not divide the axis
     */
    public static List<Tensor> split(Tensor x, int axis, int parts) {
        return OPS.split(x, axis, parts);
    }

    /** Joins tensors along {@code axis} (Keras's {@code concatenate}). */
    public static Tensor concatenate(List<Tensor> xs, int axis) {
        return OPS.concat(xs, axis);
    }

    /** The slices {@code indices[i]} along axis 0 (Keras's {@code gather}). */
    public static Tensor gather(Tensor x, int... indices) {
        return OPS.take(x, indices);
    }

    // ---- gradients --------------------------------------------------------------------------

    /**
     * The gradient of {@code sum(f(x))} with respect to {@code x}, of the shape of {@code x},
     * by reverse-mode automatic differentiation. {@code f} may be any composition of {@code K}
     * operations.
     */
    public static Tensor gradient(Function<Tensor, Tensor> f, Tensor x) {
        return OPS.gradient(f, x);
    }

    /**
     * Runs {@code body} in a {@link TensorScope} and keeps only its result: every other tensor
     * created inside is released.
     */
    public static Tensor scoped(Supplier<Tensor> body) {
        try (TensorScope scope = TensorScope.open()) {
            return scope.keep(body.get());
        }
    }

    // ---- convolution and pooling (channels-last) -----------------------------------------------

    /**
     * The convolution of {@code x} {@code (batch, spatial…, in)} with {@code kernel}
     * {@code (size…, in, out)} over the window {@code w} (strides, dilation, explicit padding),
     * TensorFlow's cross-correlation; shape {@code (batch, w.outputSpatial…, out)}. Differentiable
     * in both operands.
     *
     * @throws IllegalArgumentException naming the shapes when they do not fit the window
     */
    public static Tensor conv(Tensor x, Tensor kernel, Window w) {
        return OPS.conv(x, kernel, null, w);
    }

    /**
     * The convolution of {@link #conv(Tensor, Tensor, Window)} plus a bias per output channel:
     * {@code y[b, o…, co] = conv(x, kernel)[b, o…, co] + bias[co]}, a convolutional layer's
     * affine map. Differentiable in all three operands; the bias's gradient is the output
     * gradient summed over every axis but the last.
     *
     * @param bias {@code (out)}, or null for none
     * @throws IllegalArgumentException naming the shapes when they do not fit the window, or the
     *     bias is not {@code (out)}
     */
    public static Tensor conv(Tensor x, Tensor kernel, Tensor bias, Window w) {
        return OPS.conv(x, kernel, bias, w);
    }

    /**
     * The transposed convolution of {@code x} {@code (batch, in…, out)} with {@code kernel}
     * {@code (size…, channels, out)}: the gradient of {@link #conv} with respect to its input,
     * giving {@code (batch, spatial…, channels)}. Differentiable in both operands.
     *
     * @param spatial the result's spatial shape, whose convolution by {@code w} has {@code x}'s
     * @throws IllegalArgumentException naming the shapes when they do not fit the window
     */
    public static Tensor convTranspose(Tensor x, Tensor kernel, Window w, int... spatial) {
        return OPS.convTranspose(x, kernel, w, spatial);
    }

    /**
     * Max or average pooling of each channel of {@code x} {@code (batch, spatial…, channels)}
     * over the window {@code w}; an average counts only the cells inside the input.
     *
     * @throws IllegalArgumentException naming the shapes when they do not fit the window
     */
    public static Tensor pool(PoolOp op, Tensor x, Window w) {
        return OPS.pool(op, x, w);
    }

    // ---- fused element-wise passes -----------------------------------------------------------

    /**
     * Runs {@code kernel} over the elements of {@code inputs} in one pass over their storage and
     * returns {@code outputs} new tensors of their shape and dtype: element {@code i} of each
     * output is what the kernel computes from element {@code i} of every input. The kernel works
     * in double (float32 elements are widened, and the results rounded once). The pass is not
     * recorded by a {@link cthulhu.autodiff.GradientTape}: it is for updates such as an
     * optimizer's, never differentiated.
     *
     * @throws IllegalArgumentException if there is no input or {@code outputs < 1}, if the inputs
     *     differ in shape or dtype, or if one belongs to another backend
     */
    public static Tensor[] mapElements(ElementKernel kernel, int outputs, Tensor... inputs) {
        if (inputs.length == 0 || outputs < 1) {
            throw new IllegalArgumentException("mapElements needs at least one input and one output, got " + inputs.length
                    + " inputs and " + outputs + " outputs");
        }
        Backend b = currentBackend();
        Tensor first = inputs[0];
        for (Tensor x : inputs) {
            if (x.backend() != b) {
                throw new IllegalArgumentException("mapElements on backend '" + b.name() + "' got a tensor of backend '"
                        + x.backend().name() + "'; convert it with K.convert(tensor)");
            }
            if (x.dtype() != first.dtype() || !Arrays.equals(x.shape(), first.shape())) {
                throw new IllegalArgumentException("mapElements takes tensors of one shape and dtype, got " + first.dtype()
                        + Arrays.toString(first.shape()) + " and " + x.dtype() + Arrays.toString(x.shape()));
            }
        }
        Tensor[] results = b.mapElements(kernel, List.of(inputs), outputs);
        for (Tensor r : results) {
            TensorScope.track(r);
        }
        return results;
    }
}
