package cthulhu.conformance.backend;

import cthulhu.backend.Backend;
import cthulhu.backend.Composites;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every composite a backend may override ({@code softmax, relu, elu, softplus, softsign,
 * hardSigmoid, clip, dense, adam}) against the default written over the primitives in
 * {@link Composites}, on the same backend: an override may be faster, never different. For a
 * backend that overrides nothing this holds trivially; the values themselves are checked
 * against independent references in the activation tests.
 */
class CompositesTest extends ConformanceTestBase {

    /** Ordinary values, both signed zeros, kinks and large magnitudes. */
    private static final double[] X = {-1e4, -30, -2.5, -1, -0.3, -0.0, 0.0, 0.3, 1, 2.5, 30, 1e4};

    private static void assertSame(Tensor expected, Tensor actual, String what) {
        assertShape(expected.shape(), actual);
        assertClose(expected.toDoubleArray(), actual.toDoubleArray(), Tolerance.current().times(4),
                what + " (expected: Composites on the same backend)");
        expected.close();
        actual.close();
    }

    @Test
    void elementwiseComposites() {
        Backend b = K.currentBackend();
        Tensor x = K.constant(X, 3, 4);
        assertSame(Composites.softplus(b, x), b.softplus(x), "softplus");
        assertSame(Composites.softsign(b, x), b.softsign(x), "softsign");
        assertSame(Composites.hardSigmoid(b, x), b.hardSigmoid(x), "hardSigmoid");
        for (double alpha : new double[] {1, 0.3, 2}) {
            assertSame(Composites.elu(b, x, alpha), b.elu(x, alpha), "elu alpha=" + alpha);
        }
    }

    static Stream<Arguments> reluParameters() {
        return Stream.of(arguments(0.0, null, 0.0), arguments(0.3, null, 0.0), arguments(0.0, 6.0, 0.0),
                arguments(0.2, 6.0, 0.0), arguments(0.0, null, 1.0), arguments(0.1, null, -1.0),
                arguments(0.0, 0.5, -1.0), arguments(0.5, 2.0, 2.5));
    }

    @ParameterizedTest(name = "relu alpha={0}, max_value={1}, threshold={2}")
    @MethodSource("reluParameters")
    void relu(double alpha, Double maxValue, double threshold) {
        Backend b = K.currentBackend();
        Tensor x = K.constant(X, 3, 4);
        assertSame(Composites.relu(b, x, alpha, maxValue, threshold), b.relu(x, alpha, maxValue, threshold), "relu");
    }

    @ParameterizedTest(name = "clip [{0}, {1}]")
    @MethodSource("clipBounds")
    void clip(double min, double max) {
        Backend b = K.currentBackend();
        Tensor x = K.constant(X, 3, 4);
        assertSame(Composites.clip(b, x, min, max), b.clip(x, min, max), "clip");
    }

    static Stream<Arguments> clipBounds() {
        return Stream.of(arguments(-1.0, 1.0), arguments(0.0, 0.0), arguments(-1e30, 1e30), arguments(2.0, 1.0),
                arguments(-0.3, 2.5));
    }

    @ParameterizedTest(name = "softmax axis {0}")
    @ValueSource(ints = {0, 1, 2})
    void softmax(int axis) {
        Backend b = K.currentBackend();
        double[] values = Reference.uniform(24, -5, 5, 3);
        values[0] = 1000;
        values[1] = 999;
        values[23] = -1000;
        Tensor x = K.constant(values, 2, 3, 4);
        assertSame(Composites.softmax(b, x, axis), b.softmax(x, axis), "softmax axis " + axis);
    }

    @Test
    void dense() {
        Backend b = K.currentBackend();
        Tensor x = K.constant(Reference.uniform(15, -2, 2, 5), 5, 3);
        Tensor kernel = K.constant(Reference.uniform(12, -1, 1, 6), 3, 4);
        Tensor bias = K.constant(Reference.uniform(4, -1, 1, 7), 4);
        assertSame(Composites.dense(b, x, kernel, bias), b.dense(x, kernel, bias), "dense");
        assertSame(Composites.dense(b, x, kernel, null), b.dense(x, kernel, null), "dense without bias");
        Tensor row = K.constant(new double[] {1, -2, 0.5}, 1, 3);
        assertSame(Composites.dense(b, row, kernel, bias), b.dense(row, kernel, bias), "dense of one row");
    }

    static Stream<Arguments> adamParameters() {
        return Stream.of(arguments(0.001, 1L, false), arguments(0.01, 7L, false), arguments(0.001, 3L, true),
                arguments(0.0, 2L, false));
    }

    @ParameterizedTest(name = "adam lr={0}, t={1}, amsgrad={2}")
    @MethodSource("adamParameters")
    void adam(double lr, long t, boolean amsgrad) {
        Backend b = K.currentBackend();
        Tensor p = K.constant(Reference.uniform(12, -2, 2, 8), 3, 4);
        Tensor g = K.constant(Reference.uniform(12, -1, 1, 9), 3, 4);
        Tensor m = K.constant(Reference.uniform(12, -0.1, 0.1, 10), 3, 4);
        Tensor v = K.constant(Reference.uniform(12, 0.01, 1, 11), 3, 4);
        Tensor vhat = amsgrad ? K.constant(Reference.uniform(12, 0.01, 1, 12), 3, 4) : null;
        Tensor[] expected = Composites.adam(b, p, g, m, v, vhat, lr, t, 0.9, 0.999, 1e-7);
        Tensor[] actual = b.adam(p, g, m, v, vhat, lr, t, 0.9, 0.999, 1e-7);
        String[] names = {"p'", "m'", "v'", "vhat'"};
        assertEquals(expected.length, actual.length, "results");
        for (int i = 0; i < expected.length; i++) {
            assertSame(expected[i], actual[i], "adam " + names[i]);
        }
    }
}
