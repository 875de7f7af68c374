package cthulhu.conformance.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.ELU;
import cthulhu.layers.Layer;
import cthulhu.layers.LeakyReLU;
import cthulhu.layers.PReLU;
import cthulhu.layers.ReLU;
import cthulhu.layers.Softmax;
import cthulhu.layers.ThresholdedReLU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertShape;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The advanced activation layers (Keras's {@code advanced_activations}) against their formulas
 * evaluated in double in the test, with Keras's defaults, PReLU's weight and shared axes, and the
 * errors for bad arguments.
 */
class AdvancedActivationTest extends ConformanceTestBase {

    /** Values around every threshold used below: 0, 1, 0.5, 2. */
    private static final double[] X = {-3, -1, -0.5, -0.1, 0, 0.1, 0.5, 0.9, 1, 1.1, 2, 2.5};

    /** description, the layer, the reference in double. */
    static Stream<Arguments> layers() {
        return Stream.of(
                arguments("LeakyReLU() = x or 0.3x", (Supplier<Layer>) LeakyReLU::new,
                        (DoubleUnaryOperator) x -> x > 0 ? x : 0.3 * x),
                arguments("LeakyReLU(0.01)", (Supplier<Layer>) () -> new LeakyReLU(0.01),
                        (DoubleUnaryOperator) x -> x > 0 ? x : 0.01 * x),
                arguments("ELU() = x or e^x - 1", (Supplier<Layer>) ELU::new,
                        (DoubleUnaryOperator) x -> x > 0 ? x : Math.expm1(x)),
                arguments("ELU(0.5)", (Supplier<Layer>) () -> new ELU(0.5),
                        (DoubleUnaryOperator) x -> x > 0 ? x : 0.5 * Math.expm1(x)),
                arguments("ThresholdedReLU() = x for x > 1", (Supplier<Layer>) ThresholdedReLU::new,
                        (DoubleUnaryOperator) x -> x > 1 ? x : 0),
                arguments("ThresholdedReLU(0.5)", (Supplier<Layer>) () -> new ThresholdedReLU(0.5),
                        (DoubleUnaryOperator) x -> x > 0.5 ? x : 0),
                arguments("ReLU() = max(x, 0)", (Supplier<Layer>) ReLU::new, (DoubleUnaryOperator) x -> Math.max(x, 0)),
                arguments("ReLU(max 2)", (Supplier<Layer>) () -> new ReLU(2.0, 0, 0),
                        (DoubleUnaryOperator) x -> Math.min(Math.max(x, 0), 2)),
                arguments("ReLU(slope 0.1)", (Supplier<Layer>) () -> new ReLU(null, 0.1, 0),
                        (DoubleUnaryOperator) x -> x > 0 ? x : 0.1 * x),
                arguments("ReLU(threshold 0.5)", (Supplier<Layer>) () -> new ReLU(null, 0, 0.5),
                        (DoubleUnaryOperator) x -> x > 0.5 ? x : 0),
                arguments("ReLU(max 2, slope 0.2, threshold 1)", (Supplier<Layer>) () -> new ReLU(2.0, 0.2, 1),
                        (DoubleUnaryOperator) x -> x > 1 ? Math.min(x, 2) : 0.2 * (x - 1)),
                arguments("PReLU() = relu (alpha zeros)", (Supplier<Layer>) PReLU::new,
                        (DoubleUnaryOperator) x -> Math.max(x, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void forwardMatchesTheFormula(String description, Supplier<Layer> layer, DoubleUnaryOperator reference) {
        Tensor y = layer.get().call(K.constant(X, 3, 4));
        assertTensor(Reference.map(X, reference), new int[] {3, 4}, y, Tolerance.current().times(4));
    }

    @Test
    void softmaxNormalisesTheLastAxisByDefault() {
        double[] x = {1, 2, 3, -1, 0, 1000};
        // reference: e^(x - max) / sum, per row of 3
        double[] expected = new double[6];
        for (int row = 0; row < 2; row++) {
            double max = Math.max(x[3 * row], Math.max(x[3 * row + 1], x[3 * row + 2]));
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                sum += Math.exp(x[3 * row + j] - max);
            }
            for (int j = 0; j < 3; j++) {
                expected[3 * row + j] = Math.exp(x[3 * row + j] - max) / sum;
            }
        }
        assertTensor(expected, new int[] {2, 3}, new Softmax().call(K.constant(x, 2, 3)), Tolerance.current().times(4));
    }

    @Test
    void softmaxOverAnotherAxis() {
        // [1, 2, 2]: axis 1 normalises each column; ln 3 makes the pair (0, ln 3) give (1/4, 3/4)
        double ln3 = Math.log(3);
        Tensor y = new Softmax(1).call(K.constant(new double[] {0, ln3, ln3, 0}, 1, 2, 2));
        assertTensor(new double[] {0.25, 0.75, 0.75, 0.25}, new int[] {1, 2, 2}, y, Tolerance.current().times(4));
    }

    @Test
    void softmaxRejectsAnAxisOutsideTheBatch() {
        Softmax layer = new Softmax(3);
        layer.setName("softmax_2");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(2, 4)),
                "softmax_2", "axis 3", "rank 2", "-2 to 1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Softmax().call(K.zeros(4)),
                "softmax", "at least one axis");
    }

    @Test
    void reluRejectsNegativeArgumentsWithKerasMessages() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new ReLU(-1.0, 0, 0),
                "maxValue of a ReLU layer cannot be a negative value: -1.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new ReLU(null, -0.1, 0),
                "negativeSlope of a ReLU layer cannot be a negative value: -0.1");
    }

    @Test
    void preluHasATrainableAlphaOfTheSampleShape() {
        PReLU layer = new PReLU();
        layer.call(K.zeros(5, 2, 3));
        assertEquals(1, layer.getWeights().size());
        assertEquals("alpha", layer.variables().get(0).name());
        assertShape(new int[] {2, 3}, layer.getWeights().get(0));
        assertEquals(6, layer.countParams());
        assertEquals(1, layer.trainableVariables().size());
        assertTensor(new double[6], new int[] {2, 3}, layer.getWeights().get(0));
    }

    @Test
    void preluAppliesOneSlopePerElement() {
        PReLU layer = new PReLU();
        layer.ensureBuilt(new int[] {4});
        double[] alpha = {0.1, 0.2, 0.3, 0.4};
        layer.setWeights(List.of(K.constant(alpha, 4)));
        double[] x = {-1, -2, 3, -4, 5, -6, -7, 8};
        double[] expected = new double[8];
        for (int i = 0; i < 8; i++) {
            expected[i] = x[i] > 0 ? x[i] : alpha[i % 4] * x[i];
        }
        assertTensor(expected, new int[] {2, 4}, layer.call(K.constant(x, 2, 4)), Tolerance.current().times(4));
    }

    @Test
    void preluSharesAlphaAlongSharedAxes() {
        // samples [2, 3] sharing axis 1 (the first after the batch axis): alpha is [1, 3]
        PReLU layer = new PReLU().alphaInitializer("ones").sharedAxes(1);
        layer.ensureBuilt(new int[] {2, 3});
        assertShape(new int[] {1, 3}, layer.getWeights().get(0));
        assertEquals(3, layer.countParams());
        assertTensor(new double[] {1, 1, 1}, new int[] {1, 3}, layer.getWeights().get(0));
        double[] alpha = {0.5, -1, 2};
        layer.setWeights(List.of(K.constant(alpha, 1, 3)));
        double[] x = Reference.uniform(12, -3, 3, 17);
        double[] expected = new double[12];
        double[] stored = Reference.stored(x);
        for (int i = 0; i < 12; i++) {
            expected[i] = stored[i] > 0 ? stored[i] : alpha[i % 3] * stored[i];
        }
        assertTensor(expected, new int[] {2, 2, 3}, layer.call(K.constant(x, 2, 2, 3)), Tolerance.current().times(4));
        // a shared axis may change size from call to call, as in Keras's input spec
        double[] longer = Reference.uniform(15, -3, 3, 18);
        double[] longerStored = Reference.stored(longer);
        double[] expectedLonger = new double[15];
        for (int i = 0; i < 15; i++) {
            expectedLonger[i] = longerStored[i] > 0 ? longerStored[i] : alpha[i % 3] * longerStored[i];
        }
        assertTensor(expectedLonger, new int[] {1, 5, 3}, layer.call(K.constant(longer, 1, 5, 3)), Tolerance.current().times(4));
        // an unshared axis may not
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(1, 2, 4)), "[1, 2, 4]", "[batch, None, 3]");
    }

    @Test
    void preluSharingSeveralAxes() {
        // samples [2, 3, 4] sharing axes 1 and 2 (e.g. the spatial axes of an image): alpha [1, 1, 4]
        PReLU layer = new PReLU().sharedAxes(1, 2);
        layer.call(K.zeros(1, 2, 3, 4));
        assertShape(new int[] {1, 1, 4}, layer.getWeights().get(0));
        assertEquals(4, layer.countParams());
    }

    @Test
    void preluRejectsSharedAxesOutsideTheSample() {
        PReLU layer = new PReLU().sharedAxes(3);
        layer.setName("p_re_lu_4");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(2, 5, 6)),
                "p_re_lu_4", "shared axis 3", "[5, 6]", "from 1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new PReLU().sharedAxes(0),
                "shared axis 0", "batch axis");
    }
}
