package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.losses.BinaryCrossentropy;
import cthulhu.losses.Losses;
import cthulhu.losses.SparseCategoricalCrossentropy;
import cthulhu.metrics.Metrics;
import org.junit.jupiter.api.Test;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The top-k accuracies against Keras 3.15.1 (printed by
 * {@code cthulhu-conformance/src/test/python/keras3_losses.py}), the losses as metrics, and how
 * {@code accuracy} resolves for loss objects.
 */
class TopKAccuracyTest extends ConformanceTestBase {

    /** Three samples of four classes; the last all tied. Labels 2, 2, 3. */
    private static final double[] SCORES = {0.1, 0.4, 0.3, 0.2, 0.5, 0.2, 0.2, 0.1, 0.25, 0.25, 0.25, 0.25};
    private static final double[] LABELS = {2, 2, 3};
    private static final double[] ONE_HOT = {0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1};

    @Test
    void topKMatchesKeras3() {
        Tensor scores = K.constant(SCORES, 3, 4);
        Tensor oneHot = K.constant(ONE_HOT, 3, 4);
        // k = 1: sample 1's best is class 1, sample 2's class 0; in sample 3 every class ties, so all count.
        assertTensor(new double[] {0, 0, 1}, new int[] {3}, Metrics.topKCategoricalAccuracy(oneHot, scores, 1));
        // k = 2: class 2 is second in sample 1 and ties for second in sample 2.
        assertTensor(new double[] {1, 1, 1}, new int[] {3}, Metrics.topKCategoricalAccuracy(oneHot, scores, 2));
        assertTensor(new double[] {1, 1, 1}, new int[] {3},
                Metrics.sparseTopKCategoricalAccuracy(K.constant(LABELS, 3), scores, 2));
        assertTensor(new double[] {0, 0, 1}, new int[] {3},
                Metrics.sparseTopKCategoricalAccuracy(K.constant(LABELS, 3, 1), scores, 1));
    }

    @Test
    void theNamesUseKerassDefaultK() {
        // k = 5 with four classes: every label is in the top 5.
        Tensor scores = K.constant(SCORES, 3, 4);
        assertTensor(new double[] {1, 1, 1}, new int[] {3},
                Metrics.get("top_k_categorical_accuracy").apply(K.constant(ONE_HOT, 3, 4), scores));
        assertTensor(new double[] {1, 1, 1}, new int[] {3},
                Metrics.get("sparse_top_k_categorical_accuracy").apply(K.constant(LABELS, 3), scores));
        assertEquals("top_k_categorical_accuracy", Metrics.serialize(Metrics.get("top_k_categorical_accuracy")));
    }

    @Test
    void kBelowOneIsRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Metrics.topKCategoricalAccuracy(0),
                "top_k_categorical_accuracy", "k must be at least 1", "0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Metrics.sparseTopKCategoricalAccuracy(-2),
                "sparse_top_k_categorical_accuracy", "-2");
    }

    @Test
    void everyLossIsAMetric() {
        for (String name : new String[] {"mape", "msle", "hinge", "squared_hinge", "categorical_hinge", "logcosh", "log_cosh",
            "kld", "kl_divergence", "kullback_leibler_divergence", "poisson", "cosine_proximity", "huber",
            "binary_focal_crossentropy", "categorical_focal_crossentropy"}) {
            assertTrue(Metrics.names().contains(name), name);
            Tensor y = K.constant(new double[] {0.2, 0.8}, 1, 2);
            Tensor p = K.constant(new double[] {0.3, 0.7}, 1, 2);
            assertTensor(Losses.get(name).apply(y, p).toDoubleArray(), new int[] {1}, Metrics.get(name).apply(y, p));
        }
        // Keras 3's cosine_similarity metric is the cosine itself, the loss its negative:
        // (0.06 + 0.56) / (√0.68 · √0.58).
        Tensor y = K.constant(new double[] {0.2, 0.8}, 1, 2);
        Tensor p = K.constant(new double[] {0.3, 0.7}, 1, 2);
        assertTensor(new double[] {0.62 / Math.sqrt(0.68 * 0.58)}, new int[] {1}, Metrics.get("cosine_similarity").apply(y, p));
    }

    @Test
    void accuracyFollowsLossObjects() {
        assertSame(Metrics.get("binary_accuracy"), Metrics.get("accuracy", new BinaryCrossentropy(true, 0), 3));
        assertSame(Metrics.get("sparse_categorical_accuracy"), Metrics.get("accuracy", new SparseCategoricalCrossentropy(true), 3));
    }
}
