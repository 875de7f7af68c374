package cthulhu.autodiff;

import cthulhu.backend.Backend;
import cthulhu.backend.BinaryOp;
import cthulhu.backend.CellActivation;
import cthulhu.backend.K;
import cthulhu.backend.PoolOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.UnaryOp;
import cthulhu.backend.Window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The differentiable operations behind {@link K}, which reaches them through {@link RecordingOps}: each runs its forward computation on the
 * active backend, registers the result with the open {@link TensorScope}, and, while a
 * {@link GradientTape} records, records its one gradient rule. The rules are written against
 * {@link K}, so they hold on every backend; backends never implement gradients.
 *
 * <p>User code calls {@link K}; this class is public for layers and backends' tests.
 */
public final class Ops {

    /** {@code 2/√π}, the derivative of erf at 0. */
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955125738961589031215;

    private Ops() {
    }

    /**
     * The active backend, after checking that every tensor is open and belongs to it.
     *
     * @throws IllegalStateException for a closed tensor, by {@link Tensor#requireOpen()}
     * @throws IllegalArgumentException naming both backends when a tensor belongs to another
     */
    static Backend backendFor(Tensor... xs) {
        Backend b = K.currentBackend();
        for (Tensor x : xs) {
            if (x != null) {
                x.requireOpen();
            }
            if (x != null && x.backend() != b) {
                throw new IllegalArgumentException("A tensor of backend '" + x.backend().name()
                        + "' was passed to an operation on backend '" + b.name()
                        + "'. Tensors do not move between backends implicitly: convert it with K.convert(tensor).");
            }
        }
        return b;
    }

    private static void sameDtype(Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("Cannot combine a " + a.dtype() + " tensor " + Arrays.toString(a.shape())
                    + " with a " + b.dtype() + " tensor " + Arrays.toString(b.shape()) + "; cast one with K.cast");
        }
    }

    private static Tensor out(Tensor t) {
        return TensorScope.track(t);
    }

    // ---- element-wise ---------------------------------------------------------------------

    /** Applies an element-wise map; see {@link UnaryOp}. */
    public static Tensor unary(UnaryOp op, Tensor x) {
        Backend b = backendFor(x);
        Tensor y = out(b.unary(op, x));
        if (GradientTape.recording() && op != UnaryOp.SIGN) {
            GradientTape.record(y, (g, need) -> new Tensor[] {unaryGradient(op, x, y, g)}, x);
        }
        return y;
    }

    private static Tensor unaryGradient(UnaryOp op, Tensor x, Tensor y, Tensor g) {
        return switch (op) {
            case NEGATE -> K.negate(g);
            case ABS -> K.multiply(g, K.sign(x));
            case EXP -> K.multiply(g, y);
            case EXPM1 -> K.multiply(g, K.add(y, 1));
            case LOG -> K.divide(g, x);
            case LOG1P -> K.divide(g, K.add(x, 1));
            case SQRT -> K.divide(K.multiply(g, 0.5), y);
            case SQUARE -> K.multiply(g, K.multiply(x, 2));
            case SIGN -> K.zerosLike(x);
            case TANH -> K.multiply(g, K.subtract(K.onesLike(y), K.square(y)));
            case SIGMOID -> K.multiply(g, K.multiply(y, K.subtract(K.onesLike(y), y)));
            case RECIPROCAL -> K.negate(K.multiply(g, K.square(y)));
            case ERF -> K.multiply(g, K.multiply(K.exp(K.negate(K.square(x))), TWO_OVER_SQRT_PI));
        };
    }

    /**
     * Applies a binary operation with broadcasting; see {@link BinaryOp}.
     *
     * @throws IllegalArgumentException naming both shapes when they do not broadcast, or the
     *     dtypes when they differ
     */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor c) {
        Backend b = backendFor(a, c);
        sameDtype(a, c);
        // Checked here, not left to the backend, so that every backend fails alike and with the fix.
        Shapes.broadcast(a.shape(), c.shape());
        Tensor y = out(b.binary(op, a, c));
        if (GradientTape.recording() && differentiable(op)) {
            GradientTape.record(y, (g, need) -> binaryGradient(op, a, c, y, g, need), a, c);
        }
        return y;
    }

    private static boolean differentiable(BinaryOp op) {
        return op != BinaryOp.GREATER && op != BinaryOp.GREATER_EQUAL && op != BinaryOp.EQUAL;
    }

    private static Tensor[] binaryGradient(BinaryOp op, Tensor a, Tensor c, Tensor y, Tensor g, boolean[] need) {
        Tensor ga = null;
        Tensor gc = null;
        switch (op) {
            case ADD -> {
                ga = g;
                gc = g;
            }
            case SUBTRACT -> {
                ga = g;
                gc = need[1] ? K.negate(g) : null;
            }
            case MULTIPLY -> {
                ga = need[0] ? K.multiply(g, c) : null;
                gc = need[1] ? K.multiply(g, a) : null;
            }
            case DIVIDE -> {
                ga = need[0] ? K.divide(g, c) : null;
                gc = need[1] ? K.negate(K.divide(K.multiply(g, y), c)) : null;
            }
            case POW -> {
                ga = need[0] ? K.multiply(g, K.multiply(c, K.pow(a, K.subtract(c, 1)))) : null;
                if (need[1]) {
                    // ∂(a^c)/∂c = a^c · ln a; where a <= 0 the term is taken as 0 (ln 1), as TensorFlow
                    // does: 0^c is constant in c > 0, and 0 · ln 0 would otherwise poison it with NaN.
                    Tensor positive = K.greater(a, 0);
                    Tensor safe = K.where(positive, a, K.onesLike(a));
                    gc = K.multiply(g, K.multiply(y, K.log(safe)));
                }
            }
            case MAXIMUM -> {
                // Ties send the gradient to the first operand, as TensorFlow does.
                Tensor first = K.greaterEqual(a, c);
                ga = need[0] ? K.multiply(g, first) : null;
                gc = need[1] ? K.multiply(g, K.subtract(K.onesLike(first), first)) : null;
            }
            case MINIMUM -> {
                Tensor second = K.greater(a, c);
                ga = need[0] ? K.multiply(g, K.subtract(K.onesLike(second), second)) : null;
                gc = need[1] ? K.multiply(g, second) : null;
            }
            default -> throw new IllegalStateException(op + " has no gradient");
        }
        return new Tensor[] {
            ga == null || !need[0] ? null : sumTo(ga, a.shape()),
            gc == null || !need[1] ? null : sumTo(gc, c.shape())};
    }

    /** Applies a binary operation with a scalar right operand. */
    public static Tensor binary(BinaryOp op, Tensor a, double c) {
        Backend b = backendFor(a);
        Tensor y = out(b.binary(op, a, c));
        if (GradientTape.recording() && differentiable(op)) {
            GradientTape.record(y, (g, need) -> new Tensor[] {switch (op) {
                case ADD, SUBTRACT -> g;
                case MULTIPLY -> K.multiply(g, c);
                case DIVIDE -> K.divide(g, c);
                case POW -> K.multiply(g, K.multiply(K.pow(a, c - 1), c));
                case MAXIMUM -> K.multiply(g, K.greaterEqual(a, c));
                case MINIMUM -> K.multiply(g, K.subtract(K.onesLike(a), K.greater(a, c)));
                default -> throw new IllegalStateException(op + " has no gradient");
            }}, a);
        }
        return y;
    }

    /**
     * {@code condition ? a : b} element-wise, all three broadcast; no gradient flows to the condition.
     *
     * @throws IllegalArgumentException naming the shapes when they do not broadcast
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor c) {
        Backend b = backendFor(condition, a, c);
        sameDtype(a, c);
        Shapes.broadcast(Shapes.broadcast(condition.shape(), a.shape()), c.shape());
        Tensor y = out(b.where(condition, a, c));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> {
                Tensor zero = K.zerosLike(g);
                return new Tensor[] {null,
                    need[1] ? sumTo(K.where(condition, g, zero), a.shape()) : null,
                    need[2] ? sumTo(K.where(condition, zero, g), c.shape()) : null};
            }, condition, a, c);
        }
        return y;
    }

    // ---- reductions -------------------------------------------------------------------------

    /** Reduces along one axis (negative counts from the end). */
    public static Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims) {
        Backend b = backendFor(x);
        int a = Shapes.axis(axis, x.rank());
        Tensor y = out(b.reduce(op, x, a, keepdims));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> {
                int[] kept = Shapes.reduced(x.shape(), a, true);
                Tensor gk = K.reshape(g, kept);
                if (op == ReduceOp.SUM) {
                    return new Tensor[] {K.broadcastTo(gk, x.shape())};
                }
                // The gradient of max/min is shared equally among the elements that attain it.
                Tensor mask = K.equal(x, K.reshape(y, kept));
                Tensor share = K.divide(mask, K.sum(mask, a, true));
                return new Tensor[] {K.multiply(share, gk)};
            }, x);
        }
        return y;
    }

    /** Index of the largest element along an axis; not differentiable. */
    public static Tensor argmax(Tensor x, int axis) {
        return out(backendFor(x).argmax(x, Shapes.axis(axis, x.rank())));
    }

    // ---- linear algebra and shapes ------------------------------------------------------------

    /**
     * {@code op(a) · op(b)} for rank-2 tensors, each optionally transposed.
     *
     * @throws IllegalArgumentException naming both shapes when they do not chain
     */
    public static Tensor matmul(Tensor a, Tensor c, boolean transposeA, boolean transposeC) {
        Backend b = backendFor(a, c);
        sameDtype(a, c);
        if (a.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("matmul takes rank-2 tensors, got " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(c.shape()) + "; use K.dot for other ranks");
        }
        int k1 = transposeA ? a.dim(0) : a.dim(1);
        int k2 = transposeC ? c.dim(1) : c.dim(0);
        if (k1 != k2) {
            throw new IllegalArgumentException("Cannot multiply " + Arrays.toString(a.shape()) + (transposeA ? "ᵀ" : "")
                    + " by " + Arrays.toString(c.shape()) + (transposeC ? "ᵀ" : "") + ": inner dimensions " + k1
                    + " and " + k2 + " differ");
        }
        Tensor y = out(b.matmul(a, c, transposeA, transposeC));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {
                !need[0] ? null : transposeA ? matmul(c, g, transposeC, true) : matmul(g, c, false, !transposeC),
                !need[1] ? null : transposeC ? matmul(g, a, true, transposeA) : matmul(a, g, !transposeA, false)
            }, a, c);
        }
        return y;
    }

    /** The same elements with a new shape; one dimension may be {@code -1}. */
    public static Tensor reshape(Tensor x, int... shape) {
        Backend b = backendFor(x);
        int[] target = Shapes.reshape(x.shape(), shape);
        Tensor y = out(b.reshape(x, target));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {reshape(g, x.shape())}, x);
        }
        return y;
    }

    /** Permutes the axes: axis {@code i} of the result is axis {@code perm[i]} of {@code x}. */
    public static Tensor transpose(Tensor x, int... perm) {
        Backend b = backendFor(x);
        int[] p = Shapes.permutation(perm, x.rank());
        Tensor y = out(b.transpose(x, p));
        if (GradientTape.recording()) {
            int[] inverse = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                inverse[p[i]] = i;
            }
            GradientTape.record(y, (g, need) -> new Tensor[] {transpose(g, inverse)}, x);
        }
        return y;
    }

    /** Repeats {@code x} to a shape it broadcasts to. */
    public static Tensor broadcastTo(Tensor x, int... shape) {
        Backend b = backendFor(x);
        int[] target = Shapes.broadcast(x.shape(), shape);
        if (!Arrays.equals(target, shape)) {
            throw new IllegalArgumentException("Cannot broadcast " + Arrays.toString(x.shape()) + " to "
                    + Arrays.toString(shape));
        }
        Tensor y = out(b.broadcastTo(x, shape));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {sumTo(g, x.shape())}, x);
        }
        return y;
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        Backend b = backendFor(x);
        int a = Shapes.axis(axis, x.rank());
        if (start < 0 || end > x.dim(a) || start > end) {
            throw new IllegalArgumentException("Slice [" + start + ", " + end + ") is out of range for axis " + axis
                    + " of size " + x.dim(a) + " in shape " + Arrays.toString(x.shape()));
        }
        Tensor y = out(b.slice(x, a, start, end));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> {
                int[] before = x.shape();
                before[a] = start;
                int[] after = x.shape();
                after[a] = x.dim(a) - end;
                return new Tensor[] {concat(List.of(K.zeros(g.dtype(), before), g, K.zeros(g.dtype(), after)), a)};
            }, x);
        }
        return y;
    }

    /**
     * {@code x} cut along {@code axis} into {@code parts} pieces of equal size, in order: the
     * slices {@code [i·n, (i+1)·n)} for {@code n = dim(axis) / parts}. One operation with
     * {@code parts} outputs, whose gradient is the concatenation of the pieces' gradients (zeros
     * for a piece nothing depends on), so that cutting a sequence into its steps costs its size
     * once, forwards and backwards.
     *
     * @throws IllegalArgumentException naming the shape when {@code parts} does not divide the axis
     */
    public static List<Tensor> split(Tensor x, int axis, int parts) {
        Backend b = backendFor(x);
        int a = Shapes.axis(axis, x.rank());
        if (parts < 1 || x.dim(a) % parts != 0) {
            throw new IllegalArgumentException("Cannot split axis " + axis + " of size " + x.dim(a) + " (shape "
                    + Arrays.toString(x.shape()) + ") into " + parts + " equal parts; give a number of parts that divides it");
        }
        int size = x.dim(a) / parts;
        Tensor[] pieces = new Tensor[parts];
        for (int i = 0; i < parts; i++) {
            pieces[i] = out(b.slice(x, a, i * size, (i + 1) * size));
        }
        if (GradientTape.recording()) {
            int[] pieceShape = pieces[0].shape();
            GradientTape.recordAll(pieces, (gs, need) -> {
                List<Tensor> all = new ArrayList<>(parts);
                for (Tensor g : gs) {
                    all.add(g != null ? g : K.zeros(x.dtype(), pieceShape));
                }
                return new Tensor[] {concat(all, a)};
            }, x);
        }
        return List.of(pieces);
    }

    /**
     * Joins tensors along an axis.
     *
     * @throws IllegalArgumentException naming the shapes when they differ off that axis
     */
    public static Tensor concat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Tensor[] inputs = xs.toArray(new Tensor[0]);
        Backend b = backendFor(inputs);
        int a = Shapes.axis(axis, inputs[0].rank());
        for (Tensor x : inputs) {
            sameDtype(inputs[0], x);
            int[] s0 = inputs[0].shape();
            int[] s = x.shape();
            s0[a] = 0;
            if (s.length != s0.length) {
                throw new IllegalArgumentException("Cannot concatenate shapes " + Arrays.toString(inputs[0].shape())
                        + " and " + Arrays.toString(x.shape()) + ": ranks differ");
            }
            s[a] = 0;
            if (!Arrays.equals(s, s0)) {
                throw new IllegalArgumentException("Cannot concatenate shapes " + Arrays.toString(inputs[0].shape())
                        + " and " + Arrays.toString(x.shape()) + " along axis " + axis + ": they differ on another axis");
            }
        }
        Tensor y = out(b.concat(List.of(inputs), a));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> {
                Tensor[] grads = new Tensor[inputs.length];
                int offset = 0;
                for (int i = 0; i < inputs.length; i++) {
                    int n = inputs[i].dim(a);
                    grads[i] = need[i] ? slice(g, a, offset, offset + n) : null;
                    offset += n;
                }
                return grads;
            }, inputs);
        }
        return y;
    }

    /**
     * The slices {@code indices[i]} of {@code x} along axis 0 (a gather).
     *
     * @throws IllegalArgumentException if an index is out of range
     */
    public static Tensor take(Tensor x, int[] indices) {
        Backend b = backendFor(x);
        int n = x.dim(0);
        for (int i : indices) {
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException("Index " + i + " is out of range for axis 0 of size " + n);
            }
        }
        int[] idx = indices.clone();
        Tensor y = out(b.take(x, idx));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> {
                // Scatter-add as a product with the one-hot selection matrix: rows of g go back to their indices.
                double[] select = new double[n * idx.length];
                for (int i = 0; i < idx.length; i++) {
                    select[idx[i] * idx.length + i] = 1;
                }
                Tensor s = K.constant(g.dtype(), select, n, idx.length);
                Tensor flat = reshape(g, idx.length, -1);
                return new Tensor[] {reshape(matmul(s, flat, false, false), x.shape())};
            }, x);
        }
        return y;
    }

    /** The same values in another float type. */
    public static Tensor cast(Tensor x, cthulhu.backend.DType dtype) {
        Backend b = backendFor(x);
        Tensor y = out(b.cast(x, dtype));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {cast(g, x.dtype())}, x);
        }
        return y;
    }

    /**
     * Sums a broadcast gradient back to the shape of the operand it came from: over the leading
     * axes the operand lacks, and over the axes where the operand has size 1.
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape(), shape)) {
            return g;
        }
        Tensor r = g;
        while (r.rank() > shape.length) {
            r = reduce(ReduceOp.SUM, r, 0, false);
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && r.dim(i) != 1) {
                r = reduce(ReduceOp.SUM, r, i, true);
            }
        }
        return r;
    }

    // ---- composites: the backend's (possibly fused) forward, one gradient rule here ----------

    /** Softmax along an axis; gradient {@code y · (g - sum(g · y))}. */
    public static Tensor softmax(Tensor x, int axis) {
        Backend b = backendFor(x);
        if (x.rank() < 2) {
            throw new IllegalArgumentException("Cannot apply softmax to a tensor that is 1D. Received input shape "
                    + Arrays.toString(x.shape()) + "; reshape it to [1, n] or use a batch axis");
        }
        int a = Shapes.axis(axis, x.rank());
        Tensor y = out(b.softmax(x, a));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) ->
                    new Tensor[] {K.multiply(y, K.subtract(g, K.sum(K.multiply(g, y), a, true)))}, x);
        }
        return y;
    }

    /**
     * Keras's relu; gradient 1 where {@code x > threshold} and the clip to {@code [0, maxValue]}
     * does not bind, {@code alpha} where {@code x < threshold}, 0 elsewhere
     * ({@link Backend#reluGradient}).
     */
    public static Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        Backend b = backendFor(x);
        Tensor y = out(b.relu(x, alpha, maxValue, threshold));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {out(b.reluGradient(x, y, g, alpha, maxValue, threshold))}, x);
        }
        return y;
    }

    /** Exponential linear unit; gradient 1 for {@code x > 0}, {@code y + alpha} elsewhere. */
    public static Tensor elu(Tensor x, double alpha) {
        Backend b = backendFor(x);
        Tensor y = out(b.elu(x, alpha));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) ->
                    new Tensor[] {K.multiply(g, K.where(K.greater(x, 0), K.onesLike(x), K.add(y, alpha)))}, x);
        }
        return y;
    }

    /** Softplus; gradient {@code sigmoid(x)}. */
    public static Tensor softplus(Tensor x) {
        Backend b = backendFor(x);
        Tensor y = out(b.softplus(x));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {K.multiply(g, K.sigmoid(x))}, x);
        }
        return y;
    }

    /** Softsign; gradient {@code 1 / (1 + |x|)²}. */
    public static Tensor softsign(Tensor x) {
        Backend b = backendFor(x);
        Tensor y = out(b.softsign(x));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {K.divide(g, K.square(K.add(K.abs(x), 1)))}, x);
        }
        return y;
    }

    /** Hard sigmoid; gradient 0.2 where {@code -2.5 < x < 2.5}, 0 elsewhere. */
    public static Tensor hardSigmoid(Tensor x) {
        Backend b = backendFor(x);
        Tensor y = out(b.hardSigmoid(x));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> {
                Tensor inside = K.multiply(K.greater(x, -2.5), K.subtract(K.onesLike(x), K.greaterEqual(x, 2.5)));
                return new Tensor[] {K.multiply(g, K.multiply(inside, 0.2))};
            }, x);
        }
        return y;
    }

    /** Clip to {@code [min, max]}; gradient 1 inside the closed interval, 0 outside. */
    public static Tensor clip(Tensor x, double min, double max) {
        Backend b = backendFor(x);
        Tensor y = out(b.clip(x, min, max));
        if (GradientTape.recording()) {
            double upper = Math.max(min, max);
            GradientTape.record(y, (g, need) -> {
                Tensor inside = K.multiply(K.greaterEqual(x, min), K.subtract(K.onesLike(x), K.greater(x, upper)));
                return new Tensor[] {K.multiply(g, inside)};
            }, x);
        }
        return y;
    }

    /**
     * The affine map {@code x · kernel + bias} of a dense layer, for rank-2 {@code x}; bias may
     * be null. Gradients {@code g · kernelᵀ}, {@code xᵀ · g} and the column sums of {@code g}.
     *
     * @throws IllegalArgumentException naming the shapes when they do not fit
     */
    public static Tensor dense(Tensor x, Tensor kernel, Tensor bias) {
        Backend b = backendFor(x, kernel, bias);
        sameDtype(x, kernel);
        if (x.rank() != 2 || kernel.rank() != 2 || x.dim(1) != kernel.dim(0)
                || (bias != null && (bias.rank() != 1 || bias.dim(0) != kernel.dim(1)))) {
            throw new IllegalArgumentException("dense expects x [batch, in], kernel [in, units] and bias [units]; got x "
                    + Arrays.toString(x.shape()) + ", kernel " + Arrays.toString(kernel.shape())
                    + (bias == null ? ", no bias" : ", bias " + Arrays.toString(bias.shape())));
        }
        Tensor y = out(b.dense(x, kernel, bias));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {
                need[0] ? matmul(g, kernel, false, true) : null,
                need[1] ? matmul(x, g, true, false) : null,
                need[2] ? reduce(ReduceOp.SUM, g, 0, false) : null
            }, x, kernel, bias);
        }
        return y;
    }

    /**
     * One step of an LSTM cell ({@link Backend#lstmCell}); see {@link K#lstmCell}. Gradient:
     * {@link Backend#lstmCellGradient} of the outputs' gradients, zeros standing in for an output
     * nothing depends on.
     *
     * @throws IllegalArgumentException naming the shapes when {@code z} is not
     *     {@code [batch, 4·units]} for {@code c} of {@code [batch, units]}
     */
    public static Tensor[] lstmCell(Tensor z, Tensor c, CellActivation gate, CellActivation activation) {
        Backend b = backendFor(z, c);
        sameDtype(z, c);
        if (z.rank() != 2 || c.rank() != 2 || z.dim(0) != c.dim(0) || z.dim(1) != 4 * c.dim(1)) {
            throw new IllegalArgumentException("An LSTM cell takes z [batch, 4·units] and c [batch, units]; got z "
                    + Arrays.toString(z.shape()) + " and c " + Arrays.toString(c.shape()));
        }
        Tensor[] hc = b.lstmCell(z, c, gate, activation);
        out(hc[0]);
        out(hc[1]);
        if (GradientTape.recording()) {
            GradientTape.recordAll(hc, (gs, need) -> {
                Tensor gh = gs[0] != null ? gs[0] : K.zerosLike(c);
                Tensor gc = gs[1] != null ? gs[1] : K.zerosLike(c);
                Tensor[] grads = b.lstmCellGradient(z, c, gh, gc, gate, activation);
                return new Tensor[] {out(grads[0]), out(grads[1])};
            }, z, c);
        }
        return hc;
    }

    // ---- windowed operations: convolution and pooling, channels-last -----------------------

    /** The convolution of {@link #conv(Tensor, Tensor, Tensor, Window)} without a bias. */
    public static Tensor conv(Tensor x, Tensor kernel, Window w) {
        return conv(x, kernel, null, w);
    }

    /**
     * The convolution of {@code x} {@code (n, spatial…, in)} with {@code kernel}
     * {@code (w.size…, in, out)} over the window {@code w}, plus {@code bias} {@code (out)} on
     * the last axis unless it is null ({@link Backend#conv(Tensor, Tensor, Tensor, Window, boolean)}).
     * Gradients: {@link #convTranspose} of the output gradient for {@code x},
     * {@link #convKernelGradient} for the kernel, the output gradient summed over every axis but
     * the last for the bias.
     *
     * @throws IllegalArgumentException naming the shapes when ranks, channels or the kernel's
     *     size do not fit, the window is larger than the padded input, or the bias is not
     *     {@code (out)}
     */
    public static Tensor conv(Tensor x, Tensor kernel, Tensor bias, Window w) {
        Backend b = backendFor(x, kernel, bias);
        sameDtype(x, kernel);
        checkConv(x.shape(), kernel, w, "input");
        if (bias != null) {
            sameDtype(x, bias);
            if (bias.rank() != 1 || bias.dim(0) != kernel.dim(w.rank() + 1)) {
                throw new IllegalArgumentException("A convolution's bias must have shape (out) = ["
                        + kernel.dim(w.rank() + 1) + "] for kernel " + Arrays.toString(kernel.shape()) + ", got "
                        + Arrays.toString(bias.shape()));
            }
        }
        int[] spatial = Arrays.copyOfRange(x.shape(), 1, w.rank() + 1);
        boolean recording = GradientTape.recording();
        Tensor y = out(b.conv(x, kernel, bias, w, recording && GradientTape.tracks(x)));
        if (recording) {
            GradientTape.record(y, (g, need) -> convGradients(x, kernel, bias, g, w, spatial, need), x, kernel, bias);
        }
        return y;
    }

    /**
     * The gradients of {@link #conv} that {@code need} asks for, from one backend call
     * ({@link Backend#convGradients(Tensor, Tensor, Tensor, Tensor, Window, boolean, boolean, boolean)});
     * each is recorded as the operation it equals — {@link #convTranspose} for {@code x},
     * {@link #convKernelGradient} for the kernel, a sum over all but the last axis for the bias —
     * with that operation's gradient rule.
     */
    private static Tensor[] convGradients(Tensor x, Tensor kernel, Tensor bias, Tensor g, Window w, int[] spatial,
            boolean[] need) {
        Backend b = backendFor(x, kernel, g);
        sameDtype(x, g);
        boolean biasGradient = bias != null && need[2];
        Tensor[] grads = b.convGradients(x, kernel, bias, g, w, need[0], need[1], biasGradient);
        Tensor dx = need[0] ? out(grads[0]) : null;
        Tensor dk = need[1] ? out(grads[1]) : null;
        Tensor db = biasGradient ? out(grads[2]) : null;
        if (GradientTape.recording()) {
            if (dx != null) {
                GradientTape.record(dx, convTransposeRule(g, kernel, w), g, kernel);
            }
            if (dk != null) {
                GradientTape.record(dk, convKernelGradientRule(x, g, w, spatial), x, g);
            }
            if (db != null) {
                int[] shape = g.shape();
                GradientTape.record(db, (gb, needed) -> new Tensor[] {broadcastTo(gb, shape)}, g);
            }
        }
        return new Tensor[] {dx, dk, db};
    }

    /**
     * The transposed convolution: the gradient of {@link #conv} with respect to its input, as a
     * function of the output gradient {@code g} {@code (n, out…, kernel's out)}; the result is
     * {@code (n, spatial…, kernel's in)} ({@link Backend#convTranspose}). Gradients: {@link #conv}
     * of the output gradient for {@code g}, {@link #convKernelGradient} for the kernel.
     *
     * @param spatial the spatial shape of the result, whose convolution by the window gives {@code g}'s
     * @throws IllegalArgumentException naming the shapes when they do not fit
     */
    public static Tensor convTranspose(Tensor g, Tensor kernel, Window w, int[] spatial) {
        Backend b = backendFor(g, kernel);
        sameDtype(g, kernel);
        int r = w.rank();
        int[] inShape = new int[r + 2];
        inShape[0] = g.dim(0);
        System.arraycopy(spatial, 0, inShape, 1, r);
        inShape[r + 1] = kernel.rank() == r + 2 ? kernel.dim(r) : -1;
        int[] outShape = checkConv(inShape, kernel, w, "result");
        if (!Arrays.equals(outShape, g.shape())) {
            throw new IllegalArgumentException("A transposed convolution to " + Arrays.toString(inShape) + " with kernel "
                    + Arrays.toString(kernel.shape()) + " and " + w + " takes an input of shape "
                    + Arrays.toString(outShape) + ", got " + Arrays.toString(g.shape()));
        }
        int[] spatialCopy = spatial.clone();
        Tensor y = out(b.convTranspose(g, kernel, w, spatialCopy));
        if (GradientTape.recording()) {
            GradientTape.record(y, convTransposeRule(g, kernel, w), g, kernel);
        }
        return y;
    }

    /** The gradient rule of {@link #convTranspose}{@code (g, kernel, w, …)}. */
    private static GradientTape.Rule convTransposeRule(Tensor g, Tensor kernel, Window w) {
        return (gy, need) -> new Tensor[] {
            need[0] ? conv(gy, kernel, w) : null,
            need[1] ? convKernelGradient(gy, g, w) : null
        };
    }

    /**
     * The gradient of {@link #conv} with respect to its kernel, for input {@code x} and output
     * gradient {@code g} ({@link Backend#convKernelGradient}); shape {@code (w.size…, in, out)}.
     * Gradients: {@link #convTranspose} for {@code x}, {@link #conv} for {@code g}.
     */
    public static Tensor convKernelGradient(Tensor x, Tensor g, Window w) {
        Backend b = backendFor(x, g);
        sameDtype(x, g);
        int r = w.rank();
        int[] spatial = Arrays.copyOfRange(x.shape(), 1, r + 1);
        Tensor y = out(b.convKernelGradient(x, g, w));
        if (GradientTape.recording()) {
            GradientTape.record(y, convKernelGradientRule(x, g, w, spatial), x, g);
        }
        return y;
    }

    /** The gradient rule of {@link #convKernelGradient}{@code (x, g, w)}, {@code x} of spatial shape {@code spatial}. */
    private static GradientTape.Rule convKernelGradientRule(Tensor x, Tensor g, Window w, int[] spatial) {
        return (gk, need) -> new Tensor[] {
            need[0] ? convTranspose(g, gk, w, spatial) : null,
            need[1] ? conv(x, gk, w) : null
        };
    }

    /** Checks a convolution's operands; returns its output shape. */
    private static int[] checkConv(int[] x, Tensor kernel, Window w, String what) {
        int r = w.rank();
        int[] k = kernel.shape();
        if (x.length != r + 2 || k.length != r + 2 || x[r + 1] != k[r]
                || !Arrays.equals(Arrays.copyOf(k, r), w.size())) {
            throw new IllegalArgumentException("A convolution over " + r + " spatial axes takes an " + what
                    + " (batch, spatial…, in) and a kernel (" + Arrays.toString(w.size()).replaceAll("[\\[\\]]", "")
                    + ", in, out) of rank " + (r + 2) + "; got " + what + " " + Arrays.toString(x) + " and kernel "
                    + Arrays.toString(k));
        }
        int[] outSpatial = w.outputSpatial(Arrays.copyOfRange(x, 1, r + 1));
        int[] shape = new int[r + 2];
        shape[0] = x[0];
        System.arraycopy(outSpatial, 0, shape, 1, r);
        shape[r + 1] = k[r + 1];
        return shape;
    }

    /**
     * Max or average pooling of each channel of {@code x} {@code (n, spatial…, c)} over the window
     * ({@link Backend#pool}); gradient {@link Backend#poolGradient}.
     *
     * @throws IllegalArgumentException naming the shapes when the rank does not fit or the window
     *     is larger than the padded input
     */
    public static Tensor pool(PoolOp op, Tensor x, Window w) {
        Backend b = backendFor(x);
        int r = w.rank();
        if (x.rank() != r + 2) {
            throw new IllegalArgumentException("Pooling over " + r + " spatial axes takes an input (batch, spatial…, channels)"
                    + " of rank " + (r + 2) + ", got " + Arrays.toString(x.shape()));
        }
        w.outputSpatial(Arrays.copyOfRange(x.shape(), 1, r + 1));
        Tensor y = out(b.pool(op, x, w));
        if (GradientTape.recording()) {
            GradientTape.record(y, (g, need) -> new Tensor[] {out(b.poolGradient(op, x, y, g, w))}, x);
        }
        return y;
    }
}
