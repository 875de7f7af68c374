package cthulhu.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The default implementation of each composite operation of {@link Backend}, written over the
 * backend's primitives. A backend that overrides a composite for speed must agree with these
 * (the conformance suite checks it). Intermediates are closed as soon as they are used, so the
 * composites leave no native memory behind.
 */
public final class Composites {

    private Composites() {
    }

    /**
     * Softmax along {@code axis}: {@code exp(x - max(x)) / sum(exp(x - max(x)))}, the maximum
     * subtracted first so that large inputs do not overflow.
     */
    public static Tensor softmax(Backend b, Tensor x, int axis) {
        try (Tensor max = b.reduce(ReduceOp.MAX, x, axis, true);
             Tensor shifted = b.binary(BinaryOp.SUBTRACT, x, max);
             Tensor e = b.unary(UnaryOp.EXP, shifted);
             Tensor sum = b.reduce(ReduceOp.SUM, e, axis, true)) {
            return b.binary(BinaryOp.DIVIDE, e, sum);
        }
    }

    /**
     * Keras's rectified linear unit: {@code x} where {@code x > threshold}, clipped to
     * {@code [0, maxValue]} when {@code maxValue} is not null; {@code alpha · (x - threshold)}
     * elsewhere.
     */
    public static Tensor relu(Backend b, Tensor x, double alpha, Double maxValue, double threshold) {
        try (Tensor zero = b.full(new int[0], 0, x.dtype());
             Tensor above = b.binary(BinaryOp.GREATER, x, threshold);
             Tensor kept = b.where(above, x, zero);
             Tensor positive = maxValue == null ? null : clip(b, kept, 0, maxValue)) {
            Tensor pos = positive == null ? kept : positive;
            if (alpha == 0) {
                return b.binary(BinaryOp.ADD, pos, 0);
            }
            try (Tensor shifted = b.binary(BinaryOp.SUBTRACT, x, threshold);
                 Tensor below = b.binary(BinaryOp.MINIMUM, shifted, 0);
                 Tensor negative = b.binary(BinaryOp.MULTIPLY, below, alpha)) {
                return b.binary(BinaryOp.ADD, pos, negative);
            }
        }
    }

    /**
     * The gradient of {@link #relu} with respect to {@code x}, for {@code y = relu(x, alpha,
     * maxValue, threshold)} and the gradient {@code g} of {@code y}: {@code g · slope}, the slope 1
     * where {@code x > threshold} and the clip to {@code [0, maxValue]} does not bind,
     * {@code alpha} where {@code x < threshold}, 0 elsewhere (at the kinks too). The plain
     * rectifier ({@code alpha = 0}, no {@code maxValue}, {@code threshold = 0}) is one pass:
     * {@code g} where {@code y ≠ 0}, which is where {@code x > 0} since relu maps NaN to 0, else 0,
     * also for an infinite or NaN {@code g}, as TensorFlow's {@code ReluGrad} gives.
     */
    public static Tensor reluGradient(Backend b, Tensor x, Tensor y, Tensor g, double alpha, Double maxValue,
            double threshold) {
        if (alpha == 0 && maxValue == null && threshold == 0) {
            try (Tensor zero = b.full(new int[0], 0, g.dtype())) {
                return b.where(y, g, zero);
            }
        }
        try (Tensor one = b.full(new int[0], 1, x.dtype());
             Tensor above = b.binary(BinaryOp.GREATER, x, threshold);
             Tensor inside = maxValue == null ? null : unclipped(b, x, maxValue, one);
             Tensor kept = inside == null ? null : b.binary(BinaryOp.MULTIPLY, above, inside);
             Tensor atLeast = alpha == 0 ? null : b.binary(BinaryOp.GREATER_EQUAL, x, threshold);
             Tensor below = atLeast == null ? null : b.binary(BinaryOp.SUBTRACT, one, atLeast);
             Tensor leak = below == null ? null : b.binary(BinaryOp.MULTIPLY, below, alpha);
             Tensor slope = leak == null ? null : b.binary(BinaryOp.ADD, kept == null ? above : kept, leak)) {
            Tensor s = slope != null ? slope : kept != null ? kept : above;
            return b.binary(BinaryOp.MULTIPLY, g, s);
        }
    }

    /** 1 where {@code 0 ≤ x ≤ maxValue} (the clip of relu does not bind), else 0. */
    private static Tensor unclipped(Backend b, Tensor x, double maxValue, Tensor one) {
        try (Tensor nonNegative = b.binary(BinaryOp.GREATER_EQUAL, x, 0);
             Tensor over = b.binary(BinaryOp.GREATER, x, maxValue);
             Tensor under = b.binary(BinaryOp.SUBTRACT, one, over)) {
            return b.binary(BinaryOp.MULTIPLY, nonNegative, under);
        }
    }

    /** Exponential linear unit: {@code x} where {@code x > 0}, {@code alpha · (e^x - 1)} elsewhere. */
    public static Tensor elu(Backend b, Tensor x, double alpha) {
        try (Tensor positive = b.binary(BinaryOp.GREATER, x, 0);
             Tensor em1 = b.unary(UnaryOp.EXPM1, x);
             Tensor negative = b.binary(BinaryOp.MULTIPLY, em1, alpha)) {
            return b.where(positive, x, negative);
        }
    }

    /**
     * Softplus {@code ln(1 + e^x)}, computed as {@code max(x, 0) + ln(1 + e^-|x|)} so that it
     * neither overflows for large {@code x} nor loses the tail for very negative {@code x}.
     */
    public static Tensor softplus(Backend b, Tensor x) {
        try (Tensor relu = b.binary(BinaryOp.MAXIMUM, x, 0);
             Tensor abs = b.unary(UnaryOp.ABS, x);
             Tensor negAbs = b.unary(UnaryOp.NEGATE, abs);
             Tensor e = b.unary(UnaryOp.EXP, negAbs);
             Tensor tail = b.unary(UnaryOp.LOG1P, e)) {
            return b.binary(BinaryOp.ADD, relu, tail);
        }
    }

    /** Softsign {@code x / (1 + |x|)}. */
    public static Tensor softsign(Backend b, Tensor x) {
        try (Tensor abs = b.unary(UnaryOp.ABS, x);
             Tensor denominator = b.binary(BinaryOp.ADD, abs, 1)) {
            return b.binary(BinaryOp.DIVIDE, x, denominator);
        }
    }

    /** Keras's hard sigmoid {@code clip(0.2 · x + 0.5, 0, 1)}. */
    public static Tensor hardSigmoid(Backend b, Tensor x) {
        try (Tensor scaled = b.binary(BinaryOp.MULTIPLY, x, 0.2);
             Tensor shifted = b.binary(BinaryOp.ADD, scaled, 0.5)) {
            return clip(b, shifted, 0, 1);
        }
    }

    /** Clips every element to {@code [min, max]}; as in Keras, a {@code max} below {@code min} is taken as {@code min}. */
    public static Tensor clip(Backend b, Tensor x, double min, double max) {
        double upper = Math.max(min, max);
        try (Tensor low = b.binary(BinaryOp.MAXIMUM, x, min)) {
            return b.binary(BinaryOp.MINIMUM, low, upper);
        }
    }

    /**
     * A dense layer's affine map {@code x · kernel + bias} for a rank-2 {@code x}
     * ({@code batch × in}), a kernel {@code in × units} and a bias {@code units}, or no bias when null.
     */
    public static Tensor dense(Backend b, Tensor x, Tensor kernel, Tensor bias) {
        Tensor product = b.matmul(x, kernel, false, false);
        if (bias == null) {
            return product;
        }
        try (product) {
            return b.binary(BinaryOp.ADD, product, bias);
        }
    }
    /**
     * One step of an LSTM cell, Keras's gates in Keras's order {@code i, f, c, o}: with
     * {@code z} {@code [batch, 4·units]} cut into four blocks {@code z_i, z_f, z_c, z_o} of
     * {@code units} columns each, {@code σ} the gates' activation and {@code act} the cell's,
     * <pre>
     * c' = σ(z_f)·c + σ(z_i)·act(z_c)      h' = σ(z_o)·act(c')
     * </pre>
     * Returns {@code {h', c'}}, each {@code [batch, units]} like {@code c}.
     */
    public static Tensor[] lstmCell(Backend b, Tensor z, Tensor c, CellActivation gate, CellActivation activation) {
        List<Tensor> temps = new ArrayList<>();
        try {
            LstmGates s = new LstmGates(b, z, c, gate, activation, temps);
            Tensor h = b.binary(BinaryOp.MULTIPLY, s.o, s.tc);
            temps.remove(s.cNext);
            return new Tensor[] {h, s.cNext};
        } finally {
            temps.forEach(Tensor::close);
        }
    }

    /**
     * The gradients of {@link #lstmCell} with respect to {@code z} and {@code c}, in that order,
     * given the gradients {@code gh} and {@code gc} of its outputs {@code h'} and {@code c'}:
     * with {@code i, f, g, o} the activated blocks of {@code z} and {@code t = act(c')},
     * <pre>
     * dc = gc + gh·o·act'(c')          gc_prev = dc·f
     * gz_i = dc·g·σ'(z_i)   gz_f = dc·c·σ'(z_f)   gz_c = dc·i·act'(z_c)   gz_o = gh·t·σ'(z_o)
     * </pre>
     * each slope taken as {@link CellActivation} states it.
     */
    public static Tensor[] lstmCellGradient(Backend b, Tensor z, Tensor c, Tensor gh, Tensor gc, CellActivation gate,
            CellActivation activation) {
        List<Tensor> temps = new ArrayList<>();
        try {
            LstmGates s = new LstmGates(b, z, c, gate, activation, temps);
            Tensor dc = temp(temps, b.binary(BinaryOp.ADD, gc,
                    product(b, temps, gh, s.o, slope(b, temps, activation, s.cNext, s.tc))));
            List<Tensor> gz = List.of(
                    product(b, temps, dc, s.g, slope(b, temps, gate, s.zi, s.i)),
                    product(b, temps, dc, c, slope(b, temps, gate, s.zf, s.f)),
                    product(b, temps, dc, s.i, slope(b, temps, activation, s.zc, s.g)),
                    product(b, temps, gh, s.tc, slope(b, temps, gate, s.zo, s.o)));
            return new Tensor[] {b.concat(gz, 1), b.binary(BinaryOp.MULTIPLY, dc, s.f)};
        } finally {
            temps.forEach(Tensor::close);
        }
    }

    /** The blocks of {@code z}, the activated gates, {@code c'} and {@code act(c')}, every one in {@code temps}. */
    private static final class LstmGates {
        final Tensor zi;
        final Tensor zf;
        final Tensor zc;
        final Tensor zo;
        final Tensor i;
        final Tensor f;
        final Tensor g;
        final Tensor o;
        final Tensor cNext;
        final Tensor tc;

        LstmGates(Backend b, Tensor z, Tensor c, CellActivation gate, CellActivation activation, List<Tensor> temps) {
            int units = c.dim(1);
            zi = temp(temps, b.slice(z, 1, 0, units));
            zf = temp(temps, b.slice(z, 1, units, 2 * units));
            zc = temp(temps, b.slice(z, 1, 2 * units, 3 * units));
            zo = temp(temps, b.slice(z, 1, 3 * units, 4 * units));
            i = temp(temps, activate(b, gate, zi));
            f = temp(temps, activate(b, gate, zf));
            g = temp(temps, activate(b, activation, zc));
            o = temp(temps, activate(b, gate, zo));
            cNext = temp(temps, b.binary(BinaryOp.ADD, temp(temps, b.binary(BinaryOp.MULTIPLY, f, c)),
                    temp(temps, b.binary(BinaryOp.MULTIPLY, i, g))));
            tc = temp(temps, activate(b, activation, cNext));
        }
    }

    private static Tensor temp(List<Tensor> temps, Tensor t) {
        temps.add(t);
        return t;
    }

    /** {@code x·y·w}, its intermediates in {@code temps}. */
    private static Tensor product(Backend b, List<Tensor> temps, Tensor x, Tensor y, Tensor w) {
        return temp(temps, b.binary(BinaryOp.MULTIPLY, temp(temps, b.binary(BinaryOp.MULTIPLY, x, y)), w));
    }

    private static Tensor activate(Backend b, CellActivation a, Tensor x) {
        return switch (a) {
            case SIGMOID -> b.unary(UnaryOp.SIGMOID, x);
            case HARD_SIGMOID -> b.hardSigmoid(x);
            case TANH -> b.unary(UnaryOp.TANH, x);
        };
    }

    /** The slope of {@code a} at {@code x}, where it takes the value {@code y}; intermediates in {@code temps}. */
    private static Tensor slope(Backend b, List<Tensor> temps, CellActivation a, Tensor x, Tensor y) {
        return switch (a) {
            case SIGMOID -> temp(temps, b.binary(BinaryOp.SUBTRACT, y, temp(temps, b.unary(UnaryOp.SQUARE, y))));
            case TANH -> temp(temps, b.binary(BinaryOp.ADD, temp(temps, b.unary(UnaryOp.NEGATE,
                    temp(temps, b.unary(UnaryOp.SQUARE, y)))), 1));
            // (x > -2.5) - (x >= 2.5) is 1 inside the open interval and 0 outside it.
            case HARD_SIGMOID -> temp(temps, b.binary(BinaryOp.MULTIPLY, temp(temps, b.binary(BinaryOp.SUBTRACT,
                    temp(temps, b.binary(BinaryOp.GREATER, x, -2.5)),
                    temp(temps, b.binary(BinaryOp.GREATER_EQUAL, x, 2.5)))), 0.2));
        };
    }
}
