package cthulhu.conformance;

import cthulhu.backend.DType;
import cthulhu.backend.K;

/**
 * A closeness criterion: {@code |actual - expected| <= atol + rtol · |expected|} (NumPy's
 * {@code allclose}).
 *
 * @param rtol the relative tolerance
 * @param atol the absolute tolerance
 */
public record Tolerance(double rtol, double atol) {

    /** float32: a few units in the last place of a single-precision result, 1e-5 relative, 1e-6 absolute. */
    public static final Tolerance FLOAT32 = new Tolerance(1e-5, 1e-6);
    /** float64: 1e-10 relative, 1e-12 absolute, loose enough for any libm, tight enough to catch float32 arithmetic. */
    public static final Tolerance FLOAT64 = new Tolerance(1e-10, 1e-12);

    /** The tolerance for one element-wise operation in the active float type ({@link K#dtype()}). */
    public static Tolerance current() {
        return of(K.dtype());
    }

    /** The tolerance for one element-wise operation in {@code dtype}. */
    public static Tolerance of(DType dtype) {
        return dtype == DType.FLOAT64 ? FLOAT64 : FLOAT32;
    }

    /** This tolerance with both bounds multiplied by {@code factor}, for results of several rounded steps. */
    public Tolerance times(double factor) {
        return new Tolerance(rtol * factor, atol * factor);
    }

    /** This tolerance with another absolute bound, e.g. 0 to demand relative accuracy for tiny values. */
    public Tolerance withAtol(double absolute) {
        return new Tolerance(rtol, absolute);
    }

    /** Whether {@code actual} is within this tolerance of {@code expected}; infinities and NaN must match exactly. */
    public boolean accepts(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
