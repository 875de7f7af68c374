package cthulhu.conformance.backend;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.HighPrecision;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link K#erf}: values against the 60-digit series of {@link HighPrecision#erf} to a few ulps of
 * the stored type, across the three intervals a rational approximation typically splits at,
 * special values, and the gradient {@code 2/√π · e^(−x²)}.
 */
class ErfTest extends ConformanceTestBase {

    private static final double[] X = {-5.5, -3.3, -1, -0.46875, -1e-3, -1e-10, 0, 1e-300, 2e-8, 0.1, 0.3, 0.46875, 0.5,
        0.75, 1, 1.5, 2, 2.5, 3, 3.75, 4, 4.25, 5, 5.9, 6, 6.5, 9};

    /** A few ulps: 4·2⁻⁵³ relative in float64; the float32 result of the double value allows one rounding. */
    private static Tolerance ulps() {
        return K.dtype() == DType.FLOAT64 ? new Tolerance(4.5e-16, 0) : new Tolerance(1.2e-7, 0);
    }

    @Test
    void valuesMatchTheHighPrecisionSeries() {
        assertTensor(Reference.map(X, HighPrecision::erf), new int[] {X.length}, K.erf(K.constant(X, X.length)), ulps());
    }

    @Test
    void theSeriesItselfMatchesPublishedValues() {
        // Abramowitz & Stegun, table 7.1: erf(0.5) = 0.5204998778, erf(1) = 0.8427007929, erf(2) = 0.9953222650.
        assertEquals(0.5204998778, HighPrecision.erf(0.5), 1e-10);
        assertEquals(0.8427007929, HighPrecision.erf(1), 1e-10);
        assertEquals(0.9953222650, HighPrecision.erf(2), 1e-10);
    }

    @Test
    void specialValues() {
        double inf = Double.POSITIVE_INFINITY;
        assertExactly(new double[] {1, -1, Double.NaN, 0.0, -0.0, 1, -1},
                K.erf(K.constant(new double[] {inf, -inf, Double.NaN, 0.0, -0.0, 1000, -1000}, 7)));
    }

    @Test
    void gradientIsTheGaussian() {
        double twoOverSqrtPi = 2 / Math.sqrt(Math.PI);
        GradientCheck.checkElementwise(K::erf, x -> twoOverSqrtPi * Math.exp(-x * x),
                new double[] {-30, -4, -1, -0.2, 0, 0.3, 1.7, 3, 1000});
        GradientCheck.check(K::erf, new double[] {-2.1, -0.4, 0.05, 0.9, 2.6, 4.2}, 2, 3);
    }

    @Test
    void erfTimesAnythingStaysInTheTapesDtype() {
        Tensor x = K.constant(new double[] {0.25, -0.75}, 2);
        assertEquals(K.dtype(), K.gradient(K::erf, x).dtype());
    }
}
