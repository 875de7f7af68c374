package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cthulhu.backend.DType;
import cthulhu.backend.Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The blocked, packed and threaded matrix product against a naive triple loop in double, on
 * sizes that are odd, cross the panel sizes and split over threads both by rows and by columns.
 */
class MatmulTest {

    private final PureBackend backend = new PureBackend();

    static Stream<Arguments> cases() {
        // m, k, n: odd sizes, panels crossed in k (> 256) and n (> 512), row and column splits,
        // B packed (more than 128 rows per thread) and read in place (at most 128).
        int[][] sizes = {{1, 1, 1}, {7, 13, 5}, {129, 257, 65}, {33, 600, 70}, {65, 300, 530}, {9, 3, 1100},
            {40, 300, 600}, {300, 40, 20}, {300, 40, 200}, {4, 0, 3}, {3, 5, 0}};
        Stream.Builder<Arguments> b = Stream.builder();
        for (int[] s : sizes) {
            for (DType dtype : DType.values()) {
                for (int t = 0; t < 4; t++) {
                    b.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, dtype));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} {5}")
    @MethodSource("cases")
    void agreesWithNaiveProduct(int m, int k, int n, boolean transA, boolean transB, DType dtype) {
        Random random = new Random(m * 31L + k * 7L + n);
        double[] a = randoms(random, m * k);
        double[] b = randoms(random, k * n);
        Tensor ta = backend.fromArray(a, transA ? new int[] {k, m} : new int[] {m, k}, dtype);
        Tensor tb = backend.fromArray(b, transB ? new int[] {n, k} : new int[] {k, n}, dtype);
        // The reference reads the stored (possibly float-rounded) values.
        double[] expected = naive(ta.toDoubleArray(), tb.toDoubleArray(), m, n, k, transA, transB);
        Tensor c = backend.matmul(ta, tb, transA, transB);
        assertArrayEquals(new int[] {m, n}, c.shape());
        // float: k products each rounded at about 6e-8 relative, magnitudes below 1.
        double tolerance = dtype == DType.FLOAT32 ? 1e-6 * (k + 1) : 1e-14 * (k + 1);
        assertArrayEquals(expected, c.toDoubleArray(), tolerance);
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} {5}")
    @MethodSource("cases")
    void plainAndVectorKernelsAgreeWithNaiveProduct(int m, int k, int n, boolean transA, boolean transB, DType dtype) {
        Random random = new Random(m * 17L + k * 5L + n);
        double[] a = randoms(random, m * k);
        double[] b = randoms(random, k * n);
        double tolerance = dtype == DType.FLOAT32 ? 1e-6 * (k + 1) : 1e-14 * (k + 1);
        if (dtype == DType.FLOAT32) {
            float[] af = toFloats(a);
            float[] bf = toFloats(b);
            double[] expected = naive(toDoubles(af), toDoubles(bf), m, n, k, transA, transB);
            assertArrayEquals(expected, toDoubles(FloatGemm.multiply(af, bf, m, n, k, transA, transB)), tolerance, "plain");
            assertArrayEquals(expected, toDoubles(VectorFloatGemm.multiply(af, bf, m, n, k, transA, transB)), tolerance,
                    "vector");
        } else {
            double[] expected = naive(a, b, m, n, k, transA, transB);
            assertArrayEquals(expected, DoubleGemm.multiply(a, b, m, n, k, transA, transB), tolerance, "plain");
            assertArrayEquals(expected, VectorDoubleGemm.multiply(a, b, m, n, k, transA, transB), tolerance, "vector");
        }
    }

    private static float[] toFloats(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    private static double[] toDoubles(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    static double[] naive(double[] a, double[] b, int m, int n, int k, boolean transA, boolean transB) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[p * m + i] : a[i * k + p];
                    double y = transB ? b[j * k + p] : b[p * n + j];
                    s += x * y;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    static double[] randoms(Random random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble() * 2 - 1;
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void productOfOnesCountsTheInnerDimension(DType dtype) {
        Tensor a = backend.full(new int[] {3, 1000}, 1, dtype);
        Tensor b = backend.full(new int[] {1000, 2}, 1, dtype);
        double[] c = backend.matmul(a, b, false, false).toDoubleArray();
        assertEquals(6, c.length);
        for (double v : c) {
            assertEquals(1000, v, 0);
        }
    }

    static Stream<DType> dtypes() {
        return Stream.of(DType.values());
    }
}
