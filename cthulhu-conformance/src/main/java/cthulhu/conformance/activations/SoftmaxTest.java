package cthulhu.conformance.activations;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link Activations#softmax}: along every axis of ranks 2 to 4 against {@code exp(x - max) /
 * Σ exp(x - max)} evaluated in double, hand-worked values, stability at inputs like 1000, the
 * rejection of 1-D input with Keras's message, and the gradient against central differences.
 */
class SoftmaxTest extends ConformanceTestBase {

    static Stream<Arguments> shapesAndAxes() {
        int[][] shapes = {{3, 4}, {2, 3, 4}, {2, 3, 2, 3}};
        return Stream.of(shapes).flatMap(shape -> IntStream.range(-shape.length, shape.length)
                .mapToObj(axis -> arguments(shape, axis)));
    }

    @ParameterizedTest(name = "shape {0}, axis {1}")
    @MethodSource("shapesAndAxes")
    void alongEveryAxis(int[] shape, int axis) {
        double[] x = Reference.uniform(shape, -4, 4, 31);
        double[] expected = Reference.softmax(Reference.stored(x), shape, Math.floorMod(axis, shape.length));
        assertTensor(expected, shape, Activations.softmax(K.constant(x, shape), axis), Tolerance.current().times(4));
    }

    @ParameterizedTest(name = "shape {0}, axis {1}")
    @MethodSource("shapesAndAxes")
    void gradientAlongEveryAxis(int[] shape, int axis) {
        // A weighted sum: Σ softmax itself is constant along the axis, so its gradient would be zero.
        double[] x = Reference.uniform(shape, -2, 2, 37);
        double[] w = Reference.uniform(shape, -1, 1, 41);
        GradientCheck.check(t -> K.multiply(Activations.softmax(t, axis), K.constant(w, shape)), x, shape);
    }

    @Test
    void defaultAxisIsTheLast() {
        double[] x = Reference.uniform(24, -3, 3, 43);
        int[] shape = {2, 3, 4};
        assertTensor(Reference.softmax(Reference.stored(x), shape, 2), shape, Activations.softmax(K.constant(x, shape)),
                Tolerance.current().times(4));
    }

    @Test
    void handWorkedValues() {
        // softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6; softmax of equal inputs is uniform.
        Tensor x = K.constant(new double[] {0, Math.log(2), Math.log(3), 7, 7, 7}, 2, 3);
        assertTensor(new double[] {1 / 6.0, 2 / 6.0, 3 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, new int[] {2, 3},
                Activations.softmax(x), Tolerance.current().times(4));
    }

    @Test
    void largeInputsDoNotOverflow() {
        // Reference: the maximum is subtracted first, so [1000, 1000, 1001] behaves as [-1, -1, 0].
        // A row of very negative inputs must not underflow to 0 / 0 either: [-3000, -3000, -2999] as [-1, -1, 0].
        double e = Math.exp(-1);
        double big = 1 / (2 * e + 1);
        double small = e / (2 * e + 1);
        Tensor x = K.constant(new double[] {1000, 1000, 1001, -1000, 0, 1000, -3000, -3000, -2999}, 3, 3);
        assertTensor(new double[] {small, small, big, 0, 0, 1, small, small, big}, new int[] {3, 3},
                Activations.softmax(x), Tolerance.current().times(4));
        assertTensor(new double[] {small, small, big, 0, 0, 1, small, small, big}, new int[] {3, 3},
                Activations.softmax(x, 1), Tolerance.current().times(4));
        GradientCheck.check(t -> K.multiply(Activations.softmax(t), K.constant(new double[] {1, -2, 3}, 3)),
                new double[] {1000, 1000.5, 999, -3000, -2999, -2999.5}, 2, 3);
    }

    @Test
    void oneDimensionalInputIsRejectedWithKerasMessage() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Activations.softmax(K.constant(new double[] {1, 2, 3}, 3)),
                "Cannot apply softmax to a tensor that is 1D", "[3]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Activations.get("softmax").apply(K.constant(new double[] {1, 2}, 2)),
                "Cannot apply softmax to a tensor that is 1D");
    }

    @Test
    void anAxisOutOfRangeIsRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.softmax(K.zeros(2, 3), 2), "Axis 2");
    }
}
