package cthulhu.backend;

/** The element-wise maps every backend implements; each is applied to every element. */
public enum UnaryOp {
    /** {@code -x}. */
    NEGATE,
    /** {@code |x|}. */
    ABS,
    /** {@code e^x}. */
    EXP,
    /** {@code e^x - 1}, accurate for small {@code |x|}. */
    EXPM1,
    /** Natural logarithm; {@code -inf} at 0, NaN below. */
    LOG,
    /** {@code ln(1 + x)}, accurate for small {@code |x|}. */
    LOG1P,
    /** Square root; NaN below 0. */
    SQRT,
    /** {@code x²}. */
    SQUARE,
    /** {@code -1}, {@code 0} or {@code 1} by the sign of {@code x}; 0 for ±0. */
    SIGN,
    /** Hyperbolic tangent. */
    TANH,
    /** Logistic function {@code 1 / (1 + e^-x)}. */
    SIGMOID,
    /** {@code 1 / x}. */
    RECIPROCAL,
    /**
     * The error function {@code erf(x) = 2/√π · ∫₀ˣ e^(−t²) dt}, odd, ±1 at ±∞, to within a few
     * ulps of the stored type.
     */
    ERF
}
