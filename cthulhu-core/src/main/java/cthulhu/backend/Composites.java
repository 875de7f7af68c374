package cthulhu.backend;

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
}
