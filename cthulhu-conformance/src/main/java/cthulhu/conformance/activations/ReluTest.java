package cthulhu.conformance.activations;

import cthulhu.activations.Activations;
import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Keras's {@code relu(x, alpha, max_value, threshold)}: the examples of the Keras documentation,
 * hand-worked cases with a negative threshold, and gradients against central differences away
 * from the kinks and against the documented convention at them.
 */
class ReluTest extends ConformanceTestBase {

    /** Keras 2.2.4's relu in double: x for x > threshold (clipped to [0, maxValue]), alpha·(x - threshold) otherwise. */
    static double relu(double x, double alpha, Double maxValue, double threshold) {
        if (x > threshold) {
            return maxValue == null ? x : Math.min(Math.max(x, 0), maxValue);
        }
        // Keras computes the negative part as -alpha·relu(threshold - x): no 0·∞ when alpha is 0.
        return alpha == 0 ? 0 : alpha * (x - threshold);
    }

    static Stream<Arguments> cases() {
        double[] foo = {-10, -5, 0, 5, 10};
        double[] around = {-2, -1.5, -1, -0.5, 0, 1};
        return Stream.of(
                // The examples of the Keras documentation (tf.keras.activations.relu).
                arguments(foo, 0.0, null, 0.0, new double[] {0, 0, 0, 5, 10}),
                arguments(foo, 0.5, null, 0.0, new double[] {-5, -2.5, 0, 5, 10}),
                arguments(foo, 0.0, 5.0, 0.0, new double[] {0, 0, 0, 5, 5}),
                arguments(foo, 0.0, null, 5.0, new double[] {0, 0, 0, 0, 10}),
                // Hand-worked: alpha and max_value together.
                arguments(foo, 0.5, 5.0, 0.0, new double[] {-5, -2.5, 0, 5, 5}),
                arguments(foo, 0.1, null, 5.0, new double[] {-1.5, -1, -0.5, 0, 10}),
                // Hand-worked: a negative threshold keeps x in (threshold, 0) as it is (Keras 2.2.4).
                arguments(around, 0.0, null, -1.0, new double[] {0, 0, 0, -0.5, 0, 1}),
                arguments(around, 0.1, null, -1.0, new double[] {-0.1, -0.05, 0, -0.5, 0, 1}),
                arguments(around, 0.0, 0.5, -1.0, new double[] {0, 0, 0, 0, 0, 0.5}),
                // Extremes: relu is exact for huge and tiny magnitudes.
                arguments(new double[] {-1e30, -1e-30, 1e-30, 1e30}, 0.0, null, 0.0, new double[] {0, 0, 1e-30, 1e30}),
                arguments(new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}, 0.0, 6.0, 0.0,
                        new double[] {0, 6}));
    }

    @ParameterizedTest(name = "relu({0}, alpha={1}, max_value={2}, threshold={3}) = {4}")
    @MethodSource("cases")
    void values(double[] x, double alpha, Double maxValue, double threshold, double[] expected) {
        for (int i = 0; i < x.length; i++) {
            // The table is checked against the formula as well, so that a typo in either shows.
            assertEquals(relu(x[i], alpha, maxValue, threshold), expected[i], 1e-12, "table row " + i);
        }
        Tensor input = K.constant(x, x.length);
        assertTensor(expected, new int[] {x.length}, Activations.relu(input, alpha, maxValue, threshold),
                Tolerance.current().withAtol(0));
        if (alpha == 0 && maxValue == null && threshold == 0) {
            assertTensor(expected, new int[] {x.length}, Activations.relu(input), Tolerance.current().withAtol(0));
            assertTensor(expected, new int[] {x.length}, K.relu(input), Tolerance.current().withAtol(0));
        }
    }

    static Stream<Arguments> parameters() {
        return Stream.of(
                arguments(0.0, null, 0.0), arguments(0.3, null, 0.0), arguments(0.0, 2.0, 0.0), arguments(0.3, 2.0, 0.0),
                arguments(0.0, null, 1.0), arguments(0.2, null, -1.0), arguments(0.2, 1.5, -1.0), arguments(0.0, 0.5, -1.0));
    }

    @ParameterizedTest(name = "alpha={0}, max_value={1}, threshold={2}")
    @MethodSource("parameters")
    void gradientAwayFromTheKinks(double alpha, Double maxValue, double threshold) {
        // Points more than h away from 0, ±1, 0.5, 1.5, 2 (every threshold and max_value above).
        double[] x = {-2.3, -1.3, -0.7, -0.2, 0.3, 0.7, 1.2, 1.7, 2.6, 3.1};
        GradientCheck.check(t -> Activations.relu(t, alpha, maxValue, threshold), x, 2, 5);
        // Reference: the derivative of the formula, piece by piece.
        GradientCheck.checkElementwise(t -> Activations.relu(t, alpha, maxValue, threshold), v -> {
            if (v > threshold) {
                return maxValue != null && (v < 0 || v > maxValue) ? 0 : 1;
            }
            return alpha;
        }, x);
    }

    @Test
    void gradientAtTheKinkIsZero() {
        // Convention of TensorFlow (and Ops.relu): the derivative of relu at x = threshold is 0.
        GradientCheck.checkElementwise(Activations::relu, v -> v > 0 ? 1 : 0, -1, 0, 1);
        GradientCheck.checkElementwise(t -> Activations.relu(t, 0, null, 2), v -> v > 2 ? 1 : 0, 1, 2, 3);
    }

    @Test
    void anInfiniteGradientDoesNotReachAnInactiveUnit() {
        // TensorFlow's ReluGrad selects the incoming gradient where x > 0 and 0 elsewhere: no ∞ · 0.
        Tensor x = K.constant(new double[] {-1, 0, 2}, 3);
        Tensor scale = K.constant(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3}, 3);
        Tensor dx;
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(x);
            dx = tape.gradient(K.sum(K.multiply(K.relu(x), scale)), x).get(0);
        }
        assertTensor(new double[] {0, 0, 3}, new int[] {3}, dx, Tolerance.current().withAtol(0));
    }

    @Test
    void getReluIsTheDefaultRelu() {
        double[] x = {-3, -0.5, 0, 0.5, 3};
        assertTensor(new double[] {0, 0, 0, 0.5, 3}, new int[] {5}, Activations.get("relu").apply(K.constant(x, 5)),
                Tolerance.current().withAtol(0));
    }
}
