package cthulhu.conformance.activations;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.HighPrecision;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The Keras 3 activations where their formulas overflow or cancel, and their gradients at and
 * beside their kinks. At a kink the gradient is the one-sided derivative of the branch the
 * composition picks there — TensorFlow's conventions: relu's slope 0 at its threshold, clip's 1
 * on its closed interval, a comparison {@code x > t} choosing the lower branch at {@code t}.
 */
class Keras3ActivationLimitsTest extends ConformanceTestBase {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** {@code (1 + x/r)/2} with {@code r = √(x² + 4)}, as {@code 2 / (r (r − x))} for x < 0, where the sum cancels. */
    private static double squareplusDerivative(double x) {
        double r = Math.sqrt(x * x + 4);
        return x < 0 ? 2 / (r * (r - x)) : 0.5 * (1 + x / r);
    }

    /** name, function, inputs, expected: limits worked by hand. */
    static Stream<Arguments> limits() {
        return Stream.of(
                // −softplus(−x): ln σ(−1000) = −1000 − ln(1 + e^−1000) = −1000; ln σ(1000) = −e^−1000 = −0.
                arguments("log_sigmoid", (Activation) Activations::logSigmoid, new double[] {-1000, 1000, -80}, new double[] {-1000, 0, -80}),
                // x · tanh(softplus(x)): tanh(1000) = 1; at −1000 softplus is e^−1000 = 0.
                arguments("mish", (Activation) Activations::mish, new double[] {1000, -1000}, new double[] {1000, 0}),
                // x/2 · (1 + erf(x/√2)): erf(±707) = ±1.
                arguments("gelu", (Activation) Activations::gelu, new double[] {1000, -1000}, new double[] {1000, 0}),
                arguments("gelu approximate", (Activation) x -> Activations.gelu(x, true), new double[] {1000, -1000},
                        new double[] {1000, 0}),
                arguments("silu", (Activation) Activations::silu, new double[] {1000, -1000}, new double[] {1000, 0}),
                arguments("hard_silu", (Activation) Activations::hardSilu, new double[] {1000, -1000}, new double[] {1000, 0}),
                arguments("celu", (Activation) Activations::celu, new double[] {-1000, 1000}, new double[] {-1, 1000}),
                arguments("tanh_shrink", (Activation) Activations::tanhShrink, new double[] {1000, -1000},
                        new double[] {999, -999}),
                // b / (2 (√(x² + b) + |x|)) for x < 0: at −1e4, 4 / (2 · (1e4 + 1e4)) to 1e-8 relative = 1e-4;
                // (x + √(x² + b))/2 = x for x = 1e30 (x² overflows in float32).
                arguments("squareplus", (Activation) Activations::squareplus, new double[] {-1e4, 1e30, -1e30},
                        new double[] {1e-4, 1e30, 1e-30}),
                arguments("sparse_plus", (Activation) Activations::sparsePlus, new double[] {1e30, -1e30}, new double[] {1e30, 0}),
                arguments("log_softmax", (Activation) Activations::logSoftmax, new double[] {1000, 0, -1000},
                        new double[] {0, -1000, -2000}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void finiteWhereTheFormulaOverflows(String name, Activation f, double[] x, double[] expected) {
        assertTensor(expected, new int[] {x.length}, f.apply(K.constant(x, x.length)), Tolerance.current().times(4));
    }

    /** name, function, analytic derivative, points at and beside the kinks. */
    static Stream<Arguments> kinks() {
        double e = 1e-3;
        return Stream.of(
                arguments("relu6", (Activation) Activations::relu6,
                        (DoubleUnaryOperator) x -> x > 0 && x <= 6 ? 1 : 0, new double[] {-e, 0, e, 6 - e, 6, 6 + e}),
                arguments("leaky_relu", (Activation) Activations::leakyRelu,
                        (DoubleUnaryOperator) x -> x > 0 ? 1 : 0.2, new double[] {-e, 0, e}),
                arguments("celu", (Activation) Activations::celu,
                        (DoubleUnaryOperator) x -> x > 0 ? 1 : Math.exp(x), new double[] {-e, 0, e, -1000}),
                arguments("hard_sigmoid_v3", (Activation) Activations::hardSigmoidV3,
                        (DoubleUnaryOperator) x -> x > -3 && x <= 3 ? 1.0 / 6 : 0, new double[] {-3 - e, -3, -3 + e, 3 - e, 3, 3 + e}),
                arguments("hard_silu", (Activation) Activations::hardSilu,
                        (DoubleUnaryOperator) x -> x <= -3 ? 0 : x <= 3 ? (2 * x + 3) / 6 : 1,
                        new double[] {-3 - e, -3, -3 + e, 3 - e, 3, 3 + e, 1000, -1000}),
                arguments("hard_tanh", (Activation) Activations::hardTanh,
                        (DoubleUnaryOperator) x -> Math.abs(x) <= 1 ? 1 : 0, new double[] {-1 - e, -1, -1 + e, 1 - e, 1, 1 + e}),
                arguments("hard_shrink", (Activation) Activations::hardShrink,
                        (DoubleUnaryOperator) x -> Math.abs(x) > 0.5 ? 1 : 0, new double[] {-0.5 - e, -0.5, 0.5 - e, 0.5, 0.5 + e}),
                arguments("soft_shrink", (Activation) Activations::softShrink,
                        (DoubleUnaryOperator) x -> Math.abs(x) > 0.5 ? 1 : 0, new double[] {-0.5 - e, -0.5, 0.5 - e, 0.5, 0.5 + e}),
                arguments("sparse_plus", (Activation) Activations::sparsePlus,
                        (DoubleUnaryOperator) x -> x <= -1 ? 0 : x < 1 ? (x + 1) / 2 : 1,
                        new double[] {-1 - e, -1, -1 + e, 1 - e, 1, 1 + e, 1e30}),
                arguments("sparse_sigmoid", (Activation) Activations::sparseSigmoid,
                        (DoubleUnaryOperator) x -> Math.abs(x) <= 1 ? 0.5 : 0, new double[] {-1 - e, -1, -1 + e, 1 - e, 1, 1 + e}),
                arguments("threshold", (Activation) x -> Activations.threshold(x, 0.5, -2),
                        (DoubleUnaryOperator) x -> x > 0.5 ? 1 : 0, new double[] {0.5 - e, 0.5, 0.5 + e}),
                arguments("log_sigmoid", (Activation) Activations::logSigmoid,
                        (DoubleUnaryOperator) x -> sigmoid(-x), new double[] {-1000, 1000, 0}),
                arguments("mish", (Activation) Activations::mish,
                        (DoubleUnaryOperator) x -> x > 30 ? 1 : 0, new double[] {-1000, 1000}),
                arguments("silu", (Activation) Activations::silu,
                        (DoubleUnaryOperator) x -> sigmoid(x) * (1 + x * (1 - sigmoid(x))), new double[] {-1000, 1000, 0}),
                arguments("gelu", (Activation) Activations::gelu,
                        (DoubleUnaryOperator) x -> 0.5 * (1 + HighPrecision.erf(x / Math.sqrt(2)))
                                + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), new double[] {-1000, -3, 0, 1.5, 1000}),
                arguments("gelu approximate", (Activation) x -> Activations.gelu(x, true),
                        (DoubleUnaryOperator) x -> 1, new double[] {1000}),
                arguments("squareplus", (Activation) Activations::squareplus,
                        (DoubleUnaryOperator) Keras3ActivationLimitsTest::squareplusDerivative, new double[] {-1e4, -1, 0, 1, 1e4}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinks")
    void gradientsAtKinksAndLimits(String name, Activation f, DoubleUnaryOperator derivative, double[] x) {
        GradientCheck.checkElementwise(f::apply, derivative, x);
    }

    @Test
    void everyNewNameResolvesSerializesAndComputesItsFunction() {
        String[] names = {"relu6", "leaky_relu", "gelu", "silu", "swish", "mish", "celu", "glu", "log_softmax", "log_sigmoid",
            "hard_sigmoid_v3", "hard_silu", "hard_swish", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink",
            "squareplus", "sparse_plus", "sparse_sigmoid", "sparsemax"};
        for (String name : names) {
            Activation a = Activations.get(name);
            String canonical = name.equals("swish") ? "silu" : name.equals("hard_swish") ? "hard_silu" : name;
            assertEquals(canonical, Activations.serialize(a), name);
            assertTrue(Activations.names().contains(name), name);
        }
        double[] x = {-2, 0.75};
        assertTensor(new double[] {-2 * sigmoid(-2), 0.75 * sigmoid(0.75)}, new int[] {1, 2},
                Activations.get("swish").apply(K.constant(x, 1, 2)));
        assertTensor(new double[] {-0.4, 0.75}, new int[] {1, 2}, Activations.get("leaky_relu").apply(K.constant(x, 1, 2)));
    }

    @Test
    void thresholdNeedsItsArgumentsAndSaysSo() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.get("threshold"),
                "threshold", "Activations.threshold(x, threshold, defaultValue)");
    }

    @Test
    void badParametersAreRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.celu(K.zeros(2), 0), "celu", "alpha", "0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.squareplus(K.zeros(2), -1), "squareplus",
                "-1");
    }
}
