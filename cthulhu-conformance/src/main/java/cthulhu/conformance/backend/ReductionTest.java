package cthulhu.conformance.backend;

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

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Reductions along one axis ({@code sum, mean, max, min}, with positive and negative axes and
 * {@code keepdims}), whole-tensor {@code sum}/{@code mean}, and {@code argmax} with ties: values
 * against a plain-Java reduction in double, gradients against central differences and, for ties,
 * against the documented sharing rule.
 */
class ReductionTest extends ConformanceTestBase {

    private static final int[] SHAPE = {2, 3, 4};
    private static final double[] X = Reference.uniform(24, -5, 5, 17);

    static Stream<Arguments> reductionsAxesKeepdims() {
        return Stream.of("sum", "mean", "max", "min").flatMap(op -> IntStream.rangeClosed(-3, 2).boxed()
                .flatMap(axis -> Stream.of(false, true).map(keep -> arguments(op, axis, keep))));
    }

    @ParameterizedTest(name = "{0}(axis={1}, keepdims={2})")
    @MethodSource("reductionsAxesKeepdims")
    void reduceAlongAnAxis(String op, int axis, boolean keepdims) {
        int a = axis < 0 ? axis + 3 : axis;
        double[] x = Reference.stored(X);
        double[] expected = switch (op) {
            case "sum" -> Reference.reduce(x, SHAPE, a, Double::sum, 0);
            case "mean" -> Arrays.stream(Reference.reduce(x, SHAPE, a, Double::sum, 0)).map(v -> v / SHAPE[a]).toArray();
            case "max" -> Reference.reduce(x, SHAPE, a, Math::max, Double.NEGATIVE_INFINITY);
            default -> Reference.reduce(x, SHAPE, a, Math::min, Double.POSITIVE_INFINITY);
        };
        Tensor t = K.constant(X, SHAPE);
        Tensor result = switch (op) {
            case "sum" -> K.sum(t, axis, keepdims);
            case "mean" -> K.mean(t, axis, keepdims);
            case "max" -> K.max(t, axis, keepdims);
            default -> K.min(t, axis, keepdims);
        };
        assertTensor(expected, Reference.reducedShape(SHAPE, a, keepdims), result, Tolerance.current().times(4));
    }

    @ParameterizedTest(name = "{0}(axis={1}, keepdims={2})")
    @MethodSource("reductionsAxesKeepdims")
    void gradientOfReductions(String op, int axis, boolean keepdims) {
        GradientCheck.check(t -> switch (op) {
            case "sum" -> K.square(K.sum(t, axis, keepdims));
            case "mean" -> K.square(K.mean(t, axis, keepdims));
            case "max" -> K.square(K.max(t, axis, keepdims));
            default -> K.square(K.min(t, axis, keepdims));
        }, X, SHAPE);
    }

    @Test
    void wholeTensorSumAndMeanAreScalars() {
        double total = 0;
        for (double v : Reference.stored(X)) {
            total += v;
        }
        Tensor t = K.constant(X, SHAPE);
        assertTensor(new double[] {total}, new int[0], K.sum(t), Tolerance.current().times(4).withAtol(1e-5));
        assertTensor(new double[] {total / 24}, new int[0], K.mean(t), Tolerance.current().times(4).withAtol(1e-6));
        GradientCheck.check(x -> K.square(K.mean(x)), X, SHAPE);
    }

    @Test
    void reducingARankOneTensorGivesAScalar() {
        assertTensor(new double[] {6}, new int[0], K.sum(K.constant(new double[] {1, 2, 3}, 3), 0, false));
        assertTensor(new double[] {3}, new int[] {1}, K.max(K.constant(new double[] {1, 3, 2}, 3), -1, true));
    }

    @Test
    void maxAndMinOfInfinities() {
        Tensor t = K.constant(new double[] {Double.NEGATIVE_INFINITY, 1, Double.POSITIVE_INFINITY, -2}, 2, 2);
        assertExactly(new double[] {Double.POSITIVE_INFINITY, 1}, K.max(t, 0, false));
        assertExactly(new double[] {Double.NEGATIVE_INFINITY, -2}, K.min(t, 0, false));
    }

    @Test
    void anAxisOutOfRangeIsRejected() {
        Tensor t = K.zeros(2, 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.sum(t, 2, false), "Axis 2", "rank 2");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.max(t, -3, false), "Axis -3", "rank 2");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.argmax(t, 5), "Axis 5");
    }

    @Test
    void argmaxAlongEachAxisTakesTheFirstIndexOnTies() {
        // Hand-worked: rows [3, 1, 3] and [0, 2, 2]; ties resolve to the first index (NumPy, TensorFlow).
        Tensor t = K.constant(new double[] {3, 1, 3, 0, 2, 2}, 2, 3);
        assertTensor(new double[] {0, 1}, new int[] {2}, K.argmax(t, 1));
        assertTensor(new double[] {0, 1}, new int[] {2}, K.argmax(t, -1));
        assertTensor(new double[] {0, 1, 0}, new int[] {3}, K.argmax(t, 0));
        assertTensor(new double[] {0, 0}, new int[] {2}, K.argmax(K.zeros(2, 4), -1));
        assertTensor(new double[] {1, 0, 0}, new int[] {3}, K.argmax(K.constant(new double[] {1, 5, 2, 2, 5, 2}, 2, 3), -2));
    }

    @Test
    void argmaxOfRankThreeAlongTheMiddleAxis() {
        double[] x = Reference.stored(X);
        double[] expected = new double[8];
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 4; i++) {
                int best = 0;
                for (int k = 1; k < 3; k++) {
                    if (x[(o * 3 + k) * 4 + i] > x[(o * 3 + best) * 4 + i]) {
                        best = k;
                    }
                }
                expected[o * 4 + i] = best;
            }
        }
        assertTensor(expected, new int[] {2, 4}, K.argmax(K.constant(X, SHAPE), 1));
    }

    @Test
    void gradientOfMaxAndMinOnTiesIsSharedEqually() {
        // Documented rule: the gradient is split equally among the elements that attain the maximum.
        Tensor x = K.constant(new double[] {2, 2, 1, -1, 0, -1}, 2, 3);
        assertClose(new double[] {0.5, 0.5, 0, 0, 1, 0}, K.gradient(t -> K.max(t, 1, false), x).toDoubleArray(),
                Tolerance.current(), "d max / dx");
        assertClose(new double[] {0, 0, 1, 0.5, 0, 0.5}, K.gradient(t -> K.min(t, -1, true), x).toDoubleArray(),
                Tolerance.current(), "d min / dx");
    }
}
