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

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The element-wise maps of {@link K}: values against the same function evaluated in double by
 * {@link Math}, IEEE special values (±0, ±∞, NaN) worked by hand, and gradients against central
 * differences in float64 and against the analytic derivative where differences do not apply.
 */
class ElementwiseTest extends ConformanceTestBase {

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double NAN = Double.NaN;

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** name, the K function, the reference in double, inputs inside its domain. */
    static Stream<Arguments> maps() {
        double[] any = {-3.5, -1, -0.25, 0.4, 1, 2.75};
        double[] positive = {0.01, 0.3, 1, 2.5, 10, 1e4};
        return Stream.of(
                arguments("abs", (UnaryOperator<Tensor>) K::abs, (DoubleUnaryOperator) Math::abs, any),
                arguments("negate", (UnaryOperator<Tensor>) K::negate, (DoubleUnaryOperator) x -> -x, any),
                arguments("exp", (UnaryOperator<Tensor>) K::exp, (DoubleUnaryOperator) Math::exp, any),
                arguments("expm1", (UnaryOperator<Tensor>) K::expm1, (DoubleUnaryOperator) Math::expm1,
                        new double[] {-3, -1e-3, -1e-9, 1e-9, 1e-3, 2}),
                arguments("log", (UnaryOperator<Tensor>) K::log, (DoubleUnaryOperator) Math::log, positive),
                arguments("log1p", (UnaryOperator<Tensor>) K::log1p, (DoubleUnaryOperator) Math::log1p,
                        new double[] {-0.9, -1e-9, 1e-9, 1e-3, 1, 1e3}),
                arguments("sqrt", (UnaryOperator<Tensor>) K::sqrt, (DoubleUnaryOperator) Math::sqrt, positive),
                arguments("square", (UnaryOperator<Tensor>) K::square, (DoubleUnaryOperator) x -> x * x, any),
                arguments("sign", (UnaryOperator<Tensor>) K::sign, (DoubleUnaryOperator) Math::signum, any),
                arguments("tanh", (UnaryOperator<Tensor>) K::tanh, (DoubleUnaryOperator) Math::tanh, any),
                arguments("sigmoid", (UnaryOperator<Tensor>) K::sigmoid, (DoubleUnaryOperator) ElementwiseTest::sigmoid,
                        new double[] {-30, -3.5, -0.25, 0.4, 2.75, 30}),
                arguments("reciprocal", (UnaryOperator<Tensor>) K::reciprocal, (DoubleUnaryOperator) x -> 1 / x, any),
                arguments("pow(x, 3)", (UnaryOperator<Tensor>) x -> K.pow(x, 3), (DoubleUnaryOperator) x -> x * x * x, any),
                arguments("pow(x, 0.5)", (UnaryOperator<Tensor>) x -> K.pow(x, 0.5), (DoubleUnaryOperator) Math::sqrt,
                        positive),
                arguments("pow(x, -2)", (UnaryOperator<Tensor>) x -> K.pow(x, -2), (DoubleUnaryOperator) x -> 1 / (x * x),
                        any));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maps")
    void valuesMatchTheDoublePrecisionFunction(String name, UnaryOperator<Tensor> f, DoubleUnaryOperator reference,
                                               double[] x) {
        // Reference: java.lang.Math in double at the stored inputs; one rounding of the result allowed
        // (relative, so that tiny results like expm1(1e-9) must be accurate too).
        Tensor input = K.constant(x, 2, x.length / 2);
        assertTensor(Reference.map(x, reference), new int[] {2, x.length / 2}, f.apply(input),
                Tolerance.current().times(2).withAtol(0));
    }

    /** name, function, input, expected: IEEE 754 special values worked by hand. */
    static Stream<Arguments> specialValues() {
        return Stream.of(
                special("abs", K::abs, -INF, INF), special("abs", K::abs, NAN, NAN),
                special("negate", K::negate, INF, -INF), special("negate", K::negate, NAN, NAN),
                special("exp", K::exp, -INF, 0), special("exp", K::exp, INF, INF), special("exp", K::exp, 0, 1),
                special("exp", K::exp, NAN, NAN), special("exp", K::exp, -1000, 0),
                special("expm1", K::expm1, -INF, -1), special("expm1", K::expm1, 0, 0),
                special("log", K::log, 0, -INF), special("log", K::log, -1, NAN), special("log", K::log, INF, INF),
                special("log", K::log, 1, 0), special("log", K::log, NAN, NAN),
                special("log1p", K::log1p, -1, -INF), special("log1p", K::log1p, -2, NAN), special("log1p", K::log1p, 0, 0),
                special("sqrt", K::sqrt, 0, 0), special("sqrt", K::sqrt, -1, NAN), special("sqrt", K::sqrt, INF, INF),
                special("sqrt", K::sqrt, 4, 2),
                special("square", K::square, -3, 9), special("square", K::square, -INF, INF),
                special("square", K::square, NAN, NAN),
                special("sign", K::sign, 0, 0), special("sign", K::sign, -INF, -1), special("sign", K::sign, INF, 1),
                special("sign", K::sign, -1e-30, -1), special("sign", K::sign, 1e-30, 1),
                special("tanh", K::tanh, INF, 1), special("tanh", K::tanh, -INF, -1), special("tanh", K::tanh, 1000, 1),
                special("tanh", K::tanh, -1000, -1), special("tanh", K::tanh, 0, 0), special("tanh", K::tanh, NAN, NAN),
                special("sigmoid", K::sigmoid, INF, 1), special("sigmoid", K::sigmoid, -INF, 0),
                special("sigmoid", K::sigmoid, 1000, 1), special("sigmoid", K::sigmoid, -1000, 0),
                special("sigmoid", K::sigmoid, 0, 0.5), special("sigmoid", K::sigmoid, NAN, NAN),
                special("reciprocal", K::reciprocal, 0, INF), special("reciprocal", K::reciprocal, INF, 0),
                special("reciprocal", K::reciprocal, -4, -0.25),
                special("pow", x -> K.pow(x, 2), -INF, INF), special("pow", x -> K.pow(x, 0), 5, 1),
                special("pow", x -> K.pow(x, 0.5), -1, NAN));
    }

    private static Arguments special(String name, UnaryOperator<Tensor> f, double x, double expected) {
        return arguments(name, f, x, expected);
    }

    @ParameterizedTest(name = "{0}({2}) = {3}")
    @MethodSource("specialValues")
    void specialValues(String name, UnaryOperator<Tensor> f, double x, double expected) {
        assertTensor(new double[] {expected}, new int[] {1}, f.apply(K.constant(new double[] {x}, 1)),
                Tolerance.current().withAtol(0));
    }

    @Test
    void signedZeros() {
        // IEEE 754: |−0| = +0, −(+0) = −0, 1/±0 = ±∞.
        Tensor zeros = K.constant(new double[] {-0.0, 0.0}, 2);
        assertExactly(new double[] {0.0, 0.0}, K.abs(zeros));
        assertExactly(new double[] {0.0, -0.0}, K.negate(zeros));
        assertExactly(new double[] {-INF, INF}, K.reciprocal(zeros));
    }

    /** name, function, points for central differences (away from singularities and kinks). */
    static Stream<Arguments> differentiable() {
        double[] any = {-2, -0.5, 0.3, 1.7};
        double[] positive = {0.2, 0.5, 1.3, 4};
        return Stream.of(
                arguments("abs", (UnaryOperator<Tensor>) K::abs, any),
                arguments("negate", (UnaryOperator<Tensor>) K::negate, any),
                arguments("exp", (UnaryOperator<Tensor>) K::exp, any),
                arguments("expm1", (UnaryOperator<Tensor>) K::expm1, any),
                arguments("log", (UnaryOperator<Tensor>) K::log, positive),
                arguments("log1p", (UnaryOperator<Tensor>) K::log1p, new double[] {-0.5, 0, 0.3, 2}),
                arguments("sqrt", (UnaryOperator<Tensor>) K::sqrt, positive),
                arguments("square", (UnaryOperator<Tensor>) K::square, any),
                arguments("sign", (UnaryOperator<Tensor>) K::sign, any),
                arguments("tanh", (UnaryOperator<Tensor>) K::tanh, any),
                arguments("sigmoid", (UnaryOperator<Tensor>) K::sigmoid, any),
                arguments("reciprocal", (UnaryOperator<Tensor>) K::reciprocal, any),
                arguments("pow(x, 3)", (UnaryOperator<Tensor>) x -> K.pow(x, 3), any),
                arguments("pow(x, 0.5)", (UnaryOperator<Tensor>) x -> K.pow(x, 0.5), positive),
                arguments("pow(x, -1.5)", (UnaryOperator<Tensor>) x -> K.pow(x, -1.5), positive),
                arguments("composition", (UnaryOperator<Tensor>) x -> K.tanh(K.multiply(K.exp(x), K.sigmoid(x))), any));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiable")
    void gradientMatchesCentralDifferences(String name, UnaryOperator<Tensor> f, double[] x) {
        GradientCheck.check(f::apply, x, 2, 2);
    }

    @Test
    void gradientsAtSaturationAreZeroNotNaN() {
        // Reference: σ'(x) = σ(x)(1 - σ(x)) and tanh'(x) = 1 - tanh²(x), both 0 in double at |x| = 1000.
        GradientCheck.checkElementwise(K::sigmoid, x -> sigmoid(x) * (1 - sigmoid(x)), -1000, -50, 1000);
        GradientCheck.checkElementwise(K::tanh, x -> 1 - Math.tanh(x) * Math.tanh(x), -1000, -30, 1000);
        GradientCheck.checkElementwise(K::sign, x -> 0, -1000, -0.5, 0, 2);
    }

    @Test
    void gradientOfAbsAtZeroIsZero() {
        // The subgradient convention of TensorFlow: d|x|/dx = sign(x), 0 at 0.
        GradientCheck.checkElementwise(K::abs, Math::signum, -1, 0, 1);
    }

    @Test
    void clipToAnInterval() {
        // Hand-worked; as in Keras, a max below min is taken as min.
        double[] x = {-3, -1, -0.5, 0, 0.5, 1, 3, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        assertTensor(new double[] {-1, -1, -0.5, 0, 0.5, 1, 1, -1, 1}, new int[] {9}, K.clip(K.constant(x, 9), -1, 1));
        assertTensor(new double[] {0, 0, 0, 0, 0.5, 0.75, 0.75, 0, 0.75}, new int[] {9},
                K.clip(K.constant(x, 9), 0, 0.75));
        assertTensor(new double[] {2, 2, 2, 2, 2, 2, 2, 2, 2}, new int[] {9}, K.clip(K.constant(x, 9), 2, 1));
    }

    @Test
    void gradientOfClip() {
        GradientCheck.check(t -> K.clip(t, -1, 1), new double[] {-2, -0.5, 0.3, 1.7}, 4);
        // Convention of Ops.clip: 1 on the closed interval, bounds included; 0 outside.
        GradientCheck.checkElementwise(t -> K.clip(t, -1, 1), v -> v >= -1 && v <= 1 ? 1 : 0, -2, -1, 0, 1, 2);
    }
}
