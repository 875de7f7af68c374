package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import cthulhu.backend.Composites;
import cthulhu.backend.DType;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused softmax, relu and dense of {@link PureBackend} against the defaults in
 * {@link Composites} evaluated on the same backend's primitives. Relu and dense run the same
 * operations in the same order and agree bit for bit. Softmax does too, except that its
 * exponentials run per row, so a row shorter than a vector is exponentiated by the plain loop
 * where the default's one pass over the whole tensor uses the vector library (within an ulp),
 * and a single long row is summed in threads by the default; hence a few ulps of tolerance.
 */
class CompositeOverridesTest {

    private final PureBackend backend = new PureBackend();

    static Stream<DType> dtypes() {
        return Stream.of(DType.values());
    }

    private Tensor random(int[] shape, DType dtype, long seed) {
        Random random = new Random(seed);
        int n = (int) Shapes.size(shape);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (random.nextDouble() - 0.5) * 20;
        }
        if (n > 4) {
            x[0] = Double.NaN;
            x[1] = -0.0;
            x[2] = Double.POSITIVE_INFINITY;
            x[3] = Double.NEGATIVE_INFINITY;
        }
        return backend.fromArray(x, shape, dtype);
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void softmaxMatchesTheComposite(DType dtype) {
        int[][] shapes = {{3, 5}, {2, 3, 17}, {4, 0}, {0, 4}, {70000, 3}, {2, 40000}};
        // Softmax values lie in [0, 1]: a few ulps of 1.
        double tolerance = dtype == DType.FLOAT32 ? 3e-7 : 1e-15;
        for (int[] shape : shapes) {
            Tensor x = random(shape, dtype, shape.length);
            for (int axis = -1; axis < shape.length; axis++) {
                assertArrayEquals(Composites.softmax(backend, x, axis).toDoubleArray(),
                        backend.softmax(x, axis).toDoubleArray(), tolerance, java.util.Arrays.toString(shape) + " axis " + axis);
            }
        }
        Tensor row = random(new int[] {1, 300000}, dtype, 9);
        Tensor finite = backend.where(backend.binary(cthulhu.backend.BinaryOp.EQUAL, row, row), row,
                backend.full(new int[0], 0, dtype));
        assertArrayEquals(Composites.softmax(backend, finite, 1).toDoubleArray(), backend.softmax(finite, 1).toDoubleArray(),
                tolerance, "one long row");
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void reluMatchesTheComposite(DType dtype) {
        for (int n : new int[] {0, 5, 33, 100003}) {
            Tensor x = random(new int[] {n}, dtype, n);
            assertArrayEquals(Composites.relu(backend, x, 0, null, 0).toDoubleArray(),
                    backend.relu(x, 0, null, 0).toDoubleArray(), 0, "plain relu n=" + n);
            assertArrayEquals(Composites.relu(backend, x, 0.1, 6.0, 0.5).toDoubleArray(),
                    backend.relu(x, 0.1, 6.0, 0.5).toDoubleArray(), 0, "parameterised relu n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void denseMatchesTheComposite(DType dtype) {
        int[][] sizes = {{1, 1, 1}, {7, 13, 5}, {129, 70, 300}, {3, 0, 4}};
        for (int[] s : sizes) {
            Tensor x = random(new int[] {s[0], s[1]}, dtype, 1);
            Tensor kernel = random(new int[] {s[1], s[2]}, dtype, 2);
            Tensor bias = random(new int[] {s[2]}, dtype, 3);
            String at = java.util.Arrays.toString(s);
            assertArrayEquals(Composites.dense(backend, x, kernel, bias).toDoubleArray(),
                    backend.dense(x, kernel, bias).toDoubleArray(), 0, "with bias " + at);
            assertArrayEquals(Composites.dense(backend, x, kernel, null).toDoubleArray(),
                    backend.dense(x, kernel, null).toDoubleArray(), 0, "without bias " + at);
            Tensor rowBias = random(new int[] {1, s[2]}, dtype, 4);
            assertArrayEquals(Composites.dense(backend, x, kernel, rowBias).toDoubleArray(),
                    backend.dense(x, kernel, rowBias).toDoubleArray(), 0, "rank-2 bias " + at);
        }
    }
}
