package cthulhu.backend.nd4j;

import cthulhu.backend.Backend;
import cthulhu.backend.BinaryOp;
import cthulhu.backend.CellActivation;
import cthulhu.backend.Composites;
import cthulhu.backend.DType;
import cthulhu.backend.ElementKernel;
import cthulhu.backend.ElementwisePass;
import cthulhu.backend.LstmCellPass;
import cthulhu.backend.PoolOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;
import cthulhu.backend.Window;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastTo;
import org.nd4j.linalg.api.ops.impl.controlflow.Select;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.scalar.comparison.ScalarEquals;
import org.nd4j.linalg.api.ops.impl.scalar.comparison.ScalarGreaterThanOrEqual;
import org.nd4j.linalg.api.ops.impl.scalar.comparison.ScalarNotEquals;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.clip.ClipByValue;
import org.nd4j.linalg.api.ops.impl.transforms.custom.EqualTo;
import org.nd4j.linalg.api.ops.impl.transforms.custom.GreaterThan;
import org.nd4j.linalg.api.ops.impl.transforms.custom.GreaterThanOrEqual;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Min;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Pow;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.same.Negative;
import org.nd4j.linalg.api.ops.impl.transforms.same.Reciprocal;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.api.ops.impl.transforms.same.Square;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.HardSigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftSign;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cthulhu backend on ND4J ({@code nd4j-native}: libnd4j with OpenBLAS, on the CPU). Select it
 * with {@code -Dcthulhu.backend=nd4j}; with no choice made it wins over the pure-Java backend by
 * its priority of 20 whenever its native library loads.
 *
 * <p>Tensors are {@link Nd4jTensor}s over off-heap {@link INDArray}s of ND4J type {@code FLOAT}
 * (float32) or {@code DOUBLE} (float64); every array is created with an explicit type, so ND4J's
 * global default type never matters. Results are always detached from ND4J workspaces: an
 * operation called while the thread has a workspace open still returns a tensor that the caller
 * (or its {@code TensorScope}) owns and frees.
 *
 * <p>Where ND4J falls short of the SPI's contract the backend completes it: {@code expm1},
 * {@code log1p}, ELU and softplus are computed accurately on the host ({@link HostKernels}), and
 * so is tanh near 0; {@code maximum}, {@code minimum} and the max/min reductions return NaN where
 * an operand is NaN, {@code sign(NaN)} is NaN and {@code argmax} finds the first NaN (libnd4j
 * drops NaN in all five); softmax subtracts the maximum before libnd4j's kernel, which alone
 * fails on very negative rows; empty tensors and empty inner dimensions of a matrix product never
 * reach libnd4j. The composites softsign, hard sigmoid (float32) and clip run as single native
 * kernels; relu and softmax as one host pass on small tensors and as one and three native kernels
 * on large ones; dense as one {@code gemm} into an array whose rows start as the bias; elu,
 * softplus and fused element-wise passes (an optimizer's update) as one host pass.
 *
 * <p>Speed: results are written into arrays released by closed tensors of the same type and shape
 * ({@link #cachedBytes()}), so an operation on a small tensor costs a kernel call rather than a
 * native allocation; matrix products call OpenBLAS directly, without libnd4j's per-operation cost
 * (a one-sample {@code predict} of a small network is a few such calls and host passes, no libnd4j
 * operation); square roots run on the host, four times faster than libnd4j's; sums along the
 * first or last axis run as a matrix product with a vector of ones on BLAS.
 */
public final class Nd4jBackend implements Backend {

    /** The name users select this backend by. */
    public static final String NAME = "nd4j";

    /** Above the pure-Java backend's 0: preferred when available. */
    public static final int PRIORITY = 20;

    /** Below this magnitude tanh is computed on the host (native relative error there: 1.5e-7 in float32 at 0.1). */
    private static final double TANH_NATIVE_FROM = 0.1;

    /**
     * Up to this many elements relu runs as a host pass: below it the pass costs less than the
     * fixed cost of a libnd4j kernel call.
     */
    private static final int HOST_RELU_MAX = 1 << 14;

    /** Up to this many elements softmax runs as a host pass, below the cost of libnd4j's three kernels. */
    private static final int HOST_SOFTMAX_MAX = 1 << 12;

    /** The system property that sets the capacity of the array cache, in bytes. */
    public static final String CACHE_BYTES_PROPERTY = "cthulhu.nd4j.cacheBytes";

    /** The array cache's capacity when {@value #CACHE_BYTES_PROPERTY} is not set: 512 MiB. */
    public static final long DEFAULT_CACHE_BYTES = 512L << 20;

    private volatile ArrayPool pool;

    /** Creates the backend; loads nothing (see {@link #checkAvailable()}). */
    public Nd4jBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public String artifact() {
        return "io.cthulhu:cthulhu-backend-nd4j";
    }

    /**
     * Loads ND4J's native CPU backend and multiplies a 2 × 2 matrix by itself.
     *
     * @throws IllegalArgumentException if {@value #CACHE_BYTES_PROPERTY} is set to something other
     *     than a number of bytes ≥ 0
     * @throws IllegalStateException naming the platform and the jars to add, with the original
     *     failure ({@code UnsatisfiedLinkError}, {@code ExceptionInInitializerError}, …) as its
     *     cause, when the native library cannot load here; or when the probe computes a wrong product
     */
    @Override
    public void checkAvailable() {
        pool();
        float[] product;
        try (INDArray m = Nd4j.create(new float[] {1, 2, 3, 4}, new long[] {2, 2}, DataType.FLOAT);
             INDArray p = Nd4j.gemm(m, m, false, false)) {
            product = p.data().asFloat();
        } catch (LinkageError | RuntimeException e) {
            String platform = org.bytedeco.javacpp.Loader.getPlatform();
            throw new IllegalStateException("ND4J's native CPU library cannot load or run on platform " + platform + ": "
                    + rootMessage(e) + ". The classpath needs org.nd4j:nd4j-native, org.bytedeco:javacpp and "
                    + "org.bytedeco:openblas each with the classifier " + platform
                    + " (cthulhu-backend-nd4j brings those of the build machine's platform)", e);
        }
        if (!Arrays.equals(product, new float[] {7, 10, 15, 22})) {
            throw new IllegalStateException("ND4J's native backend computed [[1,2],[3,4]]² as "
                    + Arrays.toString(product) + " instead of [7, 10, 15, 22]");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    /**
     * The bytes of native memory held by the open tensors of this backend, over all threads: the
     * buffers not yet released by {@link Tensor#close()} (a buffer shared by several tensors
     * counts once). For finding leaks; ND4J's own temporaries are not included.
     */
    public static long liveBytes() {
        return Nd4jTensor.liveBytes();
    }

    /**
     * The bytes of native memory this backend keeps for reuse: arrays released by closed tensors,
     * which later results of the same type and shape are written into instead of new allocations.
     * At most {@value #CACHE_BYTES_PROPERTY} bytes (default {@link #DEFAULT_CACHE_BYTES}; 0 turns
     * the cache off); arrays of the least recently used shapes are freed first, those of the
     * releasing thread's stripe (threads take max(8, 4 × processors) stripes in turn, so that
     * threads sharing a model do not wait for each other). {@link #close()} frees them all.
     */
    public long cachedBytes() {
        return pool().cachedBytes();
    }

    /** Frees the cached arrays; tensors closed from now on free their memory at once. */
    @Override
    public void close() {
        pool().close();
    }

    /** The array cache, made on first use with the capacity the system property gives. */
    ArrayPool pool() {
        ArrayPool p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = new ArrayPool(cacheCapacity(), ArrayPool.STRIPES);
                }
                p = pool;
            }
        }
        return p;
    }

    private static long cacheCapacity() {
        String value = System.getProperty(CACHE_BYTES_PROPERTY);
        if (value == null) {
            return DEFAULT_CACHE_BYTES;
        }
        try {
            long bytes = Long.parseLong(value.trim());
            if (bytes >= 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + CACHE_BYTES_PROPERTY + "=" + value
                    + " is not a number of bytes; give a whole number ≥ 0 (0 turns the array cache off)", e);
        }
        throw new IllegalArgumentException("-D" + CACHE_BYTES_PROPERTY + "=" + value
                + " is negative; give a whole number ≥ 0 (0 turns the array cache off)");
    }

    // ---- creation and conversion ----------------------------------------------------------

    @Override
    public Tensor fromArray(float[] data, int[] shape, DType dtype) {
        checkLength(data.length, shape);
        return detached(dtype, () -> {
            if (data.length == 0) {
                return Nd4j.create(type(dtype), longs(shape));
            }
            return dtype == DType.FLOAT32
                    ? Nd4j.create(data, longs(shape), DataType.FLOAT)
                    : Nd4j.create(Tensor.widen(data), longs(shape), DataType.DOUBLE);
        });
    }

    @Override
    public Tensor fromArray(double[] data, int[] shape, DType dtype) {
        checkLength(data.length, shape);
        return detached(dtype, () -> {
            if (data.length == 0) {
                return Nd4j.create(type(dtype), longs(shape));
            }
            return dtype == DType.FLOAT64
                    ? Nd4j.create(data, longs(shape), DataType.DOUBLE)
                    : Nd4j.create(Tensor.narrow(data), longs(shape), DataType.FLOAT);
        });
    }

    @Override
    public Tensor full(int[] shape, double value, DType dtype) {
        return detached(dtype, () -> Shapes.size(shape) == 0
                ? Nd4j.create(type(dtype), longs(shape))
                : Nd4j.valueArrayOf(longs(shape), value, type(dtype)));
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == dtype) {
            return shared(x, arr(x));
        }
        return detached(dtype, () -> x.size() == 0 ? Nd4j.create(type(dtype), longs(x.shape())) : arr(x).castTo(type(dtype)));
    }

    // ---- element-wise --------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), x.shape());
            }
            return switch (op) {
                case EXPM1 -> HostKernels.map(in, alloc(in), Math::expm1);
                case LOG1P -> HostKernels.map(in, alloc(in), Math::log1p);
                case SIGN -> sign(in);
                case TANH -> tanh(in);
                case SQRT -> HostKernels.sqrt(in, alloc(in));
                default -> {
                    INDArray out = alloc(x.dtype(), x.shape());
                    Nd4j.getExecutioner().exec(switch (op) {
                        case NEGATE -> new Negative(in, out);
                        case ABS -> new Abs(in, out);
                        case EXP -> new Exp(in, out);
                        case LOG -> new Log(in, out);
                        case SQUARE -> new Square(in, out);
                        case SIGMOID -> new Sigmoid(in, out);
                        case RECIPROCAL -> new Reciprocal(in, out);
                        case ERF -> new Erf(in, out);
                        default -> throw new IllegalStateException("Unhandled unary op " + op);
                    });
                    yield out;
                }
            };
        });
    }

    /**
     * libnd4j's tanh, with the elements below {@value #TANH_NATIVE_FROM} in magnitude recomputed on
     * the host: there the native kernel's relative error exceeds a few ulps.
     */
    private INDArray tanh(INDArray in) {
        INDArray out = alloc(in);
        Nd4j.getExecutioner().exec(new Tanh(in, out));
        HostKernels.refineNearZero(in, out, TANH_NATIVE_FROM, Math::tanh);
        return out;
    }

    private INDArray sign(INDArray in) {
        INDArray out = alloc(in);
        Nd4j.getExecutioner().exec(new Sign(in, out));
        // libnd4j's sign maps NaN to 0; NumPy and Math.signum keep NaN.
        propagateNaN(out, in);
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        return detached(a.dtype(), () -> {
            INDArray x = arr(a);
            INDArray y = arr(b);
            if (Shapes.size(shape) == 0) {
                return empty(a.dtype(), shape);
            }
            return switch (op) {
                case GREATER -> indicator(Nd4j.exec(new GreaterThan(x, y, alloc(DataType.BOOL, shape)))[0], a.dtype());
                case GREATER_EQUAL -> indicator(Nd4j.exec(new GreaterThanOrEqual(x, y, alloc(DataType.BOOL, shape)))[0], a.dtype());
                case EQUAL -> indicator(Nd4j.exec(new EqualTo(x, y, alloc(DataType.BOOL, shape)))[0], a.dtype());
                default -> {
                    INDArray out = alloc(a.dtype(), shape);
                    DynamicCustomOp kernel = switch (op) {
                        case ADD -> new AddOp(x, y, out);
                        case SUBTRACT -> new SubOp(x, y, out);
                        case MULTIPLY -> new MulOp(x, y, out);
                        case DIVIDE -> new DivOp(x, y, out);
                        case MAXIMUM -> new Max(x, y, out);
                        case MINIMUM -> new Min(x, y, out);
                        case POW -> withOutput(new Pow(x, y), out);
                        default -> throw new IllegalStateException("Unhandled binary op " + op);
                    };
                    Nd4j.exec(kernel);
                    if (op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM) {
                        // libnd4j's maximum(a, b) is (a > b ? a : b): NaN in a is lost.
                        propagateNaN(out, x);
                        propagateNaN(out, y);
                    }
                    yield out;
                }
            };
        });
    }

    /** The scalar forms run as ND4J scalar kernels, without materialising the scalar. */
    @Override
    public Tensor binary(BinaryOp op, Tensor a, double b) {
        return detached(a.dtype(), () -> {
            INDArray x = arr(a);
            if (a.size() == 0) {
                return empty(a.dtype(), a.shape());
            }
            int[] shape = a.shape();
            return switch (op) {
                case GREATER -> {
                    // libnd4j's step kernel, (x > b ? 1 : 0), writes the indicator in x's type at once.
                    INDArray out = alloc(a.dtype(), shape);
                    Nd4j.getExecutioner().exec(new Step(x, out, b));
                    yield out;
                }
                case GREATER_EQUAL -> indicator(Nd4j.getExecutioner().exec(new ScalarGreaterThanOrEqual(x, alloc(DataType.BOOL, shape), b)), a.dtype());
                case EQUAL -> indicator(Nd4j.getExecutioner().exec(new ScalarEquals(x, alloc(DataType.BOOL, shape), b)), a.dtype());
                default -> {
                    INDArray out = alloc(a.dtype(), shape);
                    Nd4j.getExecutioner().exec(switch (op) {
                        case ADD -> new ScalarAdd(x, null, out, b);
                        case SUBTRACT -> new ScalarSubtraction(x, null, out, b);
                        case MULTIPLY -> new ScalarMultiplication(x, null, out, b);
                        case DIVIDE -> new ScalarDivision(x, null, out, b);
                        case POW -> new org.nd4j.linalg.api.ops.impl.scalar.Pow(x, out, b);
                        case MAXIMUM -> new ScalarMax(x, null, out, b);
                        case MINIMUM -> new ScalarMin(x, null, out, b);
                        default -> throw new IllegalStateException("Unhandled binary op " + op);
                    });
                    if (op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM) {
                        propagateNaN(out, x);
                        if (Double.isNaN(b)) {
                            out.assign(Double.NaN);
                        }
                    }
                    yield out;
                }
            };
        });
    }

    /** The 0/1 values of a comparison's boolean result in {@code dtype}; the boolean array is released. */
    private INDArray indicator(INDArray bool, DType dtype) {
        try {
            return bool.castTo(type(dtype));
        } finally {
            release(bool);
        }
    }

    @Override
    public Tensor where(Tensor condition, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(condition.shape(), Shapes.broadcast(a.shape(), b.shape()));
        return detached(a.dtype(), () -> {
            INDArray c = arr(condition);
            INDArray x = arr(a);
            INDArray y = arr(b);
            if (Shapes.size(shape) == 0) {
                return empty(a.dtype(), shape);
            }
            // libnd4j's select wants three arrays of one shape and a boolean condition.
            List<INDArray> temporaries = new ArrayList<>(4);
            try {
                INDArray cs = expand(c, shape, temporaries);
                INDArray mask = alloc(DataType.BOOL, shape);
                temporaries.add(mask);
                Nd4j.getExecutioner().exec(new ScalarNotEquals(cs, mask, 0));
                INDArray xs = expand(x, shape, temporaries);
                INDArray ys = expand(y, shape, temporaries);
                INDArray out = alloc(a.dtype(), shape);
                Nd4j.exec(new Select(new INDArray[] {mask, xs, ys}, new INDArray[] {out}));
                return out;
            } finally {
                temporaries.forEach(this::release);
            }
        });
    }

    /** {@code x} itself when it has {@code shape}, else a broadcast copy added to {@code temporaries}. */
    private INDArray expand(INDArray x, int[] shape, List<INDArray> temporaries) {
        if (Arrays.equals(x.shape(), longs(shape))) {
            return x;
        }
        INDArray out = alloc(x.dataType(), shape);
        temporaries.add(out);
        Nd4j.exec(new BroadcastTo(x, longs(shape), out));
        return out;
    }

    // ---- reductions ---------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Over an empty axis the sum is 0, the maximum {@code -inf} and the minimum {@code +inf}
     * (the identities of the reductions, as TensorFlow gives them).
     */
    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims) {
        int[] shape = Shapes.reduced(x.shape(), axis, keepdims);
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (Shapes.size(shape) == 0) {
                return empty(x.dtype(), shape);
            }
            if (x.dim(axis) == 0) {
                double identity = switch (op) {
                    case SUM -> 0;
                    case MAX -> Double.NEGATIVE_INFINITY;
                    case MIN -> Double.POSITIVE_INFINITY;
                };
                return Nd4j.valueArrayOf(longs(shape), identity, type(x.dtype()));
            }
            INDArray out = alloc(x.dtype(), shape);
            if (op == ReduceOp.SUM && sumAsProduct(in, out, x.shape(), axis)) {
                return out;
            }
            int[] dims = {axis};
            BaseReduceOp kernel = switch (op) {
                case SUM -> new Sum(in, out, keepdims, dims);
                case MAX -> new org.nd4j.linalg.api.ops.impl.reduce.same.Max(in, out, keepdims, dims);
                case MIN -> new org.nd4j.linalg.api.ops.impl.reduce.same.Min(in, out, keepdims, dims);
            };
            Nd4j.getExecutioner().exec(kernel);
            if (op != ReduceOp.SUM && hasNaN(in)) {
                // libnd4j's max/min reductions skip NaN; NumPy's return NaN for a slice holding one.
                INDArray poison = nanPoison(in);
                INDArray perSlice = alloc(x.dtype(), shape);
                try {
                    Nd4j.getExecutioner().exec(new Sum(poison, perSlice, keepdims, dims));
                    out.addi(perSlice);
                } finally {
                    release(poison);
                    release(perSlice);
                }
            }
            return out;
        });
    }

    /**
     * Writes the sum along the first or the last non-trivial axis as a matrix product with a
     * vector of ones — {@code [1, n]·[n, inner]} or {@code [outer, n]·[n, 1]} — which BLAS runs
     * about ten times faster than libnd4j's reduction kernel (14 µs against 160 µs for the column
     * sums of a 128 × 512 float matrix). Returns false, writing nothing, for a middle axis.
     */
    private boolean sumAsProduct(INDArray in, INDArray out, int[] shape, int axis) {
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < axis) {
                outer *= shape[i];
            } else if (i > axis) {
                inner *= shape[i];
            }
        }
        if (outer != 1 && inner != 1) {
            return false;
        }
        int n = shape[axis];
        INDArray ones = outer == 1 ? alloc(in.dataType(), new int[] {1, n}) : alloc(in.dataType(), new int[] {n, 1});
        try {
            ones.assign(1.0);
            if (outer == 1) {
                Blas.gemm(ones, false, in, false, out, 1, (int) inner, n, 0);
            } else {
                Blas.gemm(in, false, ones, false, out, (int) outer, 1, n, 0);
            }
        } finally {
            release(ones);
        }
        return true;
    }

    /** {@inheritDoc} A slice holding NaN gives the index of its first NaN, as in NumPy. */
    @Override
    public Tensor argmax(Tensor x, int axis) {
        int[] shape = Shapes.reduced(x.shape(), axis, false);
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.dim(axis) == 0) {
                throw new IllegalArgumentException("argmax along axis " + axis + " of shape " + Arrays.toString(x.shape())
                        + ": the axis is empty, so there is no largest element");
            }
            if (Shapes.size(shape) == 0) {
                return empty(x.dtype(), shape);
            }
            if (hasNaN(in)) {
                // libnd4j's argmax passes over NaN; NumPy's (and the pure backend's) returns the first NaN.
                double[] indices = HostKernels.argmax(x.toDoubleArray(), x.shape(), axis);
                return x.dtype() == DType.FLOAT32
                        ? Nd4j.create(Tensor.narrow(indices), longs(shape), DataType.FLOAT)
                        : Nd4j.create(indices, longs(shape), DataType.DOUBLE);
            }
            INDArray indices = alloc(DataType.INT64, shape);
            try {
                Nd4j.exec(new ArgMax(new INDArray[] {in}, new INDArray[] {indices}, false, new int[] {axis}));
                return indices.castTo(type(x.dtype()));
            } finally {
                release(indices);
            }
        });
    }

    // ---- linear algebra and shapes ------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return detached(a.dtype(), () -> product(a, b, transposeA, transposeB, null));
    }

    /**
     * {@code op(a) · op(b)}, plus {@code bias} on every row when not null, into a new array: one
     * {@code gemm} into an array whose rows start as the bias ({@code beta} 1), so the bias costs
     * a copy rather than a kernel call. OpenBLAS is not called with an empty dimension.
     */
    private INDArray product(Tensor a, Tensor b, boolean transposeA, boolean transposeB, Tensor bias) {
        INDArray x = arr(a);
        INDArray y = arr(b);
        int m = transposeA ? a.dim(1) : a.dim(0);
        int k = transposeA ? a.dim(0) : a.dim(1);
        int n = transposeB ? b.dim(0) : b.dim(1);
        int[] shape = {m, n};
        if (m == 0 || n == 0) {
            return empty(a.dtype(), shape);
        }
        INDArray out = alloc(a.dtype(), shape);
        if (bias != null) {
            HostKernels.fillRows(out, arr(bias));
        } else if (k == 0) {
            out.assign(0);
        }
        if (k > 0) {
            Blas.gemm(x, transposeA, y, transposeB, out, m, n, k, bias == null ? 0 : 1);
        }
        return out;
    }

    /** A view over the same buffer: no copy, and the buffer lives until both tensors are closed. */
    @Override
    public Tensor reshape(Tensor x, int[] shape) {
        INDArray in = arr(x);
        if (x.size() == 0) {
            return detached(x.dtype(), () -> empty(x.dtype(), shape));
        }
        if (Arrays.equals(x.shape(), shape)) {
            return shared(x, in);
        }
        INDArray view = Nd4j.create(in.data(), longs(shape), Shapes.strides(shape), 0L, 'c', in.dataType());
        return shared(x, view);
    }

    @Override
    public Tensor transpose(Tensor x, int[] perm) {
        if (isIdentity(perm)) {
            return shared(x, arr(x));
        }
        int[] shape = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            shape[i] = x.dim(perm[i]);
        }
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), shape);
            }
            // permute() gives a strided header over x's buffer; dup copies it out in row-major order.
            return in.permute(perm).dup('c');
        });
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        if (Arrays.equals(x.shape(), shape)) {
            return shared(x, arr(x));
        }
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (Shapes.size(shape) == 0) {
                return empty(x.dtype(), shape);
            }
            INDArray out = alloc(x.dtype(), shape);
            Nd4j.exec(new BroadcastTo(in, longs(shape), out));
            return out;
        });
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        int[] shape = x.shape();
        shape[axis] = end - start;
        if (start == 0 && end == x.dim(axis)) {
            return shared(x, arr(x));
        }
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (Shapes.size(shape) == 0) {
                return empty(x.dtype(), shape);
            }
            INDArrayIndex[] index = new INDArrayIndex[x.rank()];
            Arrays.fill(index, NDArrayIndex.all());
            index[axis] = NDArrayIndex.interval(start, end);
            return in.get(index).dup('c');
        });
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        int[] shape = xs.get(0).shape();
        shape[axis] = xs.stream().mapToInt(t -> t.dim(axis)).sum();
        DType dtype = xs.get(0).dtype();
        List<Tensor> parts = xs.stream().filter(t -> t.dim(axis) > 0).toList();
        if (parts.size() == 1 && Shapes.size(shape) > 0) {
            return shared(parts.get(0), arr(parts.get(0)));
        }
        return detached(dtype, () -> {
            INDArray[] arrays = new INDArray[parts.size()];
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = arr(parts.get(i));
            }
            if (Shapes.size(shape) == 0) {
                return empty(dtype, shape);
            }
            return Nd4j.concat(axis, arrays);
        });
    }

    @Override
    public Tensor take(Tensor x, int[] indices) {
        int[] shape = x.shape();
        shape[0] = indices.length;
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (Shapes.size(shape) == 0) {
                return empty(x.dtype(), shape);
            }
            INDArray out = alloc(x.dtype(), shape);
            // The indices go in as an array: Gather's int[] form misreads them for rank-1 input.
            try (INDArray rows = Nd4j.createFromArray(indices)) {
                Nd4j.exec(withOutput(new Gather(in, rows, 0), out));
            }
            return out;
        });
    }

    // ---- composites as native kernels -------------------------------------------------------

    /**
     * {@link Composites#softmax}: up to 4,096 elements one pass on the host
     * ({@link HostKernels#softmax}, in double); above, the maximum along {@code axis} is
     * subtracted first (libnd4j's kernel alone turns a row of very negative inputs such as
     * [-3000, -3000, -2999] into NaN), then libnd4j's softmax kernel runs in place.
     */
    @Override
    public Tensor softmax(Tensor x, int axis) {
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), x.shape());
            }
            INDArray out = alloc(x.dtype(), x.shape());
            if (x.size() <= HOST_SOFTMAX_MAX) {
                return HostKernels.softmax(in, out, x.shape(), axis);
            }
            // The native maximum skips NaN, which is harmless here: a NaN still turns its whole slice into NaN.
            INDArray max = alloc(x.dtype(), Shapes.reduced(x.shape(), axis, true));
            try {
                Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce.same.Max(in, max, true, new int[] {axis}));
                Nd4j.exec(new SubOp(in, max, out));
            } finally {
                release(max);
            }
            Nd4j.exec(new SoftMax(out, out, axis));
            return out;
        });
    }

    /**
     * {@link Composites#relu}: with threshold 0 and no slope {@code min(max(x, 0), maxValue)},
     * which like the composite maps NaN and -0 to 0 — one host pass up to
     * 16,384 elements, else a scalar kernel clipped in place; with a slope and
     * no cap, the leaky-ReLU kernel. Other combinations use the composite.
     */
    @Override
    public Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        if (threshold != 0 || (alpha != 0 && maxValue != null)) {
            return Composites.relu(this, x, alpha, maxValue, threshold);
        }
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), x.shape());
            }
            INDArray out = alloc(x.dtype(), x.shape());
            if (alpha != 0) {
                Nd4j.getExecutioner().exec(new LeakyReLU(in, out, alpha));
                return out;
            }
            if (x.size() <= HOST_RELU_MAX) {
                return HostKernels.relu(in, out, maxValue == null ? Double.POSITIVE_INFINITY : Math.max(0, maxValue));
            }
            Nd4j.getExecutioner().exec(new ScalarMax(in, null, out, 0.0));
            if (maxValue != null) {
                Nd4j.getExecutioner().exec(new ScalarMin(out, null, out, Math.max(0, maxValue)));
            }
            return out;
        });
    }

    /**
     * The plain rectifier's gradient as libnd4j's {@code relu_bp}, one pass of
     * {@code x > 0 ? g : 0}; the others as {@link Composites#reluGradient}. (The default's
     * {@code where} would broadcast its zero to a full array and run libnd4j's {@code select},
     * which took a CNN's step ten times as long.)
     */
    @Override
    public Tensor reluGradient(Tensor x, Tensor y, Tensor g, double alpha, Double maxValue, double threshold) {
        if (alpha != 0 || maxValue != null || threshold != 0 || !Arrays.equals(x.shape(), g.shape()) || x.dtype() != g.dtype()) {
            return Composites.reluGradient(this, x, y, g, alpha, maxValue, threshold);
        }
        return detached(g.dtype(), () -> {
            if (g.size() == 0) {
                return empty(g.dtype(), g.shape());
            }
            INDArray out = alloc(g.dtype(), g.shape());
            Nd4j.exec(new RectifiedLinearDerivative(arr(x), arr(g), out));
            return out;
        });
    }

    /** {@link Composites#elu} in one host pass: {@code x > 0 ? x : alpha · expm1(x)} (libnd4j's ELU uses {@code exp(x) - 1}). */
    @Override
    public Tensor elu(Tensor x, double alpha) {
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), x.shape());
            }
            double a = x.dtype() == DType.FLOAT32 ? (float) alpha : alpha;
            return HostKernels.map(in, alloc(in), v -> v > 0 ? v : a * Math.expm1(v));
        });
    }

    /** {@link Composites#softplus} in one host pass (libnd4j's softplus overflows for large inputs). */
    @Override
    public Tensor softplus(Tensor x) {
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            return x.size() == 0 ? empty(x.dtype(), x.shape()) : HostKernels.map(in, alloc(in), HostKernels::softplus);
        });
    }

    /** libnd4j's softsign kernel {@code x / (1 + |x|)}. */
    @Override
    public Tensor softsign(Tensor x) {
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), x.shape());
            }
            INDArray out = alloc(x.dtype(), x.shape());
            Nd4j.getExecutioner().exec(new SoftSign(in, out));
            return out;
        });
    }

    /**
     * {@link Composites#hardSigmoid}: libnd4j's kernel in float32; in float64 (where that kernel
     * uses the float constant 0.2) three scalar kernels in place on one new array.
     */
    @Override
    public Tensor hardSigmoid(Tensor x) {
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), x.shape());
            }
            INDArray out = alloc(x.dtype(), x.shape());
            if (x.dtype() == DType.FLOAT32) {
                Nd4j.getExecutioner().exec(new HardSigmoid(in, out));
                return out;
            }
            Nd4j.getExecutioner().exec(new ScalarMultiplication(in, null, out, 0.2));
            Nd4j.getExecutioner().exec(new ScalarAdd(out, null, out, 0.5));
            clipInPlace(out, 0, 1);
            return out;
        });
    }

    /**
     * libnd4j's clip-by-value kernel, which keeps NaN as {@link Composites#clip} does; the
     * degenerate interval (upper bound not above {@code min}), which that kernel rejects, and NaN
     * bounds go to the composite.
     */
    @Override
    public Tensor clip(Tensor x, double min, double max) {
        if (!(min < max)) {
            return Composites.clip(this, x, min, max);
        }
        return detached(x.dtype(), () -> {
            INDArray in = arr(x);
            if (x.size() == 0) {
                return empty(x.dtype(), x.shape());
            }
            INDArray out = alloc(x.dtype(), x.shape());
            Nd4j.exec(withOutput(new ClipByValue(in, min, max), out));
            return out;
        });
    }

    private static void clipInPlace(INDArray x, double min, double max) {
        Nd4j.exec(withOutput(new ClipByValue(x, min, max), x));
    }

    /** One {@code gemm} into a new array whose rows start as the bias. */
    @Override
    public Tensor dense(Tensor x, Tensor kernel, Tensor bias) {
        return detached(x.dtype(), () -> product(x, kernel, false, false, bias));
    }

    /**
     * {@inheritDoc} The pass runs in Java over the arrays' native buffers ({@link ElementwisePass}),
     * into new arrays allocated outside any workspace: an optimizer's update in one pass where its
     * formula would take a dozen native kernels (libnd4j's own Adam updater measured at half the
     * speed of the Java pass: its square root is a library call per element).
     */
    @Override
    public Tensor[] mapElements(ElementKernel kernel, List<Tensor> inputs, int outputs) {
        Tensor first = inputs.get(0);
        if (first.size() == 0) {
            return ElementwisePass.copying(this, kernel, inputs, outputs);
        }
        DType dtype = first.dtype();
        return outsideWorkspaces(() -> {
            INDArray[] given = inputs.stream().map(this::arr).toArray(INDArray[]::new);
            // A view's buffer is its base's: the pass reads a row-major copy of it instead.
            INDArray[] in = Arrays.stream(given).map(a -> dense(a) ? a : a.dup('c')).toArray(INDArray[]::new);
            Tensor[] results = new Tensor[outputs];
            INDArray[] out = new INDArray[outputs];
            for (int i = 0; i < outputs; i++) {
                out[i] = alloc(in[0]);
                results[i] = new Nd4jTensor(this, out[i], dtype);
            }
            try {
                ElementwisePass.run(kernel, dtype, Arrays.stream(in).map(Nd4jBackend::memory).toArray(ByteBuffer[]::new),
                        Arrays.stream(out).map(Nd4jBackend::memory).toArray(ByteBuffer[]::new), Math.toIntExact(first.size()));
            } finally {
                for (int i = 0; i < in.length; i++) {
                    if (in[i] != given[i]) {
                        in[i].close();
                    }
                }
            }
            return results;
        });
    }

    /**
     * {@inheritDoc} One pass on the host over copies of the arrays ({@link LstmCellPass}): a step
     * of a recurrent loop costs one call, where libnd4j's kernels would take a dozen, each with its
     * own array.
     */
    @Override
    public Tensor[] lstmCell(Tensor z, Tensor c, CellActivation gate, CellActivation activation) {
        if (c.size() == 0) {
            return Composites.lstmCell(this, z, c, gate, activation);
        }
        int batch = c.dim(0);
        int units = c.dim(1);
        int[] shape = c.shape();
        return outsideWorkspaces(() -> {
            if (z.dtype() == DType.FLOAT32) {
                float[] h = new float[batch * units];
                float[] next = new float[h.length];
                LstmCellPass.forward(z.toFloatArray(), c.toFloatArray(), h, next, batch, units, gate, activation);
                return new Tensor[] {hostResult(h, shape), hostResult(next, shape)};
            }
            double[] h = new double[batch * units];
            double[] next = new double[h.length];
            LstmCellPass.forward(z.toDoubleArray(), c.toDoubleArray(), h, next, batch, units, gate, activation);
            return new Tensor[] {hostResult(h, shape), hostResult(next, shape)};
        });
    }

    /** {@inheritDoc} One pass on the host over copies of the arrays ({@link LstmCellPass}). */
    @Override
    public Tensor[] lstmCellGradient(Tensor z, Tensor c, Tensor gh, Tensor gc, CellActivation gate, CellActivation activation) {
        if (c.size() == 0) {
            return Composites.lstmCellGradient(this, z, c, gh, gc, gate, activation);
        }
        int batch = c.dim(0);
        int units = c.dim(1);
        return outsideWorkspaces(() -> {
            if (z.dtype() == DType.FLOAT32) {
                float[] gz = new float[batch * 4 * units];
                float[] gcPrev = new float[batch * units];
                LstmCellPass.backward(z.toFloatArray(), c.toFloatArray(), gh.toFloatArray(), gc.toFloatArray(), gz, gcPrev,
                        batch, units, gate, activation);
                return new Tensor[] {hostResult(gz, z.shape()), hostResult(gcPrev, c.shape())};
            }
            double[] gz = new double[batch * 4 * units];
            double[] gcPrev = new double[batch * units];
            LstmCellPass.backward(z.toDoubleArray(), c.toDoubleArray(), gh.toDoubleArray(), gc.toDoubleArray(), gz, gcPrev,
                    batch, units, gate, activation);
            return new Tensor[] {hostResult(gz, z.shape()), hostResult(gcPrev, c.shape())};
        });
    }

    /** A float32 tensor of {@code shape} holding {@code data}, in an array from the cache. */
    private Tensor hostResult(float[] data, int[] shape) {
        INDArray out = alloc(DataType.FLOAT, shape);
        memory(out).asFloatBuffer().put(data);
        return new Nd4jTensor(this, out, DType.FLOAT32);
    }

    /** A float64 tensor of {@code shape} holding {@code data}, in an array from the cache. */
    private Tensor hostResult(double[] data, int[] shape) {
        INDArray out = alloc(DataType.DOUBLE, shape);
        memory(out).asDoubleBuffer().put(data);
        return new Nd4jTensor(this, out, DType.FLOAT64);
    }

    /** Whether the array's elements are its whole buffer, in row-major order. */
    static boolean dense(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.data().length() == a.length();
    }

    /** The array's buffer as bytes in native order. */
    private static ByteBuffer memory(INDArray array) {
        return array.data().asNio().order(ByteOrder.nativeOrder());
    }

    // ---- windowed operations: host im2col and col2im around BLAS (Nd4jWindows) ------------

    /** {@inheritDoc} The input's columns times the kernel: one {@code gemm}. */
    @Override
    public Tensor conv(Tensor x, Tensor kernel, Window w) {
        return detached(x.dtype(), () -> Nd4jWindows.conv(pool(), arr(x), arr(kernel), w));
    }

    /** {@inheritDoc} One {@code gemm} into columns, added back onto their cells. */
    @Override
    public Tensor convTranspose(Tensor g, Tensor kernel, Window w, int[] spatial) {
        return detached(g.dtype(), () -> Nd4jWindows.convTranspose(pool(), arr(g), arr(kernel), w, spatial));
    }

    /** {@inheritDoc} The input's columns transposed times the output gradient: one {@code gemm}. */
    @Override
    public Tensor convKernelGradient(Tensor x, Tensor g, Window w) {
        return detached(x.dtype(), () -> Nd4jWindows.convKernelGradient(pool(), arr(x), arr(g), w));
    }

    /** {@inheritDoc} One pass on the host over each sample. */
    @Override
    public Tensor pool(PoolOp op, Tensor x, Window w) {
        return detached(x.dtype(), () -> Nd4jWindows.pool(pool(), op, arr(x), w));
    }

    /** {@inheritDoc} One pass on the host over each sample. */
    @Override
    public Tensor poolGradient(PoolOp op, Tensor x, Tensor y, Tensor g, Window w) {
        return detached(x.dtype(), () -> Nd4jWindows.poolGradient(pool(), op, arr(x), arr(y), arr(g), w));
    }

    // ---- helpers --------------------------------------------------------------------------

    /**
     * Runs {@code body} outside any ND4J workspace open on this thread, so that the array it makes
     * is the caller's to free, and wraps that array as a new tensor.
     */
    private Tensor detached(DType dtype, Supplier<INDArray> body) {
        return outsideWorkspaces(() -> new Nd4jTensor(this, body.get(), dtype));
    }

    /** Runs {@code body} outside any ND4J workspace open on this thread. */
    private static <T> T outsideWorkspaces(Supplier<T> body) {
        MemoryWorkspace current = Nd4j.getMemoryManager().getCurrentWorkspace();
        if (current == null) {
            return body.get();
        }
        MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
        try {
            return body.get();
        } finally {
            outside.close();
        }
    }

    /** A new tensor over the buffer of {@code x}, seen through {@code view}. */
    private Tensor shared(Tensor x, INDArray view) {
        return new Nd4jTensor(this, view, ((Nd4jTensor) x).share(), x.dtype());
    }

    /**
     * The array of a tensor of this backend.
     *
     * @throws IllegalArgumentException if the tensor belongs to another backend
     * @throws IllegalStateException if it is closed
     */
    private INDArray arr(Tensor t) {
        if (!(t instanceof Nd4jTensor n) || t.backend() != this) {
            throw new IllegalArgumentException("A tensor of backend '" + t.backend().name()
                    + "' was passed to the nd4j backend; convert it with K.convert(tensor)");
        }
        return n.array();
    }

    private static DataType type(DType dtype) {
        return dtype == DType.FLOAT32 ? DataType.FLOAT : DataType.DOUBLE;
    }

    /** An array for a result, from the cache when one of this type and shape is free. */
    private INDArray alloc(DType dtype, int[] shape) {
        return alloc(type(dtype), shape);
    }

    private INDArray alloc(DataType type, int[] shape) {
        return pool().take(type, longs(shape));
    }

    /** An array of the type and shape of {@code like}. */
    private INDArray alloc(INDArray like) {
        return pool().take(like.dataType(), like.shape());
    }

    /** Gives a temporary back to the cache. */
    private void release(INDArray temporary) {
        pool().release(temporary);
    }

    private static INDArray empty(DType dtype, int[] shape) {
        return Nd4j.create(type(dtype), longs(shape));
    }

    private static <T extends DynamicCustomOp> T withOutput(T op, INDArray out) {
        op.addOutputArgument(out);
        return op;
    }

    /** Whether {@code x} holds a NaN: one native counting pass. */
    private static boolean hasNaN(INDArray x) {
        try (INDArray count = Nd4j.getExecutioner().exec(new MatchCondition(x, Conditions.isNan()))) {
            return count.getLong(0) > 0;
        }
    }

    /** 0 where {@code x} is a number (infinities included), NaN where it is NaN. */
    private INDArray nanPoison(INDArray x) {
        INDArray poison = alloc(x);
        Nd4j.getExecutioner().exec(new Sigmoid(x, poison));
        Nd4j.getExecutioner().exec(new ScalarMultiplication(poison, null, poison, 0.0));
        return poison;
    }

    /** Sets {@code out} to NaN wherever {@code source}, which broadcasts to it, is NaN. */
    private void propagateNaN(INDArray out, INDArray source) {
        if (!hasNaN(source)) {
            return;
        }
        INDArray poison = nanPoison(source);
        try {
            Nd4j.exec(new AddOp(out, poison, out));
        } finally {
            release(poison);
        }
    }

    private static long[] longs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }

    private static void checkLength(int length, int[] shape) {
        long size = Shapes.size(shape);
        if (size != length) {
            throw new IllegalArgumentException("Data of length " + length + " does not fit shape "
                    + Arrays.toString(shape) + ", which holds " + size + " elements");
        }
    }
}
