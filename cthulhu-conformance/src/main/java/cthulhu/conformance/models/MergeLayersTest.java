package cthulhu.conformance.models;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.layers.Add;
import cthulhu.layers.Average;
import cthulhu.layers.Concatenate;
import cthulhu.layers.Dot;
import cthulhu.layers.Input;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import cthulhu.layers.Maximum;
import cthulhu.layers.Minimum;
import cthulhu.layers.Multiply;
import cthulhu.layers.Subtract;
import cthulhu.layers.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The merge layers: Keras's values, broadcasting, shape rules and errors. */
class MergeLayersTest extends ConformanceTestBase {

    private static final double[] A = {1, -2, 3, 0.5, 4, -1};
    private static final double[] B = {2, 2, -1, 1.5, -3, 0};

    private static List<Tensor> ab() {
        return List.of(K.constant(A, 2, 3), K.constant(B, 2, 3));
    }

    /** The element-wise merges of a = [[1, −2, 3], [0.5, 4, −1]] and b = [[2, 2, −1], [1.5, −3, 0]], worked by hand. */
    @Test
    void elementWiseMergesOfTwoInputs() {
        int[] shape = {2, 3};
        assertTensor(new double[] {3, 0, 2, 2, 1, -1}, shape, new Add().call(ab(), false).get(0));
        assertTensor(new double[] {-1, -4, 4, -1, 7, -1}, shape, new Subtract().call(ab(), false).get(0));
        assertTensor(new double[] {2, -4, -3, 0.75, -12, 0}, shape, new Multiply().call(ab(), false).get(0));
        assertTensor(new double[] {1.5, 0, 1, 1, 0.5, -0.5}, shape, new Average().call(ab(), false).get(0));
        assertTensor(new double[] {2, 2, 3, 1.5, 4, 0}, shape, new Maximum().call(ab(), false).get(0));
        assertTensor(new double[] {1, -2, -1, 0.5, -3, -1}, shape, new Minimum().call(ab(), false).get(0));
    }

    /** Three inputs; one of lower rank gains an axis after its batch axis ([2, 3] + [2, 2, 3]). */
    @Test
    void threeInputsAndLowerRanksBroadcast() {
        Tensor c = K.constant(new double[] {10, 20, 30, 40, 50, 60}, 2, 3);
        assertTensor(new double[] {13, 20, 32, 42, 51, 59}, new int[] {2, 3},
                new Add().call(List.of(K.constant(A, 2, 3), K.constant(B, 2, 3), c), false).get(0));
        Tensor wide = K.constant(new double[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}, 2, 2, 3);
        // Sample 0: rows [1,1,1] and [2,2,2] each times a0 = [1, −2, 3]; sample 1 times a1 = [0.5, 4, −1].
        assertTensor(new double[] {1, -2, 3, 2, -4, 6, 1.5, 12, -3, 2, 16, -4}, new int[] {2, 2, 3},
                new Multiply().call(List.of(K.constant(A, 2, 3), wide), false).get(0));
        Symbol s = new Add().apply(Input.of(3), Input.of(4, 1));
        assertArrayEquals(new int[] {-1, 4, 3}, s.shape());
    }

    /** Concatenate along the last axis and along axis 1 of [2, 1, 2] samples. */
    @Test
    void concatenateAlongAnAxis() {
        assertTensor(new double[] {1, -2, 3, 2, 2, -1, 0.5, 4, -1, 1.5, -3, 0}, new int[] {2, 6},
                new Concatenate().call(ab(), false).get(0));
        Tensor p = K.constant(new double[] {1, 2, 3, 4}, 2, 1, 2);
        Tensor q = K.constant(new double[] {5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 2);
        assertTensor(new double[] {1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}, new int[] {2, 3, 2},
                new Concatenate(1).call(List.of(p, q), false).get(0));
        assertArrayEquals(new int[] {-1, 3, 2}, new Concatenate(1).apply(Input.of(1, 2), Input.of(2, 2)).shape());
    }

    /**
     * Dot over axis 1 of a and b: [1·2 − 2·2 − 3·1, 0.5·1.5 − 4·3 + 0] = [−5, −11.25], shape [2, 1];
     * normalized: divided by |a_i|·|b_i| = √14·3 and √17.25·√11.25.
     */
    @Test
    void dotAndCosineProximity() {
        assertTensor(new double[] {-5, -11.25}, new int[] {2, 1}, new Dot(1).call(ab(), false).get(0));
        double cos0 = -5 / (Math.sqrt(14) * 3);
        double cos1 = -11.25 / (Math.sqrt(17.25) * Math.sqrt(11.25));
        assertTensor(new double[] {cos0, cos1}, new int[] {2, 1}, new Dot(-1).normalize(true).call(ab(), false).get(0));
        // Batched matrix product: [2, 2, 3] · [2, 3, 1] contracting axes (2, 1) gives [2, 2, 1].
        Tensor m = K.constant(new double[] {1, 0, 2, 0, 1, 1, 1, 1, 1, 2, 0, 0}, 2, 2, 3);
        Tensor v = K.constant(new double[] {1, 2, 3, 1, 1, 1}, 2, 3, 1);
        assertTensor(new double[] {7, 5, 3, 2}, new int[] {2, 2, 1}, new Dot(2, 1).call(List.of(m, v), false).get(0));
        assertArrayEquals(new int[] {-1, 2, 1}, new Dot(2, 1).apply(Input.of(2, 3), Input.of(3, 1)).shape());
    }

    @Test
    void mergeGradientsMatchFiniteDifferences() {
        GradientCheck.check(x -> new Dot(1).normalize(true).call(List.of(x, K.square(x)), false).get(0),
                new double[] {0.3, -1.2, 0.7, 1.1, 0.4, -0.6}, 2, 3);
        GradientCheck.check(x -> new Concatenate().call(List.of(x, new Maximum().call(List.of(x, K.negate(x)), false).get(0)),
                false).get(0), new double[] {0.3, -1.2, 0.7, 1.1, 0.4, -0.6}, 2, 3);
    }

    /** Keras's errors for merges that cannot be made, raised where the layer is applied. */
    @Test
    void incompatibleMergesAreRefusedWhereTheyAreWritten() {
        Symbol three = Input.of("three", 3);
        Symbol four = Input.of("four", 4);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Add().apply(three, four),
                "add", "three", "four", "[3]", "[4]", "could not be broadcast");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Add().apply(three),
                "at least 2 inputs", "Got 1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Subtract().apply(three, three, three),
                "exactly 2 inputs", "Got 3");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Concatenate().apply(Input.of(2, 3), Input.of(3, 3)),
                "matching shapes except for the concat axis", "(None, 2, 3)", "(None, 3, 3)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Dot(1).apply(three, four),
                "Dimension incompatibility 3 != 4", "[None, 3], [None, 4]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Dot(1, 2, 3), "one axis or a pair");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Concatenate(0), "batch axis");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Add().call(K.constant(A, 2, 3)),
                "at least 2 inputs");
    }

    @Test
    void configsRoundTrip() {
        for (Layer layer : List.of(new Add(), new Subtract(), new Multiply(), new Average(), new Maximum(), new Minimum(),
                new Concatenate(1), new Dot(2, 1).normalize(true))) {
            Map<String, Object> serialized = Layers.serialize(layer);
            Layer back = Layers.deserialize(serialized);
            assertEquals(serialized, Layers.serialize(back));
        }
        assertEquals(Map.of("axes", List.of(2, 1), "normalize", true, "name", "dot", "trainable", true),
                new Dot(2, 1).normalize(true).getConfig());
    }
}
