package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Tolerance;
import cthulhu.constraints.Constraint;
import cthulhu.constraints.Constraints;
import cthulhu.constraints.MaxNorm;
import cthulhu.constraints.MinMaxNorm;
import cthulhu.constraints.NonNeg;
import cthulhu.constraints.UnitNorm;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import cthulhu.layers.PReLU;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import cthulhu.regularizers.OrthogonalRegularizer;
import cthulhu.regularizers.Regularizers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Regularizers (Keras's {@code l1}, {@code l2}, {@code l1_l2}) and constraints ({@code max_norm},
 * {@code min_max_norm}, {@code non_neg}, {@code unit_norm}): their values against formulas worked
 * in double, their effect on the loss training minimises and reports and on one SGD step of a
 * dense layer worked by hand, and their Keras configs.
 */
class RegularizationTest extends ConformanceTestBase {

    private static final double[] X = {1, 2, 3, -1};
    private static final double[] Y = {1, 0};
    private static final double[] W = {0.5, -1};
    private static final double B = 0.2;

    @Test
    void orthogonalRegularizerPenalisesTheCosinesBetweenRowsOrColumns() {
        // Rows (1, 0), (1, 1), (0, 2) scale to unit rows whose cosines are 1/√2, 0 and 1/√2:
        // 0.01 · 0.5 · 2 · √2 / 3 pairs. Columns (1, 1, 0) and (0, 1, 2): cosine 1/√10, one pair.
        Tensor w = K.constant(new double[] {1, 0, 1, 1, 0, 2}, 3, 2);
        assertTensor(new double[] {0.01 * 0.5 * 2 * Math.sqrt(2) / 3}, new int[0], new OrthogonalRegularizer().apply(w));
        assertTensor(new double[] {0.2 * 0.5 * 2 / Math.sqrt(10)}, new int[0], new OrthogonalRegularizer(0.2, "columns").apply(w));
        GradientCheck.check(x -> new OrthogonalRegularizer(0.5, "rows").apply(x), new double[] {1, 0.3, 0.8, 1, -0.2, 2}, 3, 2);
        OrthogonalRegularizer columns = new OrthogonalRegularizer(0.2, "columns");
        assertEquals(columns, Regularizers.deserialize(Regularizers.serialize(columns)));
        assertEquals(new OrthogonalRegularizer(), Regularizers.get("orthogonal_regularizer"));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new OrthogonalRegularizer(0.01, "diagonal"), "mode", "diagonal");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new OrthogonalRegularizer().apply(K.ones(2, 2, 2)), "rank-2", "[2, 2, 2]");
    }

    @Test
    void penaltiesAreTheWeightedSumsOfMagnitudesAndSquares() {
        // x = [1, −2, 0.5]: Σ|x| = 3.5, Σx² = 5.25.
        Tensor x = K.constant(new double[] {1, -2, 0.5}, 3);
        assertTensor(new double[] {0.035}, new int[0], Regularizers.l1(0.01).apply(x));
        assertTensor(new double[] {0.0525}, new int[0], Regularizers.l2(0.01).apply(x));
        assertTensor(new double[] {0.35 + 0.525}, new int[0], Regularizers.l1L2(0.1, 0.1).apply(x));
        // d/dx of l1·Σ|x| + l2·Σx² is l1·sign(x) + 2·l2·x.
        GradientCheck.check(v -> Regularizers.l1L2(0.1, 0.3).apply(v), new double[] {1, -2, 0.5}, 3);
    }

    @Test
    void constraintsProjectEachColumn() {
        // Columns of [[3, 0.5], [4, 0.5]] have norms 5 and √0.5; ε = 1e-7 as Keras's.
        double[] w = {3, 0.5, 4, 0.5};
        double n0 = 5;
        double n1 = Math.sqrt(0.5);
        double eps = K.epsilon();
        assertProjects(new MaxNorm(2, 0), w, scaled(w, 2 / (eps + n0), n1 / (eps + n1)));
        assertProjects(new UnitNorm(0), w, scaled(w, 1 / (eps + n0), 1 / (eps + n1)));
        // Desired norms 0.5·clip(n, 1, 3) + 0.5·n: 4 and 0.5 + 0.5·√0.5.
        assertProjects(new MinMaxNorm(1, 3, 0.5, 0), w, scaled(w, 4 / (eps + n0), (0.5 + 0.5 * n1) / (eps + n1)));
        assertProjects(new NonNeg(), new double[] {-1, 2, 0, -0.5}, new double[] {0, 2, 0, 0});
    }

    private static double[] scaled(double[] w, double column0, double column1) {
        return new double[] {w[0] * column0, w[1] * column1, w[2] * column0, w[3] * column1};
    }

    private static void assertProjects(Constraint c, double[] w, double[] expected) {
        assertTensor(expected, new int[] {2, 2}, c.apply(K.constant(w, 2, 2)), Tolerance.current().times(4));
    }

    private static Sequential denseModel(Daoloth dense) {
        Sequential model = new Sequential();
        model.add(dense.inputShape(2));
        model.setWeights(List.of(K.constant(W, 2, 1), K.constant(new double[] {B}, 1)));
        return model;
    }

    @Test
    void weightPenaltiesJoinTheLossAndItsGradientAndConstraintsFollowTheStep() {
        // Predictions x·W + b = [−1.3, 2.7], errors e = [−2.3, 2.7], mse = (5.29 + 7.29)/2 = 6.29.
        // Penalties: kernel l2(0.1)·(0.25 + 1) = 0.125, bias l1(0.5)·0.2 = 0.1: loss 6.515.
        // Gradients: Xᵀe (mse's 2/n = 1) + 2·0.1·W = [5.8 + 0.1, −7.3 − 0.2]; Σe + 0.5 = 0.9.
        // SGD lr 0.1: W' = [−0.09, −0.25], b' = 0.11; max_norm(0.2) then scales W' to norm 0.2.
        double[] e = {-1.3 - Y[0], 2.7 - Y[1]};
        double loss = (e[0] * e[0] + e[1] * e[1]) / 2 + 0.1 * (W[0] * W[0] + W[1] * W[1]) + 0.5 * B;
        assertEquals(6.515, loss, 1e-12);
        double[] w1 = {W[0] - 0.1 * (X[0] * e[0] + X[2] * e[1] + 0.2 * W[0]),
            W[1] - 0.1 * (X[1] * e[0] + X[3] * e[1] + 0.2 * W[1])};
        double b1 = B - 0.1 * (e[0] + e[1] + 0.5);
        double norm = Math.sqrt(w1[0] * w1[0] + w1[1] * w1[1]);
        double scale = 0.2 / (K.epsilon() + norm);
        Daoloth dense = new Daoloth(1).kernelRegularizer(Regularizers.l2(0.1)).biasRegularizer(Regularizers.l1(0.5))
                .kernelConstraint(new MaxNorm(0.2, 0));
        try (Sequential model = denseModel(dense)) {
            model.compile(new SGD(0.1), Losses.get("mse"));
            assertClose(loss, model.evaluate(K.constant(X, 2, 2), K.constant(Y, 2, 1))[0], Tolerance.current().times(4),
                    "evaluate's loss includes the penalties");
            double reported = model.fit(K.constant(X, 2, 2), K.constant(Y, 2, 1),
                    new FitOptions().epochs(1).batchSize(2).verbose(0).shuffle(false)).history().get("loss").get(0);
            assertClose(loss, reported, Tolerance.current().times(4), "the reported training loss");
            Tolerance tolerance = Tolerance.current().times(10);
            assertTensor(new double[] {w1[0] * scale, w1[1] * scale}, new int[] {2, 1}, model.getWeights().get(0), tolerance);
            assertTensor(new double[] {b1}, new int[] {1}, model.getWeights().get(1), tolerance);
        }
    }

    @Test
    void activityPenaltyIsOnTheOutputOfEachCall() {
        // Outputs [−1.3, 2.7]: l1(0.01)·4 = 0.04 on top of the mse 6.29.
        try (Sequential model = denseModel(new Daoloth(1).activityRegularizer(Regularizers.l1(0.01)))) {
            model.compile(new SGD(0.1), Losses.get("mse"));
            assertClose(6.29 + 0.04, model.evaluate(K.constant(X, 2, 2), K.constant(Y, 2, 1))[0],
                    Tolerance.current().times(4), "loss with the activity penalty");
            // Prediction computes no penalty and gives the plain outputs.
            assertTensor(new double[] {-1.3, 2.7}, new int[] {2, 1}, model.predict(K.constant(X, 2, 2)),
                    Tolerance.current().times(4));
        }
    }

    @Test
    void configsUseKerasFormsAndRoundTrip() {
        Daoloth dense = new Daoloth(3).kernelRegularizer(Regularizers.l2(0.01)).biasRegularizer(Regularizers.l1L2(0.1, 0.2))
                .activityRegularizer(Regularizers.l1(0.3)).kernelConstraint(new MaxNorm(3, 0)).biasConstraint(new NonNeg());
        Map<String, Object> config = dense.getConfig();
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.01)), config.get("kernel_regularizer"));
        assertEquals(Map.of("class_name", "L1L2", "config", Map.of("l1", 0.1, "l2", 0.2)), config.get("bias_regularizer"));
        assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.3)), config.get("activity_regularizer"));
        assertEquals(Map.of("class_name", "MaxNorm", "config", Map.of("max_value", 3.0, "axis", 0)), config.get("kernel_constraint"));
        assertEquals(Map.of("class_name", "NonNeg", "config", Map.of()), config.get("bias_constraint"));
        Layer copy = Layers.fromConfig("Dense", config);
        assertEquals(config, copy.getConfig());
        // Keras 2.2.4 writes L1L2 with both factors; with l1 = 0 it is Keras 3's L2.
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.01)), Regularizers.serialize(
                Regularizers.deserialize(Map.of("class_name", "L1L2", "config", Map.of("l1", 0.0, "l2", 0.01)))));
        assertEquals("L2", Regularizers.get("l2").className());
        assertEquals(Map.of("l1", 0.01, "l2", 0.01), Regularizers.get("l1_l2").getConfig());
        assertEquals(Map.of("min_value", 0.0, "max_value", 1.0, "rate", 1.0, "axis", 0), Constraints.get("min_max_norm").getConfig());
        // Keras 2.2.4's aliases maxnorm, nonneg, unitnorm.
        assertEquals(Constraints.get("max_norm").getConfig(), Constraints.get("maxnorm").getConfig());
        assertEquals(Constraints.get("non_neg").getClass(), Constraints.get("nonneg").getClass());
        assertEquals(Constraints.get("unit_norm").getConfig(), Constraints.get("unitnorm").getConfig());
        PReLU prelu = new PReLU().alphaRegularizer(Regularizers.l2(0.5)).alphaConstraint(new NonNeg());
        assertEquals(prelu.getConfig(), Layers.fromConfig("PReLU", prelu.getConfig()).getConfig());
        assertNull(new Daoloth(2).getConfig().get("kernel_regularizer"));
    }

    @Test
    void badFactorsAndNamesAreRefused() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Regularizers.l2(-0.01), "l2", "-0.01", ">= 0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Regularizers.l1L2(Double.NaN, 0), "l1", "NaN");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Regularizers.get("l3"),
                "Unknown regularizer: l3", "l1_l2");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new MaxNorm(Double.POSITIVE_INFINITY, 0),
                "max_value", "Infinity");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Constraints.get("positive"),
                "Unknown constraint: positive", "non_neg");
    }
}
