package cthulhu.conformance.backend;

import cthulhu.backend.Backend;
import cthulhu.backend.Composites;
import cthulhu.backend.DType;
import cthulhu.backend.ElementKernel;
import cthulhu.backend.ElementwisePass;
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

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every composite a backend may override ({@code softmax, relu, reluGradient, elu, softplus,
 * softsign, hardSigmoid, clip, dense, mapElements}) against the default written over the primitives in
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

    @ParameterizedTest(name = "reluGradient alpha={0}, max_value={1}, threshold={2}")
    @MethodSource("reluParameters")
    void reluGradient(double alpha, Double maxValue, double threshold) {
        Backend b = K.currentBackend();
        Tensor x = K.constant(X, 3, 4);
        Tensor g = K.constant(new double[] {0.5, -2, 3, 1, -1, 4, 0.25, -3, 2, 1.5, -0.5, 7}, 3, 4);
        try (Tensor y = b.relu(x, alpha, maxValue, threshold)) {
            assertSame(Composites.reluGradient(b, x, y, g, alpha, maxValue, threshold),
                    b.reluGradient(x, y, g, alpha, maxValue, threshold), "reluGradient");
        }
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

    /** A kernel of two outputs with a root, a quotient and a maximum, for {@link #mapElements}. */
    private static final ElementKernel KERNEL = (in, out, n) -> {
        for (int i = 0; i < n; i++) {
            out[0][i] = in[0][i] - in[1][i] * 0.1 / (Math.sqrt(Math.abs(in[2][i])) + 1e-7);
            out[1][i] = Math.max(in[2][i], in[1][i] * in[1][i]);
        }
    };

    @Test
    void mapElements() {
        Backend b = K.currentBackend();
        Tensor p = K.constant(Reference.uniform(12, -2, 2, 8), 3, 4);
        Tensor g = K.constant(Reference.uniform(12, -1, 1, 9), 3, 4);
        Tensor v = K.constant(Reference.uniform(12, 0.01, 1, 11), 3, 4);
        assertAll(ElementwisePass.copying(b, KERNEL, List.of(p, g, v), 2), b.mapElements(KERNEL, List.of(p, g, v), 2));
        // Views (a transpose, a slice) as inputs: the pass reads their elements in row-major order.
        Tensor pt = K.transpose(K.constant(Reference.uniform(12, -2, 2, 8), 4, 3));
        Tensor gs = K.slice(K.constant(Reference.uniform(24, -1, 1, 9), 6, 4), 0, 3, 6);
        assertAll(ElementwisePass.copying(b, KERNEL, List.of(pt, gs, v), 2), b.mapElements(KERNEL, List.of(pt, gs, v), 2));
    }

    /**
     * A kernel with a float32 form runs that form on float32 tensors and its double form on
     * float64 ones, each on every element (20,000: the pass splits them over two threads from
     * 65,536 on, so also 70,000), and the float32 form's results come back as it computed them.
     */
    @ParameterizedTest(name = "{0} elements")
    @ValueSource(ints = {20_000, 70_000})
    void mapElementsRunsTheFloat32FormOnFloat32Tensors(int size) {
        Backend b = K.currentBackend();
        double[] values = Reference.uniform(size, -2, 2, 13);
        for (DType dtype : DType.values()) {
            AtomicLong doubles = new AtomicLong();
            AtomicLong floats = new AtomicLong();
            ElementKernel kernel = ElementKernel.of((in, out, n) -> {
                doubles.addAndGet(n);
                for (int i = 0; i < n; i++) {
                    out[0][i] = in[0][i] / 3;
                }
            }, (in, out, n) -> {
                floats.addAndGet(n);
                for (int i = 0; i < n; i++) {
                    out[0][i] = in[0][i] / 3f;
                }
            });
            Tensor x = K.constant(dtype, values, size / 100, 100);
            double[] result = b.mapElements(kernel, List.of(x), 1)[0].toDoubleArray();
            boolean single = dtype == DType.FLOAT32;
            assertEquals(single ? size : 0, floats.get(), dtype + ": elements through the float32 form");
            assertEquals(single ? 0 : size, doubles.get(), dtype + ": elements through the double form");
            for (int i = 0; i < size; i++) {
                double expected = single ? (double) ((float) values[i] / 3f) : values[i] / 3;
                assertEquals(expected, result[i], 0, dtype + " element " + i);
            }
        }
    }

    private static void assertAll(Tensor[] expected, Tensor[] actual) {
        assertEquals(expected.length, actual.length, "outputs");
        for (int i = 0; i < expected.length; i++) {
            assertSame(expected[i], actual[i], "mapElements output " + i);
        }
    }
}
