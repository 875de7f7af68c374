package cthulhu.conformance.backend;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertShape;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Creation and conversion: {@code constant}, {@code zeros}, {@code ones}, {@code scalar},
 * {@code full}, {@code cast}, {@code convert}, the {@link Tensor} accessors and the seeded random
 * samplers. References: the data given, and the moments of the sampled distributions.
 */
class CreationTest extends ConformanceTestBase {

    @Test
    void constantFromDoublesKeepsRowMajorValuesAndShape() {
        double[] data = {1, -2, 3.5, 0, 1e-3, -1e3};
        Tensor t = K.constant(data, 2, 3);
        assertTensor(data, new int[] {2, 3}, t);
        assertEquals(2, t.rank());
        assertEquals(6, t.size());
        assertEquals(3, t.dim(-1));
        assertEquals(2, t.dim(0));
    }

    @Test
    void constantFromFloatsIsStoredInFloatx() {
        Tensor t = K.constant(new float[] {0.5f, -1.25f, 3f}, 3);
        assertTensor(new double[] {0.5, -1.25, 3}, new int[] {3}, t);
        float[] back = t.toFloatArray();
        assertArrayEquals(new float[] {0.5f, -1.25f, 3f}, back);
    }

    @Test
    void float32StoresTheNearestFloatAndFloat64TheExactDouble() {
        Tensor t = K.constant(new double[] {0.1}, 1);
        double expected = K.dtype() == DType.FLOAT64 ? 0.1 : (double) 0.1f;
        assertExactly(new double[] {expected}, t);
    }

    @Test
    void constantOfRankZero() {
        assertTensor(new double[] {7}, new int[0], K.constant(new double[] {7}));
    }

    @Test
    void constantRejectsDataThatDoesNotFitTheShape() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.constant(new double[] {1, 2, 3, 4, 5}, 2, 3), "length 5", "[2, 3]", "6");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.constant(new float[] {1, 2, 3}, 2, 2), "length 3", "[2, 2]", "4");
    }

    @Test
    void constantRejectsANegativeDimension() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.zeros(2, -1), "[2, -1]");
    }

    @Test
    void zerosOnesFullAndScalar() {
        assertExactly(new double[] {0, 0, 0, 0, 0, 0}, K.zeros(2, 3));
        assertShape(new int[] {2, 3}, K.zeros(2, 3));
        assertTensor(new double[] {1, 1, 1, 1}, new int[] {2, 1, 2}, K.ones(2, 1, 2));
        assertTensor(new double[] {2.5, 2.5, 2.5}, new int[] {3}, K.full(K.dtype(), 2.5, 3));
        assertTensor(new double[] {-4}, new int[0], K.scalar(-4));
        assertEquals(K.dtype(), K.zeros(1).dtype());
        assertEquals(K.dtype(), K.scalar(1).dtype());
    }

    @Test
    void zerosLikeAndOnesLikeCopyShapeAndType() {
        Tensor x = K.constant(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertTensor(new double[6], new int[] {3, 2}, K.zerosLike(x));
        assertTensor(new double[] {1, 1, 1, 1, 1, 1}, new int[] {3, 2}, K.onesLike(x));
    }

    @Test
    void castBetweenFloatTypes() {
        Tensor x = K.constant(DType.FLOAT64, new double[] {0.1, -2, 1e10}, 3);
        Tensor f = K.cast(x, DType.FLOAT32);
        assertEquals(DType.FLOAT32, f.dtype());
        assertExactly(new double[] {(float) 0.1, -2, (float) 1e10}, f);
        Tensor d = K.cast(f, DType.FLOAT64);
        assertEquals(DType.FLOAT64, d.dtype());
        assertExactly(new double[] {(float) 0.1, -2, (float) 1e10}, d);
        assertShape(new int[] {3}, d);
    }

    @Test
    void convertCopiesAValueToTheActiveBackend() {
        Tensor x = K.constant(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor y = K.convert(x);
        assertTensor(new double[] {1, 2, 3, 4}, new int[] {2, 2}, y);
    }

    @Test
    void toStringShowsShapeDtypeBackendAndValues() {
        String s = K.constant(new double[] {1.5, -2}, 2).toString();
        assertTrue(s.contains("[2]"), s);
        assertTrue(s.contains(K.floatx()), s);
        assertTrue(s.contains(K.backend()), s);
        assertTrue(s.contains("1.5") && s.contains("-2.0"), s);
    }

    @Test
    void intShapeIsTheShape() {
        assertArrayEquals(new int[] {2, 3, 4}, K.intShape(K.zeros(2, 3, 4)));
        assertArrayEquals(new int[0], K.intShape(K.scalar(1)));
    }

    // ---- random -----------------------------------------------------------------------------

    private static final int N = 20_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"uniform", "normal", "truncated_normal"})
    void theSameSeedGivesTheSameValuesAndAnotherSeedOthers(String kind) {
        double[] a = sample(kind, 42).toDoubleArray();
        double[] b = sample(kind, 42).toDoubleArray();
        double[] c = sample(kind, 43).toDoubleArray();
        assertArrayEquals(a, b, 0.0, "same seed, same values");
        assertFalse(java.util.Arrays.equals(a, c), "another seed gives other values");
        assertEquals(K.dtype(), sample(kind, 1).dtype());
        assertShape(new int[] {40, 500}, sample(kind, 1));
    }

    private static Tensor sample(String kind, long seed) {
        int[] shape = {40, 500};
        return switch (kind) {
            case "uniform" -> K.randomUniform(shape, -1, 3, seed);
            case "normal" -> K.randomNormal(shape, 2, 3, seed);
            default -> K.truncatedNormal(shape, 2, 3, seed);
        };
    }

    @Test
    void uniformSamplesLieInTheHalfOpenIntervalWithTheRightMoments() {
        double[] x = K.randomUniform(new int[] {N}, -1, 3, 7).toDoubleArray();
        for (double v : x) {
            assertTrue(v >= -1 && v < 3, () -> "sample " + v + " outside [-1, 3)");
        }
        // Reference: mean (a + b) / 2 = 1, standard deviation (b - a) / √12; bounds are 5 standard errors.
        double sd = 4 / Math.sqrt(12);
        assertEquals(1, mean(x), 5 * sd / Math.sqrt(N), "mean");
        assertEquals(sd, std(x), 5 * sd / Math.sqrt(2.0 * N), "standard deviation");
        assertTrue(min(x) < -0.99 && max(x) > 2.99, "samples fill the interval");
    }

    @Test
    void normalSamplesHaveTheRequestedMeanAndStandardDeviation() {
        double[] x = K.randomNormal(new int[] {N}, 2, 3, 11).toDoubleArray();
        // Reference: N(2, 3²); bounds are 5 standard errors of the estimators.
        assertEquals(2, mean(x), 5 * 3 / Math.sqrt(N), "mean");
        assertEquals(3, std(x), 5 * 3 / Math.sqrt(2.0 * N), "standard deviation");
        assertTrue(max(x) > 2 + 2 * 3 && min(x) < 2 - 2 * 3, "an untruncated normal exceeds 2σ in 20000 draws");
    }

    @Test
    void truncatedNormalSamplesNeverLieBeyondTwoStandardDeviations() {
        double[] x = K.truncatedNormal(new int[] {N}, 2, 3, 13).toDoubleArray();
        double tolerance = K.dtype() == DType.FLOAT64 ? 1e-12 : 1e-5;
        for (double v : x) {
            assertTrue(Math.abs(v - 2) <= 6 + tolerance, () -> "sample " + v + " is beyond 2σ = 6 from the mean 2");
        }
        // Reference: the normal truncated at ±2σ has standard deviation σ·√(1 - 2·2·φ(2)/(2Φ(2) - 1)) = 0.879626·σ.
        double phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
        double mass = 0.9544997361036416;
        double sd = 3 * Math.sqrt(1 - 4 * phi2 / mass);
        assertEquals(2.638878, sd, 1e-5, "the reference itself");
        assertEquals(2, mean(x), 5 * sd / Math.sqrt(N), "mean");
        assertEquals(sd, std(x), 5 * sd / Math.sqrt(2.0 * N), "standard deviation");
        assertTrue(max(x) > 2 + 5.9 && min(x) < 2 - 5.9, "samples reach close to ±2σ");
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double std(double[] x) {
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / x.length);
    }

    private static double min(double[] x) {
        return java.util.Arrays.stream(x).min().orElseThrow();
    }

    private static double max(double[] x) {
        return java.util.Arrays.stream(x).max().orElseThrow();
    }
}
