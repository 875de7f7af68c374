package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cthulhu.backend.DType;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The strided walks behind transpose, slice, broadcastTo and where, on shapes whose axes merge
 * and do not, against references computed from explicit indices; and the threaded unary path.
 */
class ShapeOpsTest {

    private final PureBackend backend = new PureBackend();

    static Stream<DType> dtypes() {
        return Stream.of(DType.values());
    }

    private Tensor iota(int[] shape, DType dtype) {
        int n = (int) Shapes.size(shape);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return backend.fromArray(x, shape, dtype);
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void transposeEveryPermutationOfRankFour(DType dtype) {
        int[] shape = {2, 3, 1, 4};
        Tensor x = iota(shape, dtype);
        int[][] perms = permutations(4);
        long[] strides = Shapes.strides(shape);
        for (int[] p : perms) {
            double[] actual = backend.transpose(x, p).toDoubleArray();
            int[] out = {shape[p[0]], shape[p[1]], shape[p[2]], shape[p[3]]};
            int i = 0;
            for (int a = 0; a < out[0]; a++) {
                for (int b = 0; b < out[1]; b++) {
                    for (int c = 0; c < out[2]; c++) {
                        for (int d = 0; d < out[3]; d++) {
                            int[] idx = {a, b, c, d};
                            long src = 0;
                            for (int k = 0; k < 4; k++) {
                                src += idx[k] * strides[p[k]];
                            }
                            assertEquals(src, actual[i++], 0, () -> java.util.Arrays.toString(p));
                        }
                    }
                }
            }
        }
    }

    private static int[][] permutations(int n) {
        if (n == 1) {
            return new int[][] {{0}};
        }
        int[][] smaller = permutations(n - 1);
        int[][] out = new int[smaller.length * n][];
        int r = 0;
        for (int[] s : smaller) {
            for (int pos = 0; pos < n; pos++) {
                int[] p = new int[n];
                for (int i = 0, j = 0; i < n; i++) {
                    p[i] = i == pos ? n - 1 : s[j++];
                }
                out[r++] = p;
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void sliceBroadcastConcatTake(DType dtype) {
        Tensor x = iota(new int[] {3, 4}, dtype);
        assertArrayEquals(new double[] {1, 2, 5, 6, 9, 10}, backend.slice(x, 1, 1, 3).toDoubleArray());
        assertArrayEquals(new double[] {4, 5, 6, 7}, backend.slice(x, 0, 1, 2).toDoubleArray());
        assertArrayEquals(new int[] {0, 4}, backend.slice(x, 0, 2, 2).shape());
        Tensor col = iota(new int[] {3, 1}, dtype);
        assertArrayEquals(new double[] {0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2},
                backend.broadcastTo(col, new int[] {2, 3, 2}).toDoubleArray());
        assertArrayEquals(new double[] {7, 7}, backend.broadcastTo(backend.full(new int[0], 7, dtype), new int[] {2}).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> backend.broadcastTo(x, new int[] {4, 3}));
        Tensor y = iota(new int[] {3, 1}, dtype);
        assertArrayEquals(new double[] {0, 1, 2, 3, 0, 4, 5, 6, 7, 1, 8, 9, 10, 11, 2},
                backend.concat(List.of(x, y), 1).toDoubleArray());
        assertArrayEquals(new double[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11},
                backend.take(x, new int[] {2, 0, 2}).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> backend.take(x, new int[] {3}));
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void whereBroadcastsAllThree(DType dtype) {
        Tensor condition = backend.fromArray(new double[] {1, 0, 1}, new int[] {3}, DType.FLOAT32);
        Tensor a = iota(new int[] {2, 1}, dtype);
        Tensor b = backend.full(new int[0], -1, dtype);
        Tensor w = backend.where(condition, a, b);
        assertArrayEquals(new int[] {2, 3}, w.shape());
        assertArrayEquals(new double[] {0, -1, 0, 1, -1, 1}, w.toDoubleArray());
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void whereOnFullAndScalarOperandsPicksElementwise(DType dtype) {
        for (int n : new int[] {1, 7, 33, 100003}) {
            double[] c = new double[n];
            double[] a = new double[n];
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? -0.0 : i % 7 == 2 ? Double.NaN : 2;
                a[i] = i;
                b[i] = -i;
            }
            Tensor tc = backend.fromArray(c, new int[] {n}, dtype);
            Tensor ta = backend.fromArray(a, new int[] {n}, dtype);
            Tensor tb = backend.fromArray(b, new int[] {n}, dtype);
            Tensor sa = backend.full(new int[0], 5, dtype);
            Tensor sb = backend.full(new int[] {1}, -5, dtype);
            Tensor[][] cases = {{tc, ta, tb}, {tc, ta, sb}, {tc, sa, tb}, {tc, sa, sb}};
            for (Tensor[] k : cases) {
                double[] actual = backend.where(k[0], k[1], k[2]).toDoubleArray();
                double[] av = k[1].toDoubleArray();
                double[] bv = k[2].toDoubleArray();
                for (int i = 0; i < n; i++) {
                    // NaN is non-zero; -0 is zero.
                    double expected = c[i] != 0 ? av[av.length == 1 ? 0 : i] : bv[bv.length == 1 ? 0 : i];
                    assertEquals(expected, actual[i], 0, "n=" + n + " at " + i);
                }
            }
            Tensor scalarCondition = backend.full(new int[0], 1, dtype);
            assertArrayEquals(a, backend.where(scalarCondition, ta, tb).toDoubleArray(), 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void threadedUnaryMatchesFormulaAndEdgeCases(DType dtype) {
        int n = (1 << 17) + 3;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i - n / 2) * 1e-3;
        }
        x[0] = -1000;
        x[1] = 1000;
        x[2] = Double.NaN;
        x[3] = -0.0;
        Tensor t = backend.fromArray(x, new int[] {n}, dtype);
        double[] stored = t.toDoubleArray();
        double[] sigmoid = backend.unary(UnaryOp.SIGMOID, t).toDoubleArray();
        double[] sign = backend.unary(UnaryOp.SIGN, t).toDoubleArray();
        double tolerance = dtype == DType.FLOAT32 ? 1e-7 : 1e-15;
        for (int i = 4; i < n; i++) {
            double expected = 1 / (1 + Math.exp(-stored[i]));
            assertEquals(expected, sigmoid[i], tolerance, "sigmoid at " + stored[i]);
            assertEquals(Math.signum(stored[i]) + 0.0, sign[i], 0, "sign at " + stored[i]);
        }
        assertEquals(0, sigmoid[0], 0);
        assertEquals(1, sigmoid[1], 0);
        assertEquals(Double.NaN, sigmoid[2]);
        assertEquals(Double.NaN, sign[2]);
        assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(sign[3]));
        assertNotSame(t, backend.unary(UnaryOp.NEGATE, t));
        assertArrayEquals(stored, t.toDoubleArray(), 0, "the argument is unchanged");
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void argmaxTakesFirstOfTiesAndFirstNaN(DType dtype) {
        Tensor x = backend.fromArray(new double[] {1, 3, 3, 0, Double.NaN, 5, 2, Double.NaN}, new int[] {2, 4}, dtype);
        assertArrayEquals(new double[] {1, 0}, backend.argmax(x, 1).toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 0, 1}, backend.argmax(x, 0).toDoubleArray());
    }
}
