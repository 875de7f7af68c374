package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keras's {@code sample_weight} and {@code class_weight}: the weighted loss
 * {@code mean(loss · w) / mean(w ≠ 0)} of Keras 2.2.4, worked by hand, and the checks on bad weights.
 */
class SampleWeightTest extends ConformanceTestBase {

    /** A linear model y = x (kernel 1, no bias), so each sample's squared error is (x − y)². */
    private static Sequential identity() {
        Sequential model = new Sequential();
        model.add(new Daoloth(1).useBias(false).inputShape(1));
        model.setWeights(List.of(K.constant(new double[] {1}, 1, 1)));
        model.compile(new SGD(0), cthulhu.losses.Losses.get("mse"));
        return model;
    }

    @Test
    void sampleWeightsScaleEachSamplesLoss() {
        // Errors 1, 2, 3, 0 → squared 1, 4, 9, 0; weights 2, 0, 1, 1: mean(2, 0, 9, 0) / mean(w ≠ 0) = 2.75 / 0.75.
        Tensor x = K.constant(new double[] {1, 2, 3, 4}, 4, 1);
        Tensor y = K.constant(new double[] {0, 0, 0, 4}, 4, 1);
        double[] w = {2, 0, 1, 1};
        double expected = 2.75 / 0.75;
        try (Sequential model = identity()) {
            assertEquals(expected, model.evaluate(x, y, 4, w)[0], 1e-6 * expected);
            History h = model.fit(x, y, new FitOptions().epochs(1).batchSize(4).verbose(0).sampleWeight(w));
            assertEquals(expected, h.history().get("loss").get(0), 1e-6 * expected);
            assertEquals((1 + 4 + 9) / 4.0, model.evaluate(x, y, 4)[0], 1e-6);
        }
    }

    @Test
    void classWeightsWeightTheSamplesOfEachClass() {
        // One-hot targets of classes 0, 1, 1 with class weights {0: 3, 1: 1}: per-sample weights 3, 1, 1.
        // Predictions x itself: squared errors per sample, mean over the 2 outputs: (1 + 0)/2, (0 + 1)/2, (0 + 0)/2.
        // Weighted: mean(1.5, 0.5, 0) / 1 = 2/3.
        Tensor x = K.constant(new double[] {0, 0, 0, 0, 0, 1}, 3, 2);
        Tensor y = K.constant(new double[] {1, 0, 0, 1, 0, 1}, 3, 2);
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(2).useBias(false).inputShape(2));
            model.setWeights(List.of(K.constant(new double[] {1, 0, 0, 1}, 2, 2)));
            model.compile(new SGD(0), cthulhu.losses.Losses.get("mse"));
            History h = model.fit(x, y, new FitOptions().epochs(1).batchSize(3).verbose(0).classWeight(Map.of(0, 3.0, 1, 1.0)));
            assertEquals(2.0 / 3, h.history().get("loss").get(0), 1e-6);
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(x, y, new FitOptions().verbose(0).classWeight(Map.of(0, 1.0, 1, 1.0, 5, 2.0))),
                    "classWeight", "class 5", "does not exist", "0 to 1");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(x, y, new FitOptions().verbose(0).classWeight(Map.of(0, 1.0))),
                    "classWeight must contain all classes", "[1]");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(x, y, new FitOptions().verbose(0).classWeight(Map.of(0, -1.0, 1, 1.0))),
                    "classWeight[0]", "-1.0", ">= 0");
        }
    }

    @Test
    void badSampleWeightsAreRejectedWithTheRule() {
        Tensor x = K.constant(new double[] {1, 2, 3}, 3, 1);
        Tensor y = K.constant(new double[] {0, 0, 0}, 3, 1);
        try (Sequential model = identity()) {
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(x, y, new FitOptions().verbose(0).sampleWeight(1, 2)), "sampleWeight", "2 values", "3 samples");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.evaluate(x, y, 3, new double[] {1, -0.5, 1}), "sampleWeight[1]", "-0.5", ">= 0");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.evaluate(x, y, 3, new double[] {1, Double.NaN, 1}), "sampleWeight[1]", "NaN");
        }
    }
}
