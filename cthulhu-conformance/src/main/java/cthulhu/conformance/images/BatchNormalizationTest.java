package cthulhu.conformance.images;

import cthulhu.backend.K;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.BatchNormalization;
import cthulhu.layers.Conv2D;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Flatten;
import cthulhu.layers.Layer;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNormalization: training mode against the batch statistics computed here in double,
 * inference mode against the moving statistics, the moving averages after several training calls
 * against Keras 2.2.4's update worked here, another axis, the weights (two trainable, two not),
 * gradients against central differences, and a model whose fit updates the moving statistics
 * without training them.
 */
class BatchNormalizationTest extends ConformanceTestBase {

    private static final double EPS = 1e-3;

    /** Per-channel mean and biased variance of a (n, c) view. */
    private static double[][] moments(double[] x, int c) {
        int n = x.length / c;
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int i = 0; i < x.length; i++) {
            mean[i % c] += x[i] / n;
        }
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[i % c];
            var[i % c] += d * d / n;
        }
        return new double[][] {mean, var};
    }

    private static double[] normalize(double[] x, double[] mean, double[] var, double[] gamma, double[] beta) {
        int c = mean.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int j = i % c;
            y[i] = gamma[j] * (x[i] - mean[j]) / Math.sqrt(var[j] + EPS) + beta[j];
        }
        return y;
    }

    private static Tolerance tolerance() {
        return Tolerance.current().times(50);
    }

    @Test
    void trainingUsesBatchStatisticsAndUpdatesTheMovingAverages() {
        double[] gamma = {1.5, 0.5, -1};
        double[] beta = {0.1, -0.2, 0.3};
        double[] movingMean = {0, 0, 0};
        double[] movingVar = {1, 1, 1};
        Layer layer = LayerCheck.built(() -> new BatchNormalization().momentum(0.9), new int[] {4, 3},
                gamma, beta, movingMean, movingVar);
        for (int step = 0; step < 3; step++) {
            double[] x = Reference.stored(Reference.uniform(new int[] {5, 4, 3}, -2 + step, 3, 50 + step));
            double[][] m = moments(x, 3);
            assertTensor(normalize(x, m[0], m[1], gamma, beta), new int[] {5, 4, 3}, layer.call(K.constant(x, 5, 4, 3), true),
                    tolerance());
            int n = 20;
            for (int j = 0; j < 3; j++) {
                movingMean[j] = 0.9 * movingMean[j] + 0.1 * m[0][j];
                movingVar[j] = 0.9 * movingVar[j] + 0.1 * m[1][j] * n / (n - (1 + EPS));
            }
        }
        assertTensor(movingMean, new int[] {3}, layer.getWeights().get(2), tolerance());
        assertTensor(movingVar, new int[] {3}, layer.getWeights().get(3), tolerance());
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 4, 3}, -1, 1, 60));
        assertTensor(normalize(x, movingMean, movingVar, gamma, beta), new int[] {2, 4, 3}, layer.call(K.constant(x, 2, 4, 3)),
                tolerance());
        assertTensor(movingMean, new int[] {3}, layer.getWeights().get(2), tolerance());
    }

    @Test
    void channelsFirstAxisOneWithoutCenterOrScale() {
        // (n=2, c=2, 3 cells): statistics per channel over batch and cells.
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 2, 3}, -1, 1, 61));
        double[] byChannel = new double[12];
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 3; i++) {
                    byChannel[(b * 3 + i) * 2 + c] = x[(b * 2 + c) * 3 + i];
                }
            }
        }
        double[][] m = moments(byChannel, 2);
        double[] expected = new double[12];
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 3; i++) {
                    double v = x[(b * 2 + c) * 3 + i];
                    expected[(b * 2 + c) * 3 + i] = (v - m[0][c]) / Math.sqrt(m[1][c] + EPS);
                }
            }
        }
        BatchNormalization layer = new BatchNormalization().axis(1).center(false).scale(false);
        assertTensor(expected, new int[] {2, 2, 3}, layer.call(K.constant(x, 2, 2, 3), true), tolerance());
        assertEquals(List.of("moving_mean", "moving_variance"), layer.variables().stream().map(v -> v.name()).toList());
        assertTrue(layer.trainableVariables().isEmpty());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        LayerCheck.gradients(BatchNormalization::new, new int[] {4, 3}, true, 62);
        LayerCheck.gradients(() -> new BatchNormalization().axis(1), new int[] {3, 2, 2, 2}, true, 63);
        LayerCheck.gradients(BatchNormalization::new, new int[] {2, 3}, false, 64);
    }

    @Test
    void fitUpdatesTheMovingStatisticsWithoutTrainingThem() {
        Sequential model = new Sequential();
        model.add(new Conv2D(4, 3, "relu").inputShape(6, 6, 1));
        model.add(new BatchNormalization());
        model.add(new Flatten());
        model.add(new Daoloth(2, "softmax"));
        model.compile("sgd", "categorical_crossentropy");
        double[] x = Reference.uniform(new int[] {8, 6, 6, 1}, 0, 1, 65);
        double[] y = new double[16];
        for (int i = 0; i < 8; i++) {
            y[2 * i + i % 2] = 1;
        }
        Layer bn = model.getLayers().get(1);
        double[] before = bn.getWeights().get(2).toDoubleArray();
        model.fit(K.constant(x, 8, 6, 6, 1), K.constant(y, 8, 2), 2, 4);
        double[] after = bn.getWeights().get(2).toDoubleArray();
        assertTrue(!java.util.Arrays.equals(before, after), "the moving mean moved");
        assertEquals(2, bn.trainableVariables().size());
        String summary = model.summaryText();
        // Keras: 4 (gamma, beta, moving mean and variance) · 4 channels, half of them trainable.
        // Keras cuts the first column at 29 characters.
        assertTrue(summary.contains("conv2d_1 (Conv2D)            (None, 4, 4, 4)           40"), summary);
        assertTrue(summary.contains("batch_normalization_1 (Batch (None, 4, 4, 4)           16"), summary);
        assertTrue(summary.contains("Non-trainable params: 8"), summary);
    }
}
