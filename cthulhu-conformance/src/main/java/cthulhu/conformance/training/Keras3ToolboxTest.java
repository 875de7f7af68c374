package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Daoloth;
import cthulhu.losses.BinaryFocalCrossentropy;
import cthulhu.losses.CategoricalFocalCrossentropy;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.losses.Tversky;
import cthulhu.metrics.AtConstraint;
import cthulhu.metrics.ConditionCount;
import cthulhu.metrics.FBetaScore;
import cthulhu.metrics.IoU;
import cthulhu.metrics.Metrics;
import cthulhu.metrics.R2Score;
import cthulhu.metrics.RootMeanSquaredError;
import cthulhu.metrics.StatefulMetric;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras 3's focal, Dice and Tversky losses, its correlation metrics and its stateful confusion,
 * threshold-constrained, R², RMSE and IoU metrics against the values Keras 3.15.1 (JAX, float64)
 * prints for the same inputs ({@code cthulhu-conformance/src/test/python/keras3_losses.py});
 * Keras keeps some metric states in float32, so values are held to 1e-6 relative.
 */
class Keras3ToolboxTest extends ConformanceTestBase {

    private static final double[] B = {1, 0, 1, 0, 1, 1};
    private static final double[] PB = {0.9, 0.3, 0.4, 0.2, 0.65, 0.99};
    private static final double[] Z = {2, -1, 0.5, -30, 40, 0};
    private static final double[] ONE_HOT = {0, 1, 0, 0, 0, 1};
    private static final double[] PC = {0.05, 0.9, 0.05, 0.1, 0.85, 0.05};

    private static Tolerance keras() {
        Tolerance t = Tolerance.current().times(10);
        return new Tolerance(Math.max(t.rtol(), 1e-6), Math.max(t.atol(), 1e-9));
    }

    private static Tensor t(double[] values) {
        return K.constant(values, 2, 3);
    }

    private static void assertLoss(double[] expected, Loss loss, double[] yTrue, double[] yPred) {
        Tensor value = loss.apply(t(yTrue), t(yPred));
        assertTensor(expected, expected.length == 1 ? new int[0] : new int[] {expected.length}, value, keras());
    }

    @Test
    void focalCrossentropiesMatchKeras3() {
        assertLoss(new double[] {0.12100633233785629, 0.020565886050462723}, Losses.get("binary_focal_crossentropy"), B, PB);
        assertLoss(new double[] {0.027802107855677605, 0.003775092540308833}, new BinaryFocalCrossentropy(true, 0.4, 3, false, 0.1), B, PB);
        assertLoss(new double[] {0.030678369104862213, 0.0577622652053833}, new BinaryFocalCrossentropy(false, 0.25, 2, true, 0), B, Z);
        assertLoss(new double[] {0.00026340128914456557, 0.6759120942206192}, Losses.get("categorical_focal_crossentropy"), ONE_HOT, PC);
        assertLoss(new double[] {0.19429533300359186, 1.3031332667170363}, new CategoricalFocalCrossentropy(0.5, 1, false, 0.2), ONE_HOT, PC);
        assertLoss(new double[] {0.7481794455198857, 4.029523106834838}, new CategoricalFocalCrossentropy(0.25, 2, true, 0), ONE_HOT, Z);
    }

    @Test
    void focalWithGammaZeroAndNoBalancingIsTheCrossentropy() {
        // (1 − p_t)^0 = 1, so the focal loss is binary_crossentropy exactly.
        Tensor focal = new BinaryFocalCrossentropy(false, 0.25, 0, false, 0).apply(t(B), t(PB));
        assertTensor(Losses.get("binary_crossentropy").apply(t(B), t(PB)).toDoubleArray(), new int[] {2}, focal);
    }

    @Test
    void diceAndTverskyMatchKeras3() {
        // Σ y·p = 0.9 + 0.4 + 0.65 + 0.99 = 2.94, Σ y = 4, Σ p = 3.44: 1 − 5.88/(7.44 + ε).
        assertLoss(new double[] {1 - 5.88 / (7.44 + 1e-7)}, Losses.get("dice"), B, PB);
        assertLoss(new double[] {0.20967742997745387}, Losses.get("dice"), B, PB);
        assertLoss(new double[] {0.20967744060006877}, Losses.get("tversky"), B, PB);
        // FP = Σ (1 − y)·p = 0.5, FN = Σ y·(1 − p) = 1.06: α weighs false positives as Keras documents and its
        // current source computes; Keras 3.15.1 swapped the two sums, so its printed value is Tversky(0.3, 0.7)'s.
        assertLoss(new double[] {1 - 2.94 / (2.94 + 0.7 * 0.5 + 0.3 * 1.06 + 1e-7)}, new Tversky(0.7, 0.3), B, PB);
        assertLoss(new double[] {0.23277663797555737}, new Tversky(0.3, 0.7), B, PB);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        GradientCheck.check(p -> Losses.get("binary_focal_crossentropy").apply(t(B), p), PB.clone(), 2, 3);
        GradientCheck.check(z -> new BinaryFocalCrossentropy(true, 0.4, 3, true, 0.1).apply(t(B), z), new double[] {2, -1, 0.5, -3, 4, 0}, 2, 3);
        GradientCheck.check(p -> Losses.get("categorical_focal_crossentropy").apply(t(ONE_HOT), p), PC.clone(), 2, 3);
        GradientCheck.check(p -> Losses.get("dice").apply(t(B), p), PB.clone(), 2, 3);
        GradientCheck.check(p -> new Tversky(0.7, 0.3).apply(t(B), p), PB.clone(), 2, 3);
    }

    @Test
    void theNewLossesRoundTripByNameAndConfig() {
        for (Loss loss : new Loss[] {new BinaryFocalCrossentropy(true, 0.4, 3, true, 0.1), new CategoricalFocalCrossentropy(0.5, 1, false, 0.2),
            new Tversky(0.7, 0.3)}) {
            assertEquals(loss, Losses.deserialize(Losses.serializeConfig(loss)));
        }
        assertEquals("dice", Losses.serialize(Losses.get("dice")));
        assertEquals(Map.of("class_name", "Tversky", "config", Map.of("alpha", 0.7, "beta", 0.3)), Losses.serializeConfig(new Tversky(0.7, 0.3)));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new BinaryFocalCrossentropy(false, 1.5, 2, false, 0), "alpha", "1.5");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new CategoricalFocalCrossentropy(0.25, -1, false, 0), "gamma", "-1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Tversky(-0.1, 0.5), "alpha", "-0.1");
    }

    @Test
    void kerasUpperCaseAndShortAliasesResolveToTheirLoss() {
        for (String[] alias : new String[][] {{"MSE", "mean_squared_error"}, {"MAE", "mean_absolute_error"},
            {"MAPE", "mean_absolute_percentage_error"}, {"MSLE", "mean_squared_logarithmic_error"},
            {"KLD", "kullback_leibler_divergence"}, {"cosine", "cosine_proximity"}, {"BCE", "binary_crossentropy"}}) {
            assertSame(Losses.get(alias[1]), Losses.get(alias[0]), alias[0]);
            assertEquals(alias[1], Losses.serialize(Losses.get(alias[0])));
        }
        for (String alias : new String[] {"MSE", "MAE", "MAPE", "MSLE", "cosine", "bce", "BCE"}) {
            assertTrue(Metrics.names().contains(alias), alias);
        }
        assertSame(Metrics.get("mse"), Metrics.get("MSE"));
    }

    @Test
    void correlationMetricsMatchKeras3() {
        double[] y = {0, 1, 0.5, 1, 1, 0.2};
        double[] p = {0.1, 0.9, 0.5, 1, 0.9, 0.2};
        assertTensor(new double[] {1.0, 0.9933993220329285}, new int[] {2}, Metrics.get("pearson_correlation").apply(t(y), t(p)), keras());
        assertTensor(new double[] {0.9756094217300415, 0.9876539707183838}, new int[] {2},
                Metrics.get("concordance_correlation").apply(t(y), t(p)), keras());
    }

    private static final double[] T1 = {1, 0, 1, 1};
    private static final double[] P1 = {0.9, 0.6, 0.4, 0.7};
    private static final double[] T2 = {0, 0, 1};
    private static final double[] P2 = {0.2, 0.8, 0.55};

    /** The metric after a first batch and after a second, as Keras 3 gives them, then reset to 0. */
    private static void assertTwoBatches(StatefulMetric metric, double first, double both, Tensor t1, Tensor p1, Tensor t2, Tensor p2) {
        metric.update(t1, p1);
        assertEquals(first, metric.result(), 1e-6 * Math.max(1, Math.abs(first)), "after the first batch");
        metric.update(t2, p2);
        assertEquals(both, metric.result(), 1e-6 * Math.max(1, Math.abs(both)), "after both batches");
        metric.reset();
        assertEquals(0, metric.result(), 1e-6);
    }

    private static void assertTwoBatches(StatefulMetric metric, double first, double both) {
        assertTwoBatches(metric, first, both, K.constant(T1, 4), K.constant(P1, 4), K.constant(T2, 3), K.constant(P2, 3));
    }

    @Test
    void confusionCountsAndConstrainedRatesMatchKeras3() {
        assertTwoBatches(Metrics.stateful("true_positives").orElseThrow(), 2, 3);
        assertTwoBatches(Metrics.stateful("false_positives").orElseThrow(), 1, 2);
        assertTwoBatches(Metrics.stateful("true_negatives").orElseThrow(), 0, 1);
        assertTwoBatches(new ConditionCount(ConditionCount.Condition.FALSE_NEGATIVES), 1, 1);
        assertTwoBatches(AtConstraint.precisionAtRecall(0.7, 200), 0.75, 0.6666666666666666);
        assertTwoBatches(AtConstraint.recallAtPrecision(0.8, 200), 0.6666666666666666, 0.25);
        assertTwoBatches(AtConstraint.sensitivityAtSpecificity(0.5, 200), 0.6666666666666666, 0.5);
        assertTwoBatches(AtConstraint.specificityAtSensitivity(0.6, 200), 1.0, 0.3333333333333333);
        assertTwoBatches(AtConstraint.sensitivityAtSpecificity(0.5, 7), 0.6666666666666666, 0.5);
        assertTwoBatches(Metrics.stateful("binary_io_u").orElseThrow(), 0.25, 0.375);
        assertTwoBatches(IoU.binaryIoU(0.3, 1), 0.7499999403953552, 0.6666666269302368);
    }

    @Test
    void rootMeanSquaredErrorIsTheRootOfTheAccumulatedMean() {
        // Squared errors 0.01, 0.36, 0.36, 0.09 then 0.04, 0.64, 0.2025: √(0.82/4) and √(1.7025/7).
        assertTwoBatches(new RootMeanSquaredError(), Math.sqrt(0.82 / 4), Math.sqrt(1.7025 / 7));
        assertTwoBatches(Metrics.stateful("root_mean_squared_error").orElseThrow(), 0.45276925690687087, 0.493167604080282);
    }

    private static void assertR2(StatefulMetric metric, double first, double both) {
        assertTwoBatches(metric, first, both, K.constant(new double[] {1, 2, 2, 0.5, 3, 1.5}, 3, 2),
                K.constant(new double[] {1.1, 1.8, 2.3, 0.4, 2.6, 1.9}, 3, 2),
                K.constant(new double[] {0, 1, 4, 2.5}, 2, 2), K.constant(new double[] {0.5, 1.2, 3.5, 2}, 2, 2));
    }

    @Test
    void r2ScoreMatchesKeras3() {
        // First batch, column 1: residuals 0.01 + 0.09 + 0.16 = 0.26 over total variation 2 → 0.87;
        // column 2: 0.04 + 0.01 + 0.16 = 0.21 over 7/6 → 0.82; uniform average 0.845, as Keras:
        assertR2(Metrics.stateful("r2_score").orElseThrow(), 0.8450000286102295, 0.8619999885559082);
        assertR2(new R2Score("variance_weighted_average", 0), 0.8515789473684211, 0.8992);
        // Adjusted with n samples, as Keras's current source counts them (3.15.1 counted elements):
        // 1 − (1 − 0.845)·2/1 and 1 − (1 − 0.862)·4/3.
        assertR2(new R2Score("uniform_average", 1), 1 - (1 - 0.845) * 2, 1 - (1 - 0.862) * 4 / 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new R2Score("raw", 0), "classAggregation", "raw");
    }

    @Test
    void iouMetricsMatchKeras3() {
        Tensor t1 = K.constant(new double[] {0, 1, 2, 2}, 4);
        Tensor p1 = K.constant(new double[] {0, 2, 2, 1}, 4);
        Tensor t2 = K.constant(new double[] {1, 1, 0}, 3);
        Tensor p2 = K.constant(new double[] {1, 0, 0}, 3);
        assertTwoBatches(IoU.meanIoU(3), 0.4444444179534912, 0.4166666567325592, t1, p1, t2, p2);
        assertTwoBatches(new IoU(3, 0, 2), 0.6666666269302368, 0.5, t1, p1, t2, p2);
        Tensor c1 = K.constant(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1}, 4, 3);
        Tensor s1 = K.constant(new double[] {0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.3, 0.4, 0.3}, 4, 3);
        Tensor c2 = K.constant(new double[] {0, 1, 0, 0, 1, 0, 1, 0, 0}, 3, 3);
        Tensor s2 = K.constant(new double[] {0.1, 0.8, 0.1, 0.5, 0.3, 0.2, 0.6, 0.3, 0.1}, 3, 3);
        assertTwoBatches(IoU.oneHotMeanIoU(3), 0.4444444179534912, 0.4166666567325592, c1, s1, c2, s2);
        assertTwoBatches(IoU.oneHotIoU(3, 1), 0.0, 0.2499999701976776, c1, s1, c2, s2);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new IoU(3, 3), "targetClassIds", "[3]");
    }

    @Test
    void fScoresMatchKeras3() {
        Tensor c1 = K.constant(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1}, 4, 3);
        Tensor s1 = K.constant(new double[] {0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.3, 0.4, 0.3}, 4, 3);
        Tensor c2 = K.constant(new double[] {0, 1, 0, 0, 1, 0, 1, 0, 0}, 3, 3);
        Tensor s2 = K.constant(new double[] {0.1, 0.8, 0.1, 0.5, 0.3, 0.2, 0.6, 0.3, 0.1}, 3, 3);
        // Micro, first batch: row maxima pick classes 0, 2, 2, 1 against 0, 1, 2, 2: TP 2, FP 2, FN 2 → F1 ≈ 1/2.
        double p = 2 / (4 + 1e-7);
        assertTwoBatches(FBetaScore.f1Score("micro", null), p * p / (2 * p + 1e-7) * 2, 0.5714285373687744, c1, s1, c2, s2);
        assertTwoBatches(FBetaScore.f1Score("macro", null), 0.4999999403953552, 0.5666666030883789, c1, s1, c2, s2);
        assertTwoBatches(FBetaScore.f1Score("weighted", null), 0.49999991250000847, 0.542857063387762, c1, s1, c2, s2);
        assertTwoBatches(new FBetaScore("macro", 2, 0.35), 0.4999999403953552, 0.588744580745697, c1, s1, c2, s2);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> FBetaScore.f1Score(null, null), "average", "null");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new FBetaScore("macro", 0, null), "beta", "0");
    }

    @Test
    void aModelReportsTheNewStatefulMetricsByNameAndARegisteredOne() {
        Supplier<StatefulMetric> atRecall = () -> AtConstraint.precisionAtRecall(0.5, 200);
        String name = "precision_at_recall_0.5_" + K.floatx();
        if (!Metrics.names().contains(name)) {
            Metrics.registerStateful(name, atRecall);
        }
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(1, "sigmoid").inputShape(1));
            model.setWeights(List.of(K.constant(new double[] {2}, 1, 1), K.constant(new double[] {-1}, 1)));
            model.compile(new SGD(0), Losses.get("binary_crossentropy"), "true_positives", "false_negatives", name);
            // sigmoid(2x − 1) for x = 1, 0, 2, −1: 0.731, 0.269, 0.953, 0.047; targets 1, 1, 0, 0.
            Tensor x = K.constant(new double[] {1, 0, 2, -1}, 4, 1);
            Tensor y = K.constant(new double[] {1, 1, 0, 0}, 4, 1);
            History h = model.fit(x, y, new FitOptions().epochs(1).batchSize(2).shuffle(false).verbose(0));
            assertEquals(List.of(1.0), h.history().get("true_positives"));
            assertEquals(List.of(1.0), h.history().get("false_negatives"));
            // Over the epoch, at thresholds i/199 in [0.047, 0.269): TP 2, FP 1 (0.953), recall 1 → precision 2/3,
            // the best with recall ≥ 0.5 (in [0.269, 0.731): TP 1, FP 1 → 1/2; below 0.047: 2/4).
            assertEquals(2.0 / 3, h.history().get(name).get(0), 1e-12);
        }
        assertTrue(Metrics.stateful("r2_score").orElseThrow() != Metrics.stateful("r2_score").orElseThrow(), "a new instance per model");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Metrics.registerStateful("precision", atRecall), "precision", "taken");
        assertSame(Metrics.stateful("no_such_metric").isPresent(), false);
    }
}
