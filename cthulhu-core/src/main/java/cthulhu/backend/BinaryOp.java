package cthulhu.backend;

/**
 * The element-wise binary operations every backend implements, with NumPy broadcasting.
 * Comparisons yield 1 where true and 0 where false, in the operands' type.
 */
public enum BinaryOp {
    /** {@code a + b}. */
    ADD,
    /** {@code a - b}. */
    SUBTRACT,
    /** {@code a · b}. */
    MULTIPLY,
    /** {@code a / b}. */
    DIVIDE,
    /** {@code a^b}. */
    POW,
    /** The larger of {@code a} and {@code b}; NaN if either is NaN. */
    MAXIMUM,
    /** The smaller of {@code a} and {@code b}; NaN if either is NaN. */
    MINIMUM,
    /** {@code a > b}. */
    GREATER,
    /** {@code a >= b}. */
    GREATER_EQUAL,
    /** {@code a == b}. */
    EQUAL
}
