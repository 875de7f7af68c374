package cthulhu.conformance.backend;

import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import static cthulhu.conformance.TensorAssert.assertTensor;

/**
 * Operations applied to the results of shape operations. Native libraries often return views
 * (strided, offset or broadcast) from transpose, slice and broadcast; every later operation must
 * read them as the logical tensor they are. Each producer's result goes through maps,
 * broadcasting binaries, reductions, reshape, matmul, concatenation, transpose and gather,
 * against the same steps on plain row-major arrays in the test.
 */
class ChainedViewsTest extends ConformanceTestBase {

    /** A row-major array with its shape: the reference the backend's tensors are compared with. */
    private record Nd(double[] data, int[] shape) {

        int size() {
            return data.length;
        }

        Nd map(DoubleUnaryOperator f) {
            double[] out = data.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] = f.applyAsDouble(out[i]);
            }
            return new Nd(out, shape);
        }

        Nd transpose(int... perm) {
            int[] out = new int[shape.length];
            for (int i = 0; i < perm.length; i++) {
                out[i] = shape[perm[i]];
            }
            long[] strides = Shapes.strides(shape);
            double[] r = new double[data.length];
            int[] index = new int[out.length];
            for (int i = 0; i < r.length; i++) {
                int rem = i;
                for (int a = out.length - 1; a >= 0; a--) {
                    index[a] = rem % out[a];
                    rem /= out[a];
                }
                long src = 0;
                for (int a = 0; a < out.length; a++) {
                    src += index[a] * strides[perm[a]];
                }
                r[i] = data[(int) src];
            }
            return new Nd(r, out);
        }

        Nd slice(int axis, int start, int end) {
            int[] out = shape.clone();
            out[axis] = end - start;
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            int inner = (int) (Shapes.size(shape) / outer / shape[axis]);
            double[] r = new double[(int) Shapes.size(out)];
            int n = 0;
            for (int o = 0; o < outer; o++) {
                for (int k = start; k < end; k++) {
                    for (int i = 0; i < inner; i++) {
                        r[n++] = data[(o * shape[axis] + k) * inner + i];
                    }
                }
            }
            return new Nd(r, out);
        }

        Nd broadcastTo(int... target) {
            double[] zeros = new double[(int) Shapes.size(target)];
            return new Nd(Reference.broadcast(data, shape, zeros, target, target, (a, b) -> a), target);
        }

        Nd binary(Nd other, DoubleBinaryOperator f) {
            int[] out = Shapes.broadcast(shape, other.shape);
            return new Nd(Reference.broadcast(data, shape, other.data, other.shape, out, f), out);
        }

        Nd sum(int axis) {
            return new Nd(Reference.reduce(data, shape, axis, Double::sum, 0), Reference.reducedShape(shape, axis, false));
        }

        Nd reshape(int... target) {
            return new Nd(data, target);
        }

        Nd concat0(Nd other) {
            double[] r = new double[data.length + other.data.length];
            System.arraycopy(data, 0, r, 0, data.length);
            System.arraycopy(other.data, 0, r, data.length, other.data.length);
            int[] out = shape.clone();
            out[0] += other.shape[0];
            return new Nd(r, out);
        }

        Nd gather0(int... rows) {
            int row = data.length / shape[0];
            double[] r = new double[rows.length * row];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(data, rows[i] * row, r, i * row, row);
            }
            int[] out = shape.clone();
            out[0] = rows.length;
            return new Nd(r, out);
        }

        Tensor tensor() {
            return K.constant(data, shape);
        }
    }

    /** Inputs as the active float type stores them (so never in a static field: the type differs per suite). */
    private static Nd input(int seed, int... shape) {
        return new Nd(Reference.stored(Reference.uniform(shape, -2, 2, seed)), shape);
    }

    /** The producer's tensor and its reference. */
    private record Produced(Tensor tensor, Nd reference) {
    }

    private static Produced produce(String producer) {
        Nd ref = input(61, 3, 4, 5);
        Nd column = input(62, 3, 1, 5);
        Tensor x = ref.tensor();
        return switch (producer) {
            case "transpose" -> new Produced(K.transpose(x, 2, 0, 1), ref.transpose(2, 0, 1));
            case "transpose-reverse" -> new Produced(K.transpose(x), ref.transpose(2, 1, 0));
            case "slice-middle" -> new Produced(K.slice(x, 1, 1, 3), ref.slice(1, 1, 3));
            case "slice-last" -> new Produced(K.slice(x, -1, 2, 5), ref.slice(2, 2, 5));
            case "slice-first" -> new Produced(K.slice(x, 0, 1, 3), ref.slice(0, 1, 3));
            case "broadcast" -> new Produced(K.broadcastTo(column.tensor(), 3, 4, 5), column.broadcastTo(3, 4, 5));
            case "reshape-of-transpose" -> new Produced(K.reshape(K.transpose(x, 1, 0, 2), 4, 3, 5),
                    ref.transpose(1, 0, 2).reshape(4, 3, 5));
            case "gather" -> new Produced(K.gather(x, 2, 0, 2), ref.gather0(2, 0, 2));
            case "slice-of-transpose" -> new Produced(K.slice(K.transpose(x, 0, 2, 1), 1, 1, 4),
                    ref.transpose(0, 2, 1).slice(1, 1, 4));
            default -> throw new IllegalArgumentException("Unknown producer " + producer);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transpose", "transpose-reverse", "slice-middle", "slice-last", "slice-first", "broadcast",
        "reshape-of-transpose", "gather", "slice-of-transpose"})
    void everyConsumerReadsTheLogicalTensor(String producer) {
        Produced p = produce(producer);
        Tensor v = p.tensor();
        Nd r = p.reference();
        Tolerance tol = Tolerance.current().times(10);
        int[] shape = r.shape();
        int last = shape[shape.length - 1];
        assertTensor(r.data(), shape, v, new Tolerance(0, 0));
        assertTensor(r.map(Math::exp).data(), shape, K.exp(v), tol);
        assertTensor(r.map(a -> a * 3).data(), shape, K.multiply(v, 3), tol);
        Nd row = new Nd(Reference.stored(Reference.uniform(last, -1, 1, 63)), new int[] {last});
        assertTensor(r.binary(row, Double::sum).data(), shape, K.add(v, row.tensor()), tol);
        assertTensor(row.binary(r, (a, b) -> a - b).data(), shape, K.subtract(row.tensor(), v), tol);
        assertTensor(r.binary(r, (a, b) -> a * b).data(), shape, K.multiply(v, v), tol);
        for (int axis = 0; axis < shape.length; axis++) {
            Nd s = r.sum(axis);
            assertTensor(s.data(), s.shape(), K.sum(v, axis, false), tol);
        }
        assertTensor(r.data(), new int[] {r.size()}, K.reshape(v, -1), new Tolerance(0, 0));
        double[] w = Reference.stored(Reference.uniform(last * 2, -1, 1, 64));
        assertTensor(Reference.matmul(r.data(), w, r.size() / last, last, 2), new int[] {r.size() / last, 2},
                K.dot(K.reshape(v, -1, last), K.constant(w, last, 2)), tol);
        Nd doubled = r.concat0(r);
        assertTensor(doubled.data(), doubled.shape(), K.concatenate(List.of(v, v), 0), new Tolerance(0, 0));
        Nd t = r.transpose(2, 1, 0);
        assertTensor(t.data(), t.shape(), K.transpose(v), new Tolerance(0, 0));
        Nd g = r.gather0(1, 0);
        assertTensor(g.data(), g.shape(), K.gather(v, 1, 0), new Tolerance(0, 0));
        Nd sl = r.slice(2, 1, last);
        assertTensor(sl.data(), sl.shape(), K.slice(v, 2, 1, last), new Tolerance(0, 0));
        assertTensor(softmaxLast(r).data(), shape, K.softmax(v, -1), tol);
    }

    private static Nd softmaxLast(Nd r) {
        return new Nd(Reference.softmax(r.data(), r.shape(), r.shape().length - 1), r.shape());
    }
}
