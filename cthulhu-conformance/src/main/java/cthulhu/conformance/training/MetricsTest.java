package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.losses.Losses;
import cthulhu.metrics.Metrics;
import org.junit.jupiter.api.Test;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The accuracy metrics against values worked by hand, and how {@code accuracy} is chosen for a loss. */
class MetricsTest extends ConformanceTestBase {

    @Test
    void binaryAccuracyRoundsAtOneHalf() {
        // sample 1: 0.9→1 ✓, 0.6→1 ✗, 0.4→0 ✗, 0.2→0 ✓ : 2/4; sample 2: 0.5→0 ✓ (Keras rounds half to even), 0.51→1 ✓ : 1
        Tensor yTrue = K.constant(new double[] {1, 0, 1, 0}, 1, 4);
        Tensor yPred = K.constant(new double[] {0.9, 0.6, 0.4, 0.2}, 1, 4);
        assertTensor(new double[] {0.5}, new int[] {1}, Metrics.get("binary_accuracy").apply(yTrue, yPred));
        Tensor yTrue2 = K.constant(new double[] {0, 1}, 1, 2);
        Tensor yPred2 = K.constant(new double[] {0.5, 0.51}, 1, 2);
        assertTensor(new double[] {1}, new int[] {1}, Metrics.binaryAccuracy(yTrue2, yPred2));
    }

    @Test
    void categoricalAccuracyComparesArgmaxes() {
        // argmax: true 1 vs pred 1 ✓; true 0 vs pred 1 ✗; true 2 vs pred 2 ✓
        Tensor yTrue = K.constant(new double[] {0, 1, 0, 1, 0, 0, 0, 0, 1}, 3, 3);
        Tensor yPred = K.constant(new double[] {0.1, 0.8, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4}, 3, 3);
        assertTensor(new double[] {1, 0, 1}, new int[] {3}, Metrics.get("categorical_accuracy").apply(yTrue, yPred));
    }

    @Test
    void sparseCategoricalAccuracyTakesIntegerLabels() {
        Tensor yPred = K.constant(new double[] {0.1, 0.8, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4}, 3, 3);
        assertTensor(new double[] {1, 0, 1}, new int[] {3},
                Metrics.get("sparse_categorical_accuracy").apply(K.constant(new double[] {1, 0, 2}, 3), yPred));
        assertTensor(new double[] {1, 0, 1}, new int[] {3},
                Metrics.get("sparse_categorical_accuracy").apply(K.constant(new double[] {1, 0, 2}, 3, 1), yPred));
    }

    @Test
    void accuracyIsChosenForTheLossAsKerasDoes() {
        assertSame(Metrics.get("categorical_accuracy"), Metrics.get("accuracy", Losses.get("categorical_crossentropy"), 10));
        assertSame(Metrics.get("sparse_categorical_accuracy"),
                Metrics.get("accuracy", Losses.get("sparse_categorical_crossentropy"), 10));
        assertSame(Metrics.get("binary_accuracy"), Metrics.get("accuracy", Losses.get("binary_crossentropy"), 3));
        assertSame(Metrics.get("binary_accuracy"), Metrics.get("acc", Losses.get("mse"), 1));
        assertSame(Metrics.get("categorical_accuracy"), Metrics.get("acc", Losses.get("mse"), 4));
    }

    @Test
    void lossesAreMetricsAndUnknownNamesAreListed() {
        // mse as a metric gives the loss's per-sample values: ((1 - 0)² + (0 - 0)²) / 2 = 0.5
        assertTensor(new double[] {0.5}, new int[] {1},
                Metrics.get("mse").apply(K.constant(new double[] {0, 0}, 1, 2), K.constant(new double[] {1, 0}, 1, 2)));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Metrics.get("precision_of_doom"),
                "Unknown metric: precision_of_doom", "accuracy", "binary_accuracy", "mse");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Metrics.get("accuracy"), "depends on the loss");
    }
}
