package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Daoloth;
import cthulhu.metrics.AUC;
import cthulhu.metrics.Metrics;
import cthulhu.metrics.Precision;
import cthulhu.metrics.Recall;
import cthulhu.metrics.StatefulMetric;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras 3's stateful {@code Precision}, {@code Recall} and {@code AUC}: their values over two
 * batches as Keras 3.15.1 computes them (printed by
 * {@code cthulhu-conformance/src/test/python/keras3_losses.py}), and in a model, accumulated
 * over the epoch rather than averaged over batches, in {@code History} and {@code evaluate}.
 */
class StatefulMetricsTest extends ConformanceTestBase {

    private static final double[] T1 = {1, 0, 1, 1};
    private static final double[] P1 = {0.9, 0.6, 0.4, 0.7};
    private static final double[] T2 = {0, 0, 1};
    private static final double[] P2 = {0.2, 0.8, 0.55};

    /** The metric after the first batch and after both, as Keras 3 gives them. */
    private static void assertKeras(StatefulMetric metric, double first, double both) {
        metric.update(K.constant(T1, 4), K.constant(P1, 4));
        assertEquals(first, metric.result(), 1e-12);
        metric.update(K.constant(T2, 3), K.constant(P2, 3));
        assertEquals(both, metric.result(), 1e-12);
        metric.reset();
        assertEquals(0, metric.result());
    }

    @Test
    void valuesMatchKeras3() {
        // Precision at 0.5: batch 1 TP 2, FP 1 → 2/3; both TP 3, FP 2 → 0.6. Recall: TP 3 of 4 positives.
        assertKeras(new Precision(), 2.0 / 3, 0.6);
        assertKeras(new Recall(), 2.0 / 3, 0.75);
        assertKeras(new AUC(), 0.6666666666666666, 0.5833333333333334);
        assertKeras(new AUC(200, AUC.Curve.PR), 0.9041059758494063, 0.6959011689188768);
    }

    @Test
    void aModelReportsTheEpochsAccumulatedValueNotTheMeanOfItsBatches() {
        // Predictions sigmoid(x) with kernel 1 and bias 0 (lr 0 keeps them): positive where x > 0.
        // Batches of 2: (x 1, 2; y 1, 1) TP 2; (x 1, −1; y 0, 1) FP 1, FN 1; (x 3, 0.5; y 1, 0) TP 1, FP 1.
        // Precision 3/5 = 0.6 (the mean of the batches' 1, 0, 0.5 would be 0.5); recall 3/4.
        double[] x = {1, 2, 1, -1, 3, 0.5};
        double[] y = {1, 1, 0, 1, 1, 0};
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(1, "sigmoid").inputShape(1));
            model.setWeights(List.of(K.constant(new double[] {1}, 1, 1), K.constant(new double[] {0}, 1)));
            model.compile(new SGD(0), cthulhu.losses.Losses.get("binary_crossentropy"), "precision", "recall", "auc");
            History history = model.fit(K.constant(x, 6, 1), K.constant(y, 6, 1),
                    new FitOptions().epochs(2).batchSize(2).shuffle(false).verbose(0));
            assertEquals(List.of(0.6, 0.6), history.history().get("precision"));
            assertEquals(List.of(0.75, 0.75), history.history().get("recall"));
            double[] evaluated = model.evaluate(K.constant(x, 6, 1), K.constant(y, 6, 1), 2);
            assertEquals(0.6, evaluated[1], 1e-12);
            assertEquals(0.75, evaluated[2], 1e-12);
            // AUC: the positives' scores at x = 1, 2, −1, 3 against the negatives' at 1, 0.5, as probabilities in
            // different bins of 1/199 but for the two equal ones: 5 wins and 1 tie of 8 pairs → (5 + 0.5)/8.
            assertEquals(5.5 / 8, evaluated[3], 1e-9);
        }
    }

    @Test
    void theNamesResolveToNewInstancesAndBadArgumentsAreRejected() {
        assertTrue(Metrics.names().containsAll(List.of("precision", "recall", "auc")));
        assertTrue(Metrics.stateful("auc").orElseThrow() != Metrics.stateful("auc").orElseThrow());
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Metrics.get("precision"), "precision",
                "Metrics.stateful");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Precision(1.5), "threshold", "1.5");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new AUC(1, AUC.Curve.ROC), "numThresholds", "1");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Recall().update(K.zeros(2, 1), K.zeros(2, 2)), "recall", "[2, 1]", "[2, 2]");
    }
}
