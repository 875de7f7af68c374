package cthulhu.backend.pure;

/**
 * The error function in double precision by W. J. Cody's rational Chebyshev approximations
 * ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969,
 * pp. 631–638; the near-minimax coefficients of his CALERF, good to 18 significant digits).
 *
 * <p>Three intervals of {@code |x|}: up to 0.46875, {@code erf(x) = x · P(x²) / Q(x²)}; up to 4,
 * {@code erfc(|x|) = e^(−x²) · P(|x|) / Q(|x|)}; beyond, {@code erfc(|x|) = e^(−x²) / |x| · (1/√π
 * − z · P(z) / Q(z))} with {@code z = 1/x²}; then {@code erf = ±(1 − erfc)}, where the subtraction
 * loses at most one bit since {@code erfc(0.46875) < 1/2}. From 6 on, {@code erfc} is below half an
 * ulp of 1 and {@code erf} is ±1. The errors stay within a few ulps.
 */
final class ErrorFunction {

    /** Numerator and denominator in {@code x²} on {@code |x| <= 0.46875}, highest degree first. */
    private static final double[] SMALL_P = {
        1.85777706184603153e-1, 3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2,
        3.20937758913846947e3};
    private static final double[] SMALL_Q = {
        1, 2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3};
    /** Numerator and denominator in {@code |x|} of {@code erfc · e^(x²)} on {@code (0.46875, 4]}. */
    private static final double[] MIDDLE_P = {
        2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1,
        2.98635138197400131e2, 8.81952221241769090e2, 1.71204761263407058e3, 2.05107837782607147e3,
        1.23033935479799725e3};
    private static final double[] MIDDLE_Q = {
        1, 1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3,
        3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3};
    /** Numerator and denominator in {@code z = 1/x²} of the asymptotic correction beyond 4. */
    private static final double[] LARGE_P = {
        1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4};
    private static final double[] LARGE_Q = {
        1, 2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1, 6.05183413124413191e-2,
        2.33520497626869185e-3};
    private static final double ONE_OVER_SQRT_PI = 0.56418958354775628695;

    private ErrorFunction() {
    }

    /** {@code erf(x)}: odd, ±1 at ±∞, NaN for NaN. */
    static double erf(double x) {
        double a = Math.abs(x);
        if (a <= 0.46875) {
            double y = x * x;
            return x * horner(SMALL_P, y) / horner(SMALL_Q, y);
        }
        if (a >= 6) {
            return Math.copySign(1, x);
        }
        if (a != a) {
            return x;
        }
        double scaled;
        if (a <= 4) {
            scaled = horner(MIDDLE_P, a) / horner(MIDDLE_Q, a);
        } else {
            double z = 1 / (a * a);
            scaled = (ONE_OVER_SQRT_PI - z * horner(LARGE_P, z) / horner(LARGE_Q, z)) / a;
        }
        return Math.copySign(1 - expMinusSquare(a) * scaled, x);
    }

    /**
     * {@code e^(−a²)} without the rounding error of {@code a²} magnified by the exponential: with
     * {@code s} = {@code a} truncated to sixteenths, {@code s²} is exact and
     * {@code a² = s² + (a − s)(a + s)}.
     */
    private static double expMinusSquare(double a) {
        double s = Math.floor(a * 16) / 16;
        return Math.exp(-s * s) * Math.exp(-(a - s) * (a + s));
    }

    private static double horner(double[] coefficients, double x) {
        double r = coefficients[0];
        for (int i = 1; i < coefficients.length; i++) {
            r = r * x + coefficients[i];
        }
        return r;
    }
}
