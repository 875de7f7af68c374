package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cthulhu.backend.DType;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reductions on one thread against the threaded splits (by outer slices, by inner columns and
 * by chunks of the reduced axis) and against a reference summed in double.
 */
class ReductionTest {

    private final PureBackend backend = new PureBackend();

    static Stream<Arguments> cases() {
        // outer x len x inner: each shape above the threshold picks a different split.
        int[][] shapes = {{1, 1 << 18, 1}, {1, 300, 1000}, {1, 20000, 5}, {64, 2048, 1}, {600, 3, 200},
            {3, 0, 4}, {2, 7, 3}};
        Stream.Builder<Arguments> b = Stream.builder();
        for (int[] s : shapes) {
            for (ReduceOp op : ReduceOp.values()) {
                for (DType dtype : DType.values()) {
                    b.add(Arguments.of(s, op, dtype));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void threadedAgreesWithSingleThreadAndReference(int[] shape, ReduceOp op, DType dtype) {
        Random random = new Random(3);
        int n = (int) Shapes.size(shape);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble() * 2 - 1;
        }
        PureTensor t = (PureTensor) backend.fromArray(x, shape, dtype);
        double[] stored = t.toDoubleArray();
        int outer = shape[0];
        int len = shape[1];
        int inner = shape[2];
        double[] expected = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double acc = op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                for (int k = 0; k < len; k++) {
                    double v = stored[(o * len + k) * inner + j];
                    acc = op == ReduceOp.SUM ? acc + v : op == ReduceOp.MAX ? Math.max(acc, v) : Math.min(acc, v);
                }
                expected[o * inner + j] = acc;
            }
        }
        double[] single = reduce(t, op, 1);
        double[] threaded = reduce(t, op, 2);
        Tensor viaBackend = backend.reduce(op, t, 1, true);
        assertArrayEquals(new int[] {outer, 1, inner}, viaBackend.shape());
        // float sums of up to 2^18 terms of magnitude below 1, rounded pairwise-ish: about sqrt(n)·6e-8·n.
        double tolerance = op != ReduceOp.SUM ? 0 : dtype == DType.FLOAT32 ? 2e-3 : 1e-9;
        assertArrayEquals(expected, single, tolerance, "single thread");
        assertArrayEquals(expected, threaded, tolerance, "threaded");
        assertArrayEquals(expected, viaBackend.toDoubleArray(), tolerance, "backend");
    }

    private static double[] reduce(PureTensor t, ReduceOp op, int threads) {
        int[] s = t.shape();
        int size = s[0] * s[2];
        if (t.floats() != null) {
            float[] out = new float[size];
            Reductions.reduce(op, t.floats(), null, s[0], s[1], s[2], out, null, threads);
            return PureTensor.ofFloats(t.backend(), new int[] {size}, out).toDoubleArray();
        }
        double[] out = new double[size];
        Reductions.reduce(op, null, t.doubles(), s[0], s[1], s[2], null, out, threads);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypesAndOps")
    void maxAndMinPropagateNaNOnEveryPath(DType dtype, ReduceOp op, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        x[n / 3] = Double.NaN;
        Tensor t = backend.fromArray(x, new int[] {n}, dtype);
        assertEquals(Double.NaN, backend.reduce(op, t, 0, false).toDoubleArray()[0]);
    }

    static Stream<Arguments> dtypesAndOps() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (DType dtype : DType.values()) {
            for (ReduceOp op : new ReduceOp[] {ReduceOp.MAX, ReduceOp.MIN}) {
                b.add(Arguments.of(dtype, op, 10));
                b.add(Arguments.of(dtype, op, 1 << 18));
            }
        }
        return b.build();
    }
}
