package cthulhu.conformance.activations;

import cthulhu.activations.Activation;
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

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The element-wise activations of {@link Activations} — elu, selu, softplus, softsign, relu,
 * tanh, sigmoid, hard_sigmoid, exponential, linear — each through its function and through
 * {@link Activations#get}: against its formula evaluated in double, the example values of the
 * Keras documentation, hand-worked edge cases (±0, kinks, thresholds, very large and very small
 * inputs), and gradients against central differences and analytic derivatives.
 */
class ElementwiseActivationsTest extends ConformanceTestBase {

    private static final double INF = Double.POSITIVE_INFINITY;
    /** SELU's constants, from Klambauer et al. (2017), written out independently of core. */
    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double elu(double x, double alpha) {
        return x > 0 ? x : alpha * Math.expm1(x);
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** name, formula in double, its derivative in double. */
    static Stream<Arguments> activations() {
        return Stream.of(
                arguments("elu", (DoubleUnaryOperator) x -> elu(x, 1), (DoubleUnaryOperator) x -> x > 0 ? 1 : Math.exp(x)),
                arguments("selu", (DoubleUnaryOperator) x -> SELU_SCALE * elu(x, SELU_ALPHA),
                        (DoubleUnaryOperator) x -> x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x)),
                arguments("softplus", (DoubleUnaryOperator) ElementwiseActivationsTest::softplus,
                        (DoubleUnaryOperator) ElementwiseActivationsTest::sigmoid),
                arguments("softsign", (DoubleUnaryOperator) x -> x / (1 + Math.abs(x)),
                        (DoubleUnaryOperator) x -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)))),
                arguments("relu", (DoubleUnaryOperator) x -> Math.max(x, 0), (DoubleUnaryOperator) x -> x > 0 ? 1 : 0),
                arguments("tanh", (DoubleUnaryOperator) Math::tanh, (DoubleUnaryOperator) x -> 1 - Math.tanh(x) * Math.tanh(x)),
                arguments("sigmoid", (DoubleUnaryOperator) ElementwiseActivationsTest::sigmoid,
                        (DoubleUnaryOperator) x -> sigmoid(x) * (1 - sigmoid(x))),
                arguments("hard_sigmoid", (DoubleUnaryOperator) x -> Math.min(Math.max(0.2 * x + 0.5, 0), 1),
                        (DoubleUnaryOperator) x -> x > -2.5 && x < 2.5 ? 0.2 : 0),
                arguments("exponential", (DoubleUnaryOperator) Math::exp, (DoubleUnaryOperator) Math::exp),
                arguments("linear", (DoubleUnaryOperator) x -> x, (DoubleUnaryOperator) x -> 1));
    }

    /** Inputs away from every kink (0, ±2.5), spanning both sides. */
    private static final double[] POINTS = {-4.1, -2.7, -1.3, -0.6, -0.05, 0.07, 0.45, 1.1, 2.2, 3.6};

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void valuesThroughGetMatchTheFormula(String name, DoubleUnaryOperator formula, DoubleUnaryOperator derivative) {
        Activation a = Activations.get(name);
        assertTensor(Reference.map(POINTS, formula), new int[] {2, 5}, a.apply(K.constant(POINTS, 2, 5)),
                Tolerance.current().times(4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void gradientMatchesCentralDifferences(String name, DoubleUnaryOperator formula, DoubleUnaryOperator derivative) {
        Activation a = Activations.get(name);
        GradientCheck.check(a::apply, POINTS, 2, 5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void gradientMatchesTheAnalyticDerivative(String name, DoubleUnaryOperator formula, DoubleUnaryOperator derivative) {
        GradientCheck.checkElementwise(Activations.get(name)::apply, derivative, POINTS);
    }

    /** Keras documentation examples (tf.keras.activations), printed there in float32. */
    static Stream<Arguments> kerasDocumentation() {
        return Stream.of(
                arguments("sigmoid", new double[] {-20, -1, 0, 1, 20},
                        new double[] {2.0611537e-09, 2.6894143e-01, 5.0000000e-01, 7.3105860e-01, 1.0000000e+00}),
                arguments("tanh", new double[] {-3, -1, 0, 1, 3},
                        new double[] {-0.9950547, -0.7615942, 0, 0.7615942, 0.9950547}),
                arguments("softplus", new double[] {-20, -1, 0, 1, 20},
                        new double[] {2.0611537e-09, 3.1326166e-01, 6.9314718e-01, 1.3132616e+00, 2.0000000e+01}),
                arguments("softsign", new double[] {-1, 0, 1}, new double[] {-0.5, 0, 0.5}),
                arguments("exponential", new double[] {-3, -1, 0, 1, 3},
                        new double[] {0.04978707, 0.36787945, 1, 2.7182817, 20.085537}),
                arguments("hard_sigmoid", new double[] {-3, -1, 0, 1, 3}, new double[] {0, 0.3, 0.5, 0.7, 1}),
                arguments("relu", new double[] {-10, -5, 0, 5, 10}, new double[] {0, 0, 0, 5, 10}),
                arguments("linear", new double[] {-3, -1, 0, 1, 3}, new double[] {-3, -1, 0, 1, 3}));
    }

    @ParameterizedTest(name = "{0}({1}) = {2}")
    @MethodSource("kerasDocumentation")
    void kerasDocumentationExamples(String name, double[] x, double[] expected) {
        // The documented values have 8 significant digits.
        assertTensor(expected, new int[] {x.length}, Activations.get(name).apply(K.constant(x, x.length)),
                new Tolerance(1e-7, 1e-7));
    }

    /** name, input, expected: edge cases worked by hand from the formulas. */
    static Stream<Arguments> edgeCases() {
        double e = Math.E;
        return Stream.of(
                arguments("elu", 0.0, 0.0), arguments("elu", -INF, -1.0), arguments("elu", 1e30, 1e30),
                arguments("elu", -1.0, 1 / e - 1), arguments("elu", -1e-8, Math.expm1(-1e-8)),
                arguments("selu", 1.0, SELU_SCALE), arguments("selu", 0.0, 0.0),
                arguments("selu", -1.0, SELU_SCALE * SELU_ALPHA * (1 / e - 1)),
                arguments("selu", -INF, -SELU_SCALE * SELU_ALPHA), arguments("selu", -100.0, -SELU_SCALE * SELU_ALPHA),
                arguments("softplus", 100.0, 100.0), arguments("softplus", 0.0, Math.log(2)),
                arguments("softplus", -20.0, Math.exp(-20) - Math.exp(-40) / 2),
                arguments("softplus", -50.0, Math.exp(-50)), arguments("softplus", -80.0, Math.exp(-80)),
                arguments("softplus", 1000.0, 1000.0), arguments("softplus", -1000.0, 0.0),
                arguments("softplus", INF, INF), arguments("softplus", -INF, 0.0),
                arguments("softsign", 1e6, 1e6 / (1 + 1e6)), arguments("softsign", -1e-30, -1e-30),
                arguments("softsign", 3.0, 0.75), arguments("softsign", -3.0, -0.75),
                arguments("hard_sigmoid", 2.5, 1.0), arguments("hard_sigmoid", -2.5, 0.0),
                arguments("hard_sigmoid", 2.4, 0.98), arguments("hard_sigmoid", -2.4, 0.02),
                arguments("hard_sigmoid", 1e6, 1.0), arguments("hard_sigmoid", -1e6, 0.0),
                arguments("hard_sigmoid", INF, 1.0), arguments("hard_sigmoid", -INF, 0.0),
                arguments("sigmoid", 1000.0, 1.0), arguments("sigmoid", -1000.0, 0.0),
                arguments("sigmoid", -40.0, Math.exp(-40) / (1 + Math.exp(-40))), arguments("sigmoid", 40.0, 1.0),
                arguments("tanh", 1000.0, 1.0), arguments("tanh", -1000.0, -1.0), arguments("tanh", 1e-30, 1e-30),
                arguments("exponential", 0.0, 1.0), arguments("exponential", -INF, 0.0), arguments("exponential", 1.0, e),
                arguments("exponential", -80.0, Math.exp(-80)),
                arguments("relu", -0.0, 0.0), arguments("relu", 1e-30, 1e-30), arguments("relu", -INF, 0.0),
                arguments("relu", INF, INF),
                arguments("linear", -INF, -INF), arguments("linear", 1e-30, 1e-30));
    }

    @ParameterizedTest(name = "{0}({1}) = {2}")
    @MethodSource("edgeCases")
    void edgeCases(String name, double x, double expected) {
        // Relative accuracy even for tiny results: a tail lost to cancellation fails.
        assertTensor(new double[] {expected}, new int[] {1}, Activations.get(name).apply(K.constant(new double[] {x}, 1)),
                Tolerance.current().times(4).withAtol(0));
    }

    @Test
    void seluUsesKerasConstants() {
        assertEquals(SELU_ALPHA, Activations.SELU_ALPHA, 0.0);
        assertEquals(SELU_SCALE, Activations.SELU_SCALE, 0.0);
        // Reference: for x → -∞, selu tends to -λα = -1.7580993408473766.
        assertEquals(-1.7580993408473766, -SELU_SCALE * SELU_ALPHA, 1e-15);
    }

    @Test
    void eluWithAlpha() {
        double[] x = {-3, -1, -0.1, 0, 0.1, 2};
        for (double alpha : new double[] {0.5, 1, 2.5}) {
            assertTensor(Reference.map(x, v -> elu(v, alpha)), new int[] {6}, Activations.elu(K.constant(x, 6), alpha),
                    Tolerance.current().times(4));
            double[] points = {-3, -1, -0.1, 0.1, 2};
            GradientCheck.check(t -> Activations.elu(t, alpha), points, 5);
        }
        // Convention of Ops.elu at the kink: the left derivative, alpha·e^0 = alpha.
        GradientCheck.checkElementwise(t -> Activations.elu(t, 0.5), v -> v > 0 ? 1 : 0.5 * Math.exp(v), -1, 0, 1);
        assertTensor(Reference.map(x, v -> elu(v, 1)), new int[] {6}, Activations.elu(K.constant(x, 6)),
                Tolerance.current().times(4));
    }

    @Test
    void gradientsAtSaturationAndInTheTails() {
        // Reference: analytic derivatives in double; each is finite and tiny or 1, never NaN.
        GradientCheck.checkElementwise(Activations::softplus, ElementwiseActivationsTest::sigmoid,
                new double[] {-100, -30, 30, 100}, Tolerance.current().times(10).withAtol(1e-30));
        GradientCheck.checkElementwise(Activations::sigmoid, v -> sigmoid(v) * (1 - sigmoid(v)),
                new double[] {-1000, 1000}, Tolerance.current().times(10));
        GradientCheck.checkElementwise(Activations::tanh, v -> 0, new double[] {-1000, 1000}, Tolerance.current());
        GradientCheck.checkElementwise(Activations::softsign, v -> 1 / ((1 + Math.abs(v)) * (1 + Math.abs(v))),
                new double[] {-1e3, 0, 1e3}, Tolerance.current().times(10));
        GradientCheck.checkElementwise(Activations::selu, v -> v > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(v),
                new double[] {-100, -1e-3, 1e-3, 100}, Tolerance.current().times(10));
    }

    @Test
    void hardSigmoidGradientIsZeroOutsideAndAtTheKinks() {
        // Convention of Ops.hardSigmoid: 0.2 strictly inside (-2.5, 2.5), 0 elsewhere.
        GradientCheck.checkElementwise(Activations::hardSigmoid, v -> v > -2.5 && v < 2.5 ? 0.2 : 0,
                -1e6, -3, -2.5, -2.4, 0, 2.4, 2.5, 3, 1e6);
    }

    @Test
    void linearReturnsItsInputAndHasGradientOne() {
        Tensor x = K.constant(new double[] {-0.0, 1, -2}, 3);
        assertSame(x, Activations.linear(x));
        assertSame(x, Activations.get("linear").apply(x));
        assertExactly(new double[] {-0.0, 1, -2}, Activations.linear(x));
        GradientCheck.checkElementwise(Activations::linear, v -> 1, -2, 0, 3);
    }

    @Test
    void directFunctionsAgreeWithTheRegistry() {
        Tensor x = K.constant(POINTS, 10);
        Activation[] direct = {Activations::elu, Activations::selu, Activations::softplus, Activations::softsign,
            Activations::relu, Activations::tanh, Activations::sigmoid, Activations::hardSigmoid,
            Activations::exponential, Activations::linear};
        String[] names = {"elu", "selu", "softplus", "softsign", "relu", "tanh", "sigmoid", "hard_sigmoid",
            "exponential", "linear"};
        for (int i = 0; i < names.length; i++) {
            assertTensor(Activations.get(names[i]).apply(x).toDoubleArray(), new int[] {10}, direct[i].apply(x),
                    new Tolerance(0, 0));
        }
    }
}
