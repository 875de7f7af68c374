package cthulhu.conformance;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Reference values of special functions that {@link Math} lacks, computed in 60-digit decimal
 * arithmetic and rounded once to double, so that they are correctly rounded for every argument
 * the suite uses.
 */
public final class HighPrecision {

    private static final MathContext DIGITS = new MathContext(60);
    private static final BigDecimal PI = new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494459");
    private static final BigDecimal TWO_OVER_SQRT_PI = BigDecimal.valueOf(2).divide(PI.sqrt(DIGITS), DIGITS);
    private static final BigDecimal NEGLIGIBLE = new BigDecimal("1e-45");

    private HighPrecision() {
    }

    /**
     * The error function by its Maclaurin series {@code 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))},
     * summed in 60 digits: the alternating terms grow to about {@code e^(x²)} before they shrink,
     * which the extra digits absorb for {@code |x| <= 7}; beyond, {@code erf} is ±1 in double.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Math.abs(x) > 7) {
            return Math.copySign(1, x);
        }
        BigDecimal v = new BigDecimal(x);
        BigDecimal square = v.multiply(v, DIGITS);
        BigDecimal power = v;                   // (−1)ⁿ x^(2n+1) / n!
        BigDecimal sum = BigDecimal.ZERO;
        for (int n = 0; ; n++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), DIGITS);
            sum = sum.add(term, DIGITS);
            if (n > square.doubleValue() && term.abs().compareTo(NEGLIGIBLE) < 0) {
                break;
            }
            power = power.multiply(square, DIGITS).divide(BigDecimal.valueOf(-(n + 1L)), DIGITS);
        }
        return sum.multiply(TWO_OVER_SQRT_PI, DIGITS).doubleValue();
    }
}
