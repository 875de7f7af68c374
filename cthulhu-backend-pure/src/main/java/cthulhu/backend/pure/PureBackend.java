package cthulhu.backend.pure;

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
import java.util.Arrays;
import java.util.List;

/**
 * The pure-Java backend: tensors on contiguous row-major {@code float[]} or {@code double[]},
 * no native code and no dependency beyond core, so it is always available and the default when
 * no other backend is on the classpath.
 *
 * <p>Element-wise operations and reductions run as plain loops the JIT vectorises and, from
 * {@value Parallel#ELEMENT_THRESHOLD} elements up, split over the cores; matrix products use a
 * cache-blocked, packed, register-tiled kernel split over the cores. When the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, matrix products, {@code exp}, {@code tanh},
 * {@code sigmoid}, the broadcasting binaries and the reductions use kernels written on the
 * vector module instead (the system property {@code cthulhu.pure.vector=false} keeps the plain
 * ones); without the module the backend runs unchanged on the plain kernels. Tensors are
 * immutable and every method returns a new tensor.
 */
public final class PureBackend implements Backend {

    /** Creates the backend; it holds no resources. */
    public PureBackend() {
    }

    /** {@code "pure"}. */
    @Override
    public String name() {
        return "pure";
    }

    /** 0: any available native backend is preferred. */
    @Override
    public int priority() {
        return 0;
    }

    /** {@code io.cthulhu:cthulhu-backend-pure}. */
    @Override
    public String artifact() {
        return "io.cthulhu:cthulhu-backend-pure";
    }

    /** Always succeeds after adding two tiny tensors: plain Java runs everywhere. */
    @Override
    public void checkAvailable() {
        Tensor one = full(new int[] {1}, 1, DType.FLOAT32);
        float sum = ((PureTensor) binary(BinaryOp.ADD, one, one)).floats()[0];
        if (sum != 2) {
            throw new IllegalStateException("The pure backend computed 1 + 1 = " + sum);
        }
    }

    // ---- creation and conversion ----------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code data.length} is not the size of {@code shape}
     */
    @Override
    public Tensor fromArray(float[] data, int[] shape, DType dtype) {
        checkLength(data.length, shape);
        if (dtype == DType.FLOAT32) {
            return PureTensor.ofFloats(this, shape, data.clone());
        }
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i];
        }
        return PureTensor.ofDoubles(this, shape, out);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code data.length} is not the size of {@code shape}
     */
    @Override
    public Tensor fromArray(double[] data, int[] shape, DType dtype) {
        checkLength(data.length, shape);
        if (dtype == DType.FLOAT64) {
            return PureTensor.ofDoubles(this, shape, data.clone());
        }
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) data[i];
        }
        return PureTensor.ofFloats(this, shape, out);
    }

    @Override
    public Tensor full(int[] shape, double value, DType dtype) {
        int n = checkedSize(shape);
        if (dtype == DType.FLOAT32) {
            float[] out = new float[n];
            Arrays.fill(out, (float) value);
            return PureTensor.ofFloats(this, shape, out);
        }
        double[] out = new double[n];
        Arrays.fill(out, value);
        return PureTensor.ofDoubles(this, shape, out);
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        PureTensor t = pure(x);
        return t.floats() != null ? fromArray(t.floats(), t.shape(), dtype) : fromArray(t.doubles(), t.shape(), dtype);
    }

    // ---- element-wise ---------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        PureTensor t = pure(x);
        int n = (int) t.size();
        if (t.floats() != null) {
            float[] in = t.floats();
            float[] out = new float[n];
            Parallel.forRange(n, n, (from, to) -> FloatDispatch.unary(op, in, out, from, to));
            return PureTensor.ofFloats(this, t.shape(), out);
        }
        double[] in = t.doubles();
        double[] out = new double[n];
        Parallel.forRange(n, n, (from, to) -> DoubleDispatch.unary(op, in, out, from, to));
        return PureTensor.ofDoubles(this, t.shape(), out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Equal shapes, a single-element operand and an operand that repeats along the leading
     * axes (a bias {@code [m]} added to {@code [n, m]}) take direct loops; any other broadcast
     * walks both operands by strides.
     *
     * @throws IllegalArgumentException if the dtypes differ or the shapes do not broadcast
     */
    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        PureTensor x = pure(a);
        PureTensor y = pure(b);
        checkSameDtype(op.name(), x, y);
        int[] shape = Shapes.broadcast(x.shape(), y.shape());
        int n = checkedSize(shape);
        boolean isFloat = x.floats() != null;
        float[] fo = isFloat ? new float[n] : null;
        double[] dout = isFloat ? null : new double[n];
        int xs = (int) x.size();
        int ys = (int) y.size();
        if (xs == n && ys == n) {
            Parallel.forRange(n, n, (from, to) -> binaryRun(op, x, from, 1, y, from, 1, fo, dout, from, to - from));
        } else if (ys == 1 && xs == n) {
            Parallel.forRange(n, n, (from, to) -> binaryRun(op, x, from, 1, y, 0, 0, fo, dout, from, to - from));
        } else if (xs == 1 && ys == n) {
            Parallel.forRange(n, n, (from, to) -> binaryRun(op, x, 0, 0, y, from, 1, fo, dout, from, to - from));
        } else if (xs == n && ys > 0 && isTrailing(y.shape(), shape)) {
            Parallel.forRange(n / ys, n, (from, to) -> {
                for (int r = from; r < to; r++) {
                    binaryRun(op, x, r * ys, 1, y, 0, 1, fo, dout, r * ys, ys);
                }
            });
        } else if (ys == n && xs > 0 && isTrailing(x.shape(), shape)) {
            Parallel.forRange(n / xs, n, (from, to) -> {
                for (int r = from; r < to; r++) {
                    binaryRun(op, x, 0, 1, y, r * xs, 1, fo, dout, r * xs, xs);
                }
            });
        } else {
            broadcastBinary(op, x, y, shape, fo, dout);
        }
        return isFloat ? PureTensor.ofFloats(this, shape, fo) : PureTensor.ofDoubles(this, shape, dout);
    }

    /** The general strided path of {@link #binary}; package-private so tests can compare it with the fast paths. */
    static void broadcastBinary(BinaryOp op, PureTensor x, PureTensor y, int[] shape, float[] fo, double[] dout) {
        StridedPlan plan = StridedPlan.of(shape, new int[2],
                StridedPlan.broadcastStrides(x.shape(), shape), StridedPlan.broadcastStrides(y.shape(), shape));
        int sx = plan.runStride(0);
        int sy = plan.runStride(1);
        plan.forEachRun((out, ox, oy, unused, len) -> binaryRun(op, x, ox, sx, y, oy, sy, fo, dout, out, len), 1);
    }

    /** {@link FloatDispatch#binaryRun} on the element type of {@code fo} (when not null) or {@code dout}. */
    private static void binaryRun(BinaryOp op, PureTensor x, int ox, int sx, PureTensor y, int oy, int sy, float[] fo,
            double[] dout, int o, int len) {
        if (fo != null) {
            FloatDispatch.binaryRun(op, x.floats(), ox, sx, y.floats(), oy, sy, fo, o, len);
        } else {
            DoubleDispatch.binaryRun(op, x.doubles(), ox, sx, y.doubles(), oy, sy, dout, o, len);
        }
    }

    /** Whether {@code t} holds all {@code n} elements of the broadcast result in order, or a single one. */
    private static boolean isFullOrScalar(PureTensor t, int n) {
        return t.size() == n || t.size() == 1;
    }

    /** Whether {@code small}, without its leading 1s, is the trailing part of {@code shape}. */
    private static boolean isTrailing(int[] small, int[] shape) {
        int lead = 0;
        while (lead < small.length && small[lead] == 1) {
            lead++;
        }
        int len = small.length - lead;
        if (len > shape.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (small[lead + i] != shape[shape.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The result has the dtype of {@code a}; the condition may have either dtype.
     *
     * @throws IllegalArgumentException if {@code a} and {@code b} differ in dtype or the shapes do not broadcast
     */
    @Override
    public Tensor where(Tensor condition, Tensor a, Tensor b) {
        PureTensor c = pure(condition);
        PureTensor x = pure(a);
        PureTensor y = pure(b);
        checkSameDtype("where", x, y);
        int[] shape = Shapes.broadcast(Shapes.broadcast(c.shape(), x.shape()), y.shape());
        int n = checkedSize(shape);
        if (c.dtype() == x.dtype() && isFullOrScalar(c, n) && isFullOrScalar(x, n) && isFullOrScalar(y, n)) {
            boolean cs = c.size() != n;
            boolean xs = x.size() != n;
            boolean ys = y.size() != n;
            if (x.floats() != null) {
                float[] out = new float[n];
                Parallel.forRange(n, n, (from, to) ->
                        FloatDispatch.where(c.floats(), cs, x.floats(), xs, y.floats(), ys, out, from, to));
                return PureTensor.ofFloats(this, shape, out);
            }
            double[] out = new double[n];
            Parallel.forRange(n, n, (from, to) ->
                    DoubleDispatch.where(c.doubles(), cs, x.doubles(), xs, y.doubles(), ys, out, from, to));
            return PureTensor.ofDoubles(this, shape, out);
        }
        StridedPlan plan = StridedPlan.of(shape, new int[3], StridedPlan.broadcastStrides(c.shape(), shape),
                StridedPlan.broadcastStrides(x.shape(), shape), StridedPlan.broadcastStrides(y.shape(), shape));
        int sc = plan.runStride(0);
        int sx = plan.runStride(1);
        int sy = plan.runStride(2);
        float[] cf = c.floats();
        double[] cd = c.doubles();
        if (x.floats() != null) {
            float[] xf = x.floats();
            float[] yf = y.floats();
            float[] out = new float[n];
            plan.forEachRun((o, oc, ox, oy, len) -> {
                for (int i = 0; i < len; i++) {
                    boolean pick = cf != null ? cf[oc + i * sc] != 0 : cd[oc + i * sc] != 0;
                    out[o + i] = pick ? xf[ox + i * sx] : yf[oy + i * sy];
                }
            }, 1);
            return PureTensor.ofFloats(this, shape, out);
        }
        double[] xd = x.doubles();
        double[] yd = y.doubles();
        double[] out = new double[n];
        plan.forEachRun((o, oc, ox, oy, len) -> {
            for (int i = 0; i < len; i++) {
                boolean pick = cf != null ? cf[oc + i * sc] != 0 : cd[oc + i * sc] != 0;
                out[o + i] = pick ? xd[ox + i * sx] : yd[oy + i * sy];
            }
        }, 1);
        return PureTensor.ofDoubles(this, shape, out);
    }

    // ---- reductions -----------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>SUM over an empty axis is 0; MAX and MIN over an empty axis are {@code -inf} and
     * {@code +inf}, the identities of those operations. MAX and MIN propagate NaN.
     *
     * @throws IllegalArgumentException if {@code axis} is out of range
     */
    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims) {
        PureTensor t = pure(x);
        int[] in = t.shape();
        int ax = Shapes.axis(axis, in.length);
        int[] shape = Shapes.reduced(in, ax, keepdims);
        int outer = product(in, 0, ax);
        int len = in[ax];
        int inner = product(in, ax + 1, in.length);
        if (t.floats() != null) {
            float[] out = new float[outer * inner];
            Reductions.reduce(op, t.floats(), null, outer, len, inner, out, null);
            return PureTensor.ofFloats(this, shape, out);
        }
        double[] out = new double[outer * inner];
        Reductions.reduce(op, null, t.doubles(), outer, len, inner, null, out);
        return PureTensor.ofDoubles(this, shape, out);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code axis} is out of range or has size 0
     */
    @Override
    public Tensor argmax(Tensor x, int axis) {
        PureTensor t = pure(x);
        int[] in = t.shape();
        int ax = Shapes.axis(axis, in.length);
        if (in[ax] == 0) {
            throw new IllegalArgumentException("argmax along axis " + axis + " of shape " + Arrays.toString(in)
                    + " is undefined: the axis is empty");
        }
        int[] shape = Shapes.reduced(in, ax, false);
        int outer = product(in, 0, ax);
        int len = in[ax];
        int inner = product(in, ax + 1, in.length);
        long work = (long) outer * len * inner;
        if (t.floats() != null) {
            float[] out = new float[outer * inner];
            Parallel.forRange(outer, work, (from, to) -> FloatKernels.argmax(t.floats(), len, inner, from, to, out));
            return PureTensor.ofFloats(this, shape, out);
        }
        double[] out = new double[outer * inner];
        Parallel.forRange(outer, work, (from, to) -> DoubleKernels.argmax(t.doubles(), len, inner, from, to, out));
        return PureTensor.ofDoubles(this, shape, out);
    }

    // ---- matrix product -------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if either tensor is not rank 2, the inner dimensions
     *         differ, or the dtypes differ
     */
    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        PureTensor x = pure(a);
        PureTensor y = pure(b);
        int[] shape = productShape(x, y, transposeA, transposeB);
        return wrap(shape, product(x, y, shape, transposeA, transposeB));
    }

    /** The shape {@code [m, n]} of {@code op(x) · op(y)}, after checking ranks, inner dimensions and dtypes. */
    private static int[] productShape(PureTensor x, PureTensor y, boolean transposeA, boolean transposeB) {
        checkSameDtype("matmul", x, y);
        if (x.rank() != 2 || y.rank() != 2) {
            throw new IllegalArgumentException("matmul needs two rank-2 tensors, got shapes "
                    + Arrays.toString(x.shape()) + " and " + Arrays.toString(y.shape())
                    + "; reshape to 2-D first");
        }
        int m = transposeA ? x.dim(1) : x.dim(0);
        int k = transposeA ? x.dim(0) : x.dim(1);
        int kb = transposeB ? y.dim(1) : y.dim(0);
        int n = transposeB ? y.dim(0) : y.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul inner dimensions differ: op(a) is " + m + " × " + k
                    + " (shape " + Arrays.toString(x.shape()) + ", transposeA=" + transposeA + "), op(b) is "
                    + kb + " × " + n + " (shape " + Arrays.toString(y.shape()) + ", transposeB=" + transposeB + ")");
        }
        int[] shape = {m, n};
        checkedSize(shape);
        return shape;
    }

    /** The storage of {@code op(x) · op(y)}, a fresh {@code float[]} or {@code double[]}. */
    private static Object product(PureTensor x, PureTensor y, int[] shape, boolean transposeA, boolean transposeB) {
        int k = transposeA ? x.dim(0) : x.dim(1);
        if (x.floats() != null) {
            return Matmul.multiply(x.floats(), y.floats(), shape[0], shape[1], k, transposeA, transposeB);
        }
        return Matmul.multiply(x.doubles(), y.doubles(), shape[0], shape[1], k, transposeA, transposeB);
    }

    // ---- composites ---------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Along the last axis each row is reduced, shifted, exponentiated and normalised while it
     * is in cache ({@link FloatDispatch#softmaxRow}: on the vector path the exponentials are written and
     * summed in one pass and normalised by a multiply; results agree with
     * {@link Composites#softmax} to a few ulps); other axes use that default.
     */
    @Override
    public Tensor softmax(Tensor x, int axis) {
        PureTensor t = pure(x);
        int[] shape = t.shape();
        if (shape.length == 0 || Shapes.axis(axis, shape.length) != shape.length - 1) {
            return Composites.softmax(this, x, axis);
        }
        int n = (int) t.size();
        int len = shape[shape.length - 1];
        int rows = len == 0 ? 0 : n / len;
        if (t.floats() != null) {
            float[] in = t.floats();
            float[] out = new float[n];
            Parallel.forRange(rows, n, (from, to) -> {
                for (int r = from; r < to; r++) {
                    FloatDispatch.softmaxRow(in, out, r * len, len);
                }
            });
            return PureTensor.ofFloats(this, shape, out);
        }
        double[] in = t.doubles();
        double[] out = new double[n];
        Parallel.forRange(rows, n, (from, to) -> {
            double[] scalar = new double[1];
            for (int r = from; r < to; r++) {
                int off = r * len;
                DoubleDispatch.reduce(ReduceOp.MAX, in, off, 1, len, 1, scalar, 0);
                DoubleDispatch.binary(BinaryOp.SUBTRACT, in, off, scalar[0], out, off, len);
                DoubleDispatch.unary(UnaryOp.EXP, out, out, off, off + len);
                DoubleDispatch.reduce(ReduceOp.SUM, out, off, 1, len, 1, scalar, 0);
                DoubleDispatch.binary(BinaryOp.DIVIDE, out, off, scalar[0], out, off, len);
            }
        });
        return PureTensor.ofDoubles(this, shape, out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The plain rectifier ({@code alpha = 0}, no {@code maxValue}, {@code threshold = 0})
     * runs as one pass, {@code x > 0 ? x : 0}, which gives 0 for NaN exactly as
     * {@link Composites#relu} does; any other setting uses that default.
     */
    @Override
    public Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        if (alpha != 0 || maxValue != null || threshold != 0) {
            return Composites.relu(this, x, alpha, maxValue, threshold);
        }
        PureTensor t = pure(x);
        int n = (int) t.size();
        if (t.floats() != null) {
            float[] in = t.floats();
            float[] out = new float[n];
            Parallel.forRange(n, n, (from, to) -> FloatDispatch.relu(in, out, from, to));
            return PureTensor.ofFloats(this, t.shape(), out);
        }
        double[] in = t.doubles();
        double[] out = new double[n];
        Parallel.forRange(n, n, (from, to) -> DoubleDispatch.relu(in, out, from, to));
        return PureTensor.ofDoubles(this, t.shape(), out);
    }

    /**
     * {@inheritDoc}
     *
     * <p>With a rank-1 bias of {@code units} elements, the bias is added into the fresh product
     * before it becomes a tensor, saving the intermediate; otherwise {@link Composites#dense}.
     */
    @Override
    public Tensor dense(Tensor x, Tensor kernel, Tensor bias) {
        PureTensor in = pure(x);
        PureTensor w = pure(kernel);
        if (bias == null || bias.rank() != 1 || in.rank() != 2 || w.rank() != 2 || bias.dim(0) != w.dim(1)) {
            return Composites.dense(this, x, kernel, bias);
        }
        PureTensor b = pure(bias);
        checkSameDtype("dense", w, b);
        int[] shape = productShape(in, w, false, false);
        Object product = product(in, w, shape, false, false);
        int rows = shape[0];
        int units = shape[1];
        long work = (long) rows * units;
        if (product instanceof float[]) {
            float[] c = (float[]) product;
            float[] bf = b.floats();
            Parallel.forRange(rows, work, (from, to) -> {
                for (int r = from; r < to; r++) {
                    FloatDispatch.binary(BinaryOp.ADD, c, r * units, bf, 0, c, r * units, units);
                }
            });
        } else {
            double[] c = (double[]) product;
            double[] bd = b.doubles();
            Parallel.forRange(rows, work, (from, to) -> {
                for (int r = from; r < to; r++) {
                    DoubleDispatch.binary(BinaryOp.ADD, c, r * units, bd, 0, c, r * units, units);
                }
            });
        }
        return wrap(shape, product);
    }

    /**
     * {@inheritDoc} The pass runs on the tensors' arrays and writes new arrays: one read and one
     * write of each element.
     */
    @Override
    public Tensor[] mapElements(ElementKernel kernel, List<Tensor> inputs, int outputs) {
        PureTensor[] in = inputs.stream().map(this::pure).toArray(PureTensor[]::new);
        int n = (int) in[0].size();
        int[] shape = in[0].shape();
        Tensor[] results = new Tensor[outputs];
        if (in[0].floats() != null) {
            float[][] out = new float[outputs][n];
            ElementwisePass.run(kernel, ElementwisePass.wrap(Arrays.stream(in).map(PureTensor::floats).toArray(float[][]::new)),
                    ElementwisePass.wrap(out), n);
            for (int k = 0; k < outputs; k++) {
                results[k] = PureTensor.ofFloats(this, shape, out[k]);
            }
        } else {
            double[][] out = new double[outputs][n];
            ElementwisePass.run(kernel, ElementwisePass.wrap(Arrays.stream(in).map(PureTensor::doubles).toArray(double[][]::new)),
                    ElementwisePass.wrap(out), n);
            for (int k = 0; k < outputs; k++) {
                results[k] = PureTensor.ofDoubles(this, shape, out[k]);
            }
        }
        return results;
    }

    /**
     * {@inheritDoc} Float32 as a few vector passes over the step's arrays ({@link FloatLstmCell}),
     * float64 as one scalar pass ({@link LstmCellPass}).
     */
    @Override
    public Tensor[] lstmCell(Tensor z, Tensor c, CellActivation gate, CellActivation activation) {
        PureTensor zt = pure(z);
        PureTensor ct = pure(c);
        int batch = ct.dim(0);
        int units = ct.dim(1);
        if (zt.floats() != null) {
            FloatLstmCell cell = new FloatLstmCell(zt.floats(), ct.floats(), batch, units, gate, activation);
            return new Tensor[] {PureTensor.ofFloats(this, ct.shape(), cell.h()),
                PureTensor.ofFloats(this, ct.shape(), cell.cNext())};
        }
        double[] h = new double[batch * units];
        double[] next = new double[batch * units];
        LstmCellPass.forward(zt.doubles(), ct.doubles(), h, next, batch, units, gate, activation);
        return new Tensor[] {PureTensor.ofDoubles(this, ct.shape(), h), PureTensor.ofDoubles(this, ct.shape(), next)};
    }

    /** {@inheritDoc} As {@link #lstmCell}: {@link FloatLstmCell} for float32, {@link LstmCellPass} for float64. */
    @Override
    public Tensor[] lstmCellGradient(Tensor z, Tensor c, Tensor gh, Tensor gc, CellActivation gate, CellActivation activation) {
        PureTensor zt = pure(z);
        PureTensor ct = pure(c);
        int batch = ct.dim(0);
        int units = ct.dim(1);
        if (zt.floats() != null) {
            float[] gz = new float[batch * 4 * units];
            float[] gcPrev = new float[batch * units];
            new FloatLstmCell(zt.floats(), ct.floats(), batch, units, gate, activation)
                    .backward(pure(gh).floats(), pure(gc).floats(), gz, gcPrev);
            return new Tensor[] {PureTensor.ofFloats(this, zt.shape(), gz), PureTensor.ofFloats(this, ct.shape(), gcPrev)};
        }
        double[] gz = new double[batch * 4 * units];
        double[] gcPrev = new double[batch * units];
        LstmCellPass.backward(zt.doubles(), ct.doubles(), pure(gh).doubles(), pure(gc).doubles(), gz, gcPrev, batch, units,
                gate, activation);
        return new Tensor[] {PureTensor.ofDoubles(this, zt.shape(), gz), PureTensor.ofDoubles(this, ct.shape(), gcPrev)};
    }

    // ---- shape operations -----------------------------------------------------------------

    /**
     * {@inheritDoc} The result shares the immutable storage of {@code x}.
     *
     * @throws IllegalArgumentException if the sizes differ
     */
    @Override
    public Tensor reshape(Tensor x, int[] shape) {
        PureTensor t = pure(x);
        if (Shapes.size(shape) != t.size()) {
            throw new IllegalArgumentException("Cannot reshape " + Arrays.toString(t.shape()) + " (" + t.size()
                    + " elements) to " + Arrays.toString(shape) + " (" + Shapes.size(shape) + " elements)");
        }
        return t.withShape(shape);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code perm} is not a permutation of the axes
     */
    @Override
    public Tensor transpose(Tensor x, int[] perm) {
        PureTensor t = pure(x);
        int[] in = t.shape();
        int[] p = Shapes.permutation(perm, in.length);
        long[] inStrides = Shapes.strides(in);
        int[] shape = new int[in.length];
        int[] strides = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            shape[i] = in[p[i]];
            strides[i] = (int) inStrides[p[i]];
        }
        return gather(t, shape, 0, strides);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code x} does not broadcast to {@code shape}
     */
    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        PureTensor t = pure(x);
        int[] in = t.shape();
        if (in.length > shape.length || !Arrays.equals(Shapes.broadcast(in, shape), shape)) {
            throw new IllegalArgumentException("Cannot broadcast shape " + Arrays.toString(in) + " to "
                    + Arrays.toString(shape) + "; aligned from the last axis each dimension must equal the target or be 1");
        }
        return gather(t, shape, 0, StridedPlan.broadcastStrides(in, shape));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code axis} is out of range or not {@code 0 <= start <= end <= dim}
     */
    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        PureTensor t = pure(x);
        int[] in = t.shape();
        int ax = Shapes.axis(axis, in.length);
        if (start < 0 || start > end || end > in[ax]) {
            throw new IllegalArgumentException("Slice [" + start + ", " + end + ") along axis " + axis
                    + " is out of range for shape " + Arrays.toString(in) + "; need 0 <= start <= end <= " + in[ax]);
        }
        long[] inStrides = Shapes.strides(in);
        int[] shape = in.clone();
        shape[ax] = end - start;
        int[] strides = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            strides[i] = (int) inStrides[i];
        }
        return gather(t, shape, (int) (start * inStrides[ax]), strides);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the list is empty, or the tensors differ in rank,
     *         dtype or any dimension but {@code axis}
     */
    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        PureTensor first = pure(xs.get(0));
        int[] shape = first.shape();
        int ax = Shapes.axis(axis, shape.length);
        PureTensor[] parts = new PureTensor[xs.size()];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            PureTensor t = pure(xs.get(i));
            checkSameDtype("concat", first, t);
            int[] s = t.shape();
            boolean same = s.length == shape.length;
            for (int d = 0; d < shape.length && same; d++) {
                same = d == ax || s[d] == shape[d];
            }
            if (!same) {
                throw new IllegalArgumentException("concat along axis " + axis + " needs equal shapes but for that axis; got "
                        + Arrays.toString(shape) + " and " + Arrays.toString(s));
            }
            parts[i] = t;
            total += s[ax];
        }
        shape[ax] = total;
        int n = checkedSize(shape);
        int outer = product(shape, 0, ax);
        int inner = product(shape, ax + 1, shape.length);
        Object out = first.floats() != null ? new float[n] : new double[n];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (PureTensor t : parts) {
                int chunk = t.dim(ax) * inner;
                System.arraycopy(storage(t), o * chunk, out, pos, chunk);
                pos += chunk;
            }
        }
        return wrap(shape, out);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code x} is a scalar or an index is outside {@code [0, dim(0))}
     */
    @Override
    public Tensor take(Tensor x, int[] indices) {
        PureTensor t = pure(x);
        int[] in = t.shape();
        if (in.length == 0) {
            throw new IllegalArgumentException("take needs a tensor of rank >= 1, got a scalar");
        }
        int rows = in[0];
        int inner = product(in, 1, in.length);
        int[] shape = in.clone();
        shape[0] = indices.length;
        int n = checkedSize(shape);
        Object src = storage(t);
        Object out = t.floats() != null ? new float[n] : new double[n];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("take index " + r + " at position " + i
                        + " is out of range for axis 0 of shape " + Arrays.toString(in) + "; valid indices are 0 to " + (rows - 1));
            }
            System.arraycopy(src, r * inner, out, i * inner, inner);
        }
        return wrap(shape, out);
    }

    // ---- windowed operations ------------------------------------------------------------

    /** {@inheritDoc} An implicit GEMM on the packed matrix kernel ({@link WindowKernels#conv}). */
    @Override
    public Tensor conv(Tensor x, Tensor kernel, Window w) {
        PureTensor xt = pure(x);
        PureTensor k = pure(kernel);
        checkSameDtype("conv", xt, k);
        checkKernel(xt.shape(), k, w);
        int cout = k.dim(k.rank() - 1);
        Object y = WindowKernels.conv(storage(xt), xt.shape(), storage(k), cout, w);
        return wrap(new Patches(xt.shape(), w).outShape(xt.dim(0), cout), y);
    }

    /** {@inheritDoc} The columns of {@code g · kernelᵀ} added back in place ({@link WindowKernels#convTranspose}). */
    @Override
    public Tensor convTranspose(Tensor g, Tensor kernel, Window w, int[] spatial) {
        PureTensor gt = pure(g);
        PureTensor k = pure(kernel);
        checkSameDtype("convTranspose", gt, k);
        int[] xShape = new int[spatial.length + 2];
        xShape[0] = gt.dim(0);
        System.arraycopy(spatial, 0, xShape, 1, spatial.length);
        xShape[spatial.length + 1] = k.dim(k.rank() - 2);
        checkKernel(xShape, k, w);
        return wrap(xShape, WindowKernels.convTranspose(storage(gt), gt.shape(), storage(k), xShape, w));
    }

    /** {@inheritDoc} The gathered columns, transposed, times {@code g} ({@link WindowKernels#convKernelGradient}). */
    @Override
    public Tensor convKernelGradient(Tensor x, Tensor g, Window w) {
        PureTensor xt = pure(x);
        PureTensor gt = pure(g);
        checkSameDtype("convKernelGradient", xt, gt);
        int cout = gt.dim(gt.rank() - 1);
        int[] shape = Arrays.copyOf(w.size(), w.rank() + 2);
        shape[w.rank()] = xt.dim(xt.rank() - 1);
        shape[w.rank() + 1] = cout;
        return wrap(shape, WindowKernels.convKernelGradient(storage(xt), xt.shape(), storage(gt), cout, w));
    }

    /** {@inheritDoc} A loop over each window's taps ({@link WindowKernels#pool}). */
    @Override
    public Tensor pool(PoolOp op, Tensor x, Window w) {
        PureTensor xt = pure(x);
        Patches p = new Patches(xt.shape(), w);
        return wrap(p.outShape(xt.dim(0), p.channels), WindowKernels.pool(op, storage(xt), xt.shape(), w));
    }

    /** {@inheritDoc} A loop over each window's taps ({@link WindowKernels#poolGradient}). */
    @Override
    public Tensor poolGradient(PoolOp op, Tensor x, Tensor y, Tensor g, Window w) {
        PureTensor xt = pure(x);
        return wrap(xt.shape(), WindowKernels.poolGradient(op, storage(xt), xt.shape(), storage(pure(y)), storage(pure(g)), w));
    }

    /** Checks that {@code kernel} is {@code (w.size…, cin, cout)} for an input of shape {@code xShape}. */
    private static void checkKernel(int[] xShape, PureTensor kernel, Window w) {
        int r = w.rank();
        int[] ks = kernel.shape();
        if (ks.length != r + 2 || !Arrays.equals(Arrays.copyOf(ks, r), w.size()) || xShape.length != r + 2
                || ks[r] != xShape[r + 1]) {
            throw new IllegalArgumentException("A convolution of input " + Arrays.toString(xShape) + " by " + w
                    + " needs a kernel of shape (size…, in, out) with in the input's channels, got " + Arrays.toString(ks));
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    /** Copies the elements {@code x[offset + Σ index[d] · strides[d]]} into a new tensor of {@code shape}. */
    private PureTensor gather(PureTensor x, int[] shape, int offset, int[] strides) {
        int n = checkedSize(shape);
        StridedPlan plan = StridedPlan.of(shape, new int[] {offset}, strides);
        int stride = plan.runStride(0);
        Object src = storage(x);
        Object out = x.floats() != null ? new float[n] : new double[n];
        plan.forEachRun((o, off, unused1, unused2, len) -> {
            if (stride == 1) {
                System.arraycopy(src, off, out, o, len);
            } else if (src instanceof float[] f) {
                float[] fo = (float[]) out;
                for (int i = 0; i < len; i++) {
                    fo[o + i] = f[off + i * stride];
                }
            } else {
                double[] d = (double[]) src;
                double[] dout = (double[]) out;
                for (int i = 0; i < len; i++) {
                    dout[o + i] = d[off + i * stride];
                }
            }
        }, 1);
        return wrap(shape, out);
    }

    private PureTensor wrap(int[] shape, Object storage) {
        return storage instanceof float[] ? PureTensor.ofFloats(this, shape, (float[]) storage)
                : PureTensor.ofDoubles(this, shape, (double[]) storage);
    }

    private static Object storage(PureTensor t) {
        return t.floats() != null ? t.floats() : t.doubles();
    }

    private PureTensor pure(Tensor t) {
        if (t instanceof PureTensor && t.backend() == this) {
            return (PureTensor) t;
        }
        throw new IllegalArgumentException("The tensor " + Arrays.toString(t.shape()) + " belongs to backend '"
                + t.backend().name() + "', not to this pure backend; convert it with fromArray(t.toFloatArray(), ...)");
    }

    private static void checkSameDtype(String op, PureTensor a, PureTensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + " needs operands of one dtype, got " + a.dtype() + " and "
                    + b.dtype() + "; cast one of them first");
        }
    }

    private static void checkLength(int length, int[] shape) {
        long size = Shapes.size(shape);
        if (length != size) {
            throw new IllegalArgumentException("Data of length " + length + " does not fill shape "
                    + Arrays.toString(shape) + ", which holds " + size + " elements");
        }
    }

    private static int checkedSize(int[] shape) {
        long size = Shapes.size(shape);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " has " + size
                    + " elements, more than a Java array holds (" + (Integer.MAX_VALUE - 8) + ")");
        }
        return (int) size;
    }

    private static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
