package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.DType;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fast path of {@link PureBackend#binary} (equal shapes, scalar operand, trailing vector,
 * on both sides, small and above the threading threshold) against the general strided path and
 * against an element-by-element reference computed in double from broadcast indices.
 */
class BroadcastTest {

    private final PureBackend backend = new PureBackend();

    static Stream<Arguments> cases() {
        int[][][] shapes = {
            {{3, 4}, {3, 4}}, {{3, 4}, {}}, {{}, {3, 4}}, {{3, 4}, {1}}, {{3, 4}, {4}}, {{4}, {3, 4}},
            {{2, 3, 4}, {3, 4}}, {{2, 3, 4}, {1, 3, 4}}, {{3, 1}, {1, 4}}, {{2, 1, 4}, {3, 1}},
            {{5, 1, 3}, {5, 4, 1}}, {{3, 4}, {3, 1}}, {{}, {}}, {{0, 4}, {4}}, {{2, 0}, {1}},
            {{300, 257}, {257}}, {{300, 257}, {300, 257}}, {{300, 257}, {1, 1}}, {{300, 257}, {300, 1}},
            {{2, 1, 1}, {1, 3, 1}}, {{1, 1, 5}, {2, 1, 5}},
        };
        Stream.Builder<Arguments> b = Stream.builder();
        for (int[][] s : shapes) {
            for (BinaryOp op : BinaryOp.values()) {
                for (DType dtype : DType.values()) {
                    b.add(Arguments.of(s[0], s[1], op, dtype));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {2} {1} {3}")
    @MethodSource("cases")
    void fastPathsAgreeWithGeneralPathAndReference(int[] sa, int[] sb, BinaryOp op, DType dtype) {
        Random random = new Random(17);
        double[] av = values(random, (int) Shapes.size(sa));
        double[] bv = values(random, (int) Shapes.size(sb));
        PureTensor a = (PureTensor) backend.fromArray(av, sa, dtype);
        PureTensor b = (PureTensor) backend.fromArray(bv, sb, dtype);
        int[] shape = Shapes.broadcast(sa, sb);
        int n = (int) Shapes.size(shape);

        Tensor fast = backend.binary(op, a, b);
        assertArrayEquals(shape, fast.shape());

        float[] fo = dtype == DType.FLOAT32 ? new float[n] : null;
        double[] dout = dtype == DType.FLOAT64 ? new double[n] : null;
        PureBackend.broadcastBinary(op, a, b, shape, fo, dout);
        double[] general = fo != null ? PureTensor.ofFloats(backend, shape, fo).toDoubleArray() : dout;
        assertArrayEquals(general, fast.toDoubleArray(), 0, "fast path vs general path");

        double[] expected = reference(op, a.toDoubleArray(), sa, b.toDoubleArray(), sb, shape);
        double tolerance = dtype == DType.FLOAT32 ? 1e-6 : 1e-15;
        double[] actual = fast.toDoubleArray();
        for (int i = 0; i < n; i++) {
            assertArrayEquals(new double[] {expected[i]}, new double[] {actual[i]},
                    tolerance * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    /** Values in [0.5, 2) with sign and some exact ties, so comparisons and pow are exercised. */
    static double[] values(Random random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(4) == 0 ? 1.0 : 0.5 + 1.5 * random.nextDouble();
        }
        return x;
    }

    static double[] reference(BinaryOp op, double[] a, int[] sa, double[] b, int[] sb, int[] shape) {
        int n = (int) Shapes.size(shape);
        double[] out = new double[n];
        int[] index = new int[shape.length];
        for (int i = 0; i < n; i++) {
            int rest = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }
            double x = a[offset(index, sa)];
            double y = b[offset(index, sb)];
            switch (op) {
                case ADD: out[i] = x + y; break;
                case SUBTRACT: out[i] = x - y; break;
                case MULTIPLY: out[i] = x * y; break;
                case DIVIDE: out[i] = x / y; break;
                case POW: out[i] = Math.pow(x, y); break;
                case MAXIMUM: out[i] = Math.max(x, y); break;
                case MINIMUM: out[i] = Math.min(x, y); break;
                case GREATER: out[i] = x > y ? 1 : 0; break;
                case GREATER_EQUAL: out[i] = x >= y ? 1 : 0; break;
                case EQUAL: out[i] = x == y ? 1 : 0; break;
                default: throw new AssertionError(op);
            }
        }
        return out;
    }

    private static int offset(int[] index, int[] s) {
        int off = 0;
        for (int i = 0; i < s.length; i++) {
            int d = index[index.length - s.length + i];
            off = off * s[i] + (s[i] == 1 ? 0 : d);
        }
        return off;
    }
}
