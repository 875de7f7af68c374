package cthulhu.conformance.sequences;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.layers.Embedding;
import cthulhu.layers.Masking;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link Embedding}: rows looked up by id, the mask of {@code maskZero}, the gradient (each
 * row gets the sum of the output gradients of the positions holding its id), the errors for ids
 * that are not whole numbers or are out of range; and {@link Masking}.
 */
class EmbeddingTest extends ConformanceTestBase {

    private static final double[] TABLE = Reference.uniform(5 * 3, -1, 1, 41);  // 5 ids x 3

    private static Embedding embedding(boolean maskZero) {
        Embedding layer = new Embedding(5, 3).maskZero(maskZero);
        layer.ensureBuilt(new int[] {4});
        layer.setWeights(List.of(K.constant(TABLE, 5, 3)));
        return layer;
    }

    @Test
    void looksUpRowsById() {
        double[] ids = {0, 4, 2, 2, 1, 3, 0, 0};  // 2 x 4
        double[] table = Reference.stored(TABLE);
        double[] expected = new double[8 * 3];
        for (int p = 0; p < 8; p++) {
            System.arraycopy(table, (int) ids[p] * 3, expected, p * 3, 3);
        }
        assertExactly(expected, embedding(false).call(K.constant(ids, 2, 4)));
        assertTensor(expected, new int[] {2, 4, 3}, embedding(false).call(K.constant(ids, 2, 4)));
    }

    @Test
    void maskZeroMarksPaddingIds() {
        Tensor ids = K.constant(new double[] {0, 4, 2, 2, 1, 3, 0, 0}, 2, 4);
        assertTensor(new double[] {0, 1, 1, 1, 1, 1, 0, 0}, new int[] {2, 4}, embedding(true).computeMask(ids, null));
        assertNull(embedding(false).computeMask(ids, null));
    }

    @Test
    void gradientAddsUpOverRepeatedIds() {
        Embedding layer = embedding(false);
        Tensor table = layer.getWeights().get(0);
        Tensor grad;
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(table);
            Tensor y = layer.call(K.constant(new double[] {0, 4, 2, 2, 1, 3, 0, 0}, 2, 4));
            // d sum(y * w) / d table[id] = sum over positions p holding id of w[p]; w = 1, 2, 3 per feature.
            grad = tape.gradient(K.multiply(y, K.constant(new double[] {1, 2, 3}, 3)), List.of(table)).get(0);
        }
        int[] counts = {3, 1, 2, 1, 1};
        double[] expected = new double[15];
        for (int id = 0; id < 5; id++) {
            for (int j = 0; j < 3; j++) {
                expected[id * 3 + j] = counts[id] * (j + 1);
            }
        }
        assertTensor(expected, new int[] {5, 3}, grad);
    }

    @Test
    void idsMustBeWholeNumbersInRange() {
        Embedding layer = embedding(false);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.constant(new double[] {1, 2.5, 0, 0}, 1, 4)),
                "Embedding", layer.getName(), "2.5", "integer ids");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.constant(new double[] {1, 2, 5, 0}, 1, 4)),
                "Embedding", layer.getName(), "id 5", "inputDim 5", "inputDim > 5");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.constant(new double[] {1, -1, 0, 0}, 1, 4)),
                "id -1");
    }

    @Test
    void acceptsSequencesOfAnyLength() {
        Tensor y = embedding(false).call(K.zeros(3, 7));
        assertTensor(Reference.stored(repeat(TABLE, 21)), new int[] {3, 7, 3}, y);
    }

    private static double[] repeat(double[] table, int times) {
        double[] out = new double[times * 3];
        for (int i = 0; i < times; i++) {
            System.arraycopy(table, 0, out, i * 3, 3);
        }
        return out;
    }

    @Test
    void maskingZeroesAndMasksStepsWhoseFeaturesAllEqualTheValue() {
        double[] x = {1, 2, -1, -1, 0, -1, -1, -1, 3, 4};  // 1 sample, 5 steps, 2 features
        Masking layer = new Masking(-1);
        Tensor input = K.constant(x, 1, 5, 2);
        assertTensor(new double[] {1, 2, 0, 0, 0, -1, 0, 0, 3, 4}, new int[] {1, 5, 2}, layer.call(input));
        assertTensor(new double[] {1, 0, 1, 0, 1}, new int[] {1, 5}, layer.computeMask(input, null));
    }
}
