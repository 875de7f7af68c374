package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vector-module kernels against the plain-Java kernels they replace, called directly so
 * both run in this JVM (which has the module), and against references evaluated in double.
 */
class VectorKernelsTest {

    /** Lengths around the vector widths, so both the vector loop and its remainder run. */
    private static final int[] LENGTHS = {0, 1, 7, 15, 16, 17, 33, 1000};

    @Test
    void vectorPathIsEnabledUnlessSwitchedOff() {
        // Surefire runs with --add-modules jdk.incubator.vector; the plain-kernels run sets the property.
        boolean switchedOff = "false".equalsIgnoreCase(System.getProperty(VectorSupport.PROPERTY));
        assertEquals(!switchedOff, VectorSupport.ENABLED);
    }

    private static double[] samples(int n, long seed) {
        Random random = new Random(seed);
        double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-30, -1e-30,
            90, -90, 800, -800, 1, -1};
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < special.length && n > 20 ? special[i] : (random.nextDouble() - 0.5) * 40;
        }
        return x;
    }

    private static double reference(UnaryOp op, double x) {
        switch (op) {
            case EXP:
                return Math.exp(x);
            case TANH:
                return Math.tanh(x);
            case SIGMOID:
                return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            default:
                throw new AssertionError(op);
        }
    }

    /** Equal, or both NaN, or within {@code ulps} units in the last place of the reference (at float or double precision). */
    private static void assertClose(double expected, double actual, double ulp, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected) || expected == 0) {
            assertEquals(expected, actual, Math.abs(expected) < Double.MIN_NORMAL ? 1e-300 : 0, what);
            return;
        }
        assertEquals(expected, actual, ulp, what);
    }

    static Stream<UnaryOp> vectorised() {
        return Stream.of(UnaryOp.values()).filter(VectorFloatKernels::vectorises);
    }

    @ParameterizedTest
    @MethodSource("vectorised")
    void unaryAgreesWithPlainLoopAndReference(UnaryOp op) {
        for (int n : LENGTHS) {
            double[] x = samples(n, n);
            float[] xf = new float[n];
            for (int i = 0; i < n; i++) {
                xf[i] = (float) x[i];
            }
            float[] plainF = new float[n];
            float[] vecF = new float[n];
            FloatKernels.unary(op, xf, plainF, 0, n);
            VectorFloatKernels.unary(op, xf, vecF, 0, n);
            double[] plainD = new double[n];
            double[] vecD = new double[n];
            DoubleKernels.unary(op, x, plainD, 0, n);
            VectorDoubleKernels.unary(op, x, vecD, 0, n);
            for (int i = 0; i < n; i++) {
                double refF = reference(op, xf[i]);
                double refD = reference(op, x[i]);
                // The vector math library promises 1 ulp; sigmoid composes exp, an add and a divide.
                double ulpF = 4 * Math.ulp((float) refF);
                double ulpD = 4 * Math.ulp(refD);
                String at = op + " at " + x[i];
                assertClose(refF, plainF[i], ulpF, "plain float " + at);
                assertClose(refF, vecF[i], ulpF, "vector float " + at);
                assertClose(refD, plainD[i], ulpD, "plain double " + at);
                assertClose(refD, vecD[i], ulpD, "vector double " + at);
            }
        }
    }

    @Test
    void plainFloatTanhIsWithinOneUlpAcrossMagnitudes() {
        Random random = new Random(11);
        for (int e = -40; e <= 5; e++) {
            for (int s = 0; s < 200; s++) {
                float x = (float) Math.scalb(1 + random.nextDouble(), e) * (s % 2 == 0 ? 1 : -1);
                float expected = (float) Math.tanh(x);
                assertEquals(expected, FloatKernels.tanh(x), Math.ulp(expected), "tanh(" + x + ")");
            }
        }
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(FloatKernels.tanh(-0f)));
        assertEquals(1f, FloatKernels.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FloatKernels.tanh(-100f));
        assertTrue(Float.isNaN(FloatKernels.tanh(Float.NaN)));
    }

    @Test
    void plainFloatExpm1AndLog1pAreWithinOneUlpAcrossMagnitudes() {
        Random random = new Random(12);
        for (int e = -40; e <= 6; e++) {
            for (int s = 0; s < 200; s++) {
                float x = (float) Math.scalb(1 + random.nextDouble(), e) * (s % 2 == 0 ? 1 : -1);
                float expm1 = (float) Math.expm1(x);
                assertEquals(expm1, FloatKernels.expm1(x), Math.ulp(expm1), "expm1(" + x + ")");
                if (x > -1) {
                    float log1p = (float) Math.log1p(x);
                    assertEquals(log1p, FloatKernels.log1p(x), Math.ulp(log1p), "log1p(" + x + ")");
                }
            }
        }
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 100f, -100f, -1f, -2f,
            Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (float x : specials) {
            assertEquals(Float.floatToIntBits((float) Math.expm1(x)), Float.floatToIntBits(FloatKernels.expm1(x)),
                    "expm1(" + x + ")");
            assertEquals(Float.floatToIntBits((float) Math.log1p(x)), Float.floatToIntBits(FloatKernels.log1p(x)),
                    "log1p(" + x + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryAgreesExactlyWithPlainLoops(BinaryOp op) {
        for (int n : LENGTHS) {
            double[] a = samples(n + 5, 1);
            double[] b = samples(n + 3, 2);
            float[] af = toFloats(a);
            float[] bf = toFloats(b);
            float s = 1.5f;
            // Offsets differ per array, as in a broadcast run.
            float[] plain = new float[n + 2];
            float[] vec = new float[n + 2];
            FloatKernels.binaryAt(op, af, 5, bf, 3, plain, 2, n);
            VectorFloatKernels.binaryAt(op, af, 5, bf, 3, vec, 2, n);
            assertSame(plain, vec, op + " vector-vector float n=" + n);
            FloatKernels.binaryAt(op, af, 1, s, plain, 2, n);
            VectorFloatKernels.binaryAt(op, af, 1, s, vec, 2, n);
            assertSame(plain, vec, op + " vector-scalar float n=" + n);
            FloatKernels.binaryAt(op, s, bf, 1, plain, 2, n);
            VectorFloatKernels.binaryAt(op, s, bf, 1, vec, 2, n);
            assertSame(plain, vec, op + " scalar-vector float n=" + n);
            float[] aligned = new float[n + 2];
            FloatKernels.binary(op, af, bf, aligned, 2, n + 2);
            FloatKernels.binaryAt(op, af, 2, bf, 2, plain, 2, n);
            assertSame(plain, aligned, op + " aligned float n=" + n);

            double[] plainD = new double[n + 2];
            double[] vecD = new double[n + 2];
            DoubleKernels.binaryAt(op, a, 5, b, 3, plainD, 2, n);
            VectorDoubleKernels.binaryAt(op, a, 5, b, 3, vecD, 2, n);
            assertSame(plainD, vecD, op + " vector-vector double n=" + n);
            DoubleKernels.binaryAt(op, a, 1, 1.5, plainD, 2, n);
            VectorDoubleKernels.binaryAt(op, a, 1, 1.5, vecD, 2, n);
            assertSame(plainD, vecD, op + " vector-scalar double n=" + n);
            DoubleKernels.binaryAt(op, 1.5, b, 1, plainD, 2, n);
            VectorDoubleKernels.binaryAt(op, 1.5, b, 1, vecD, 2, n);
            assertSame(plainD, vecD, op + " scalar-vector double n=" + n);
        }
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reductionsAgreeWithPlainLoops(ReduceOp op) {
        for (int n : LENGTHS) {
            double[] x = samples(n, 7);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(x[i]) || Math.abs(x[i]) > 100) {
                    x[i] = i;
                }
            }
            float[] xf = toFloats(x);
            // One contiguous run, and the same data as rows of width 3.
            float[] plain = new float[3];
            float[] vec = new float[3];
            FloatKernels.reduce(op, xf, 0, 1, n, 1, plain, 0);
            VectorFloatKernels.reduce(op, xf, 0, 1, n, 1, vec, 0);
            double sumTolerance = op == ReduceOp.SUM ? 1e-5 * (n + 1) : 0;
            assertEquals(plain[0], vec[0], sumTolerance, op + " run float n=" + n);
            int rows = n / 3;
            FloatKernels.reduce(op, xf, 0, 3, rows, 3, plain, 0);
            VectorFloatKernels.reduce(op, xf, 0, 3, rows, 3, vec, 0);
            assertSame(plain, vec, op + " rows float n=" + n);
            float[] wide = new float[40];
            float[] wideVec = new float[40];
            int wideRows = n / 40;
            FloatKernels.reduce(op, xf, 0, 40, wideRows, 40, wide, 0);
            VectorFloatKernels.reduce(op, xf, 0, 40, wideRows, 40, wideVec, 0);
            assertSame(wide, wideVec, op + " wide rows float n=" + n);

            double[] plainD = new double[1];
            double[] vecD = new double[1];
            DoubleKernels.reduce(op, x, 0, 1, n, 1, plainD, 0);
            VectorDoubleKernels.reduce(op, x, 0, 1, n, 1, vecD, 0);
            assertEquals(plainD[0], vecD[0], op == ReduceOp.SUM ? 1e-12 * (n + 1) : 0, op + " run double n=" + n);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReduceOp.class, names = {"MAX", "MIN"})
    void vectorMaxAndMinPropagateNaN(ReduceOp op) {
        float[] x = new float[100];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        x[37] = Float.NaN;
        float[] out = new float[1];
        VectorFloatKernels.reduce(op, x, 0, 1, x.length, 1, out, 0);
        assertTrue(Float.isNaN(out[0]), op + " of a run holding NaN");
        float[] rows = new float[20];
        VectorFloatKernels.reduce(op, x, 0, 20, 5, 20, rows, 0);
        assertTrue(Float.isNaN(rows[17]), op + " of a column holding NaN");
    }

    private static float[] toFloats(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    private static void assertSame(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    what + " at " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    private static void assertSame(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
                    what + " at " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }
}
