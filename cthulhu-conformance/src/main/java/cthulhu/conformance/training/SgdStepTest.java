package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import cthulhu.losses.Losses;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertClose;

/** One SGD step of a two-layer model, against the update worked out by hand. */
class SgdStepTest extends ConformanceTestBase {

    /** The model of the worked update below with its weights W1, b1, W2, b2, compiled with SGD lr 0.1, mse and {@code metrics}. */
    private static Sequential workedModel(String... metrics) {
        Sequential model = new Sequential();
        model.add(new Daoloth(2, "relu").inputShape(2));
        model.add(new Daoloth(1));
        model.setWeights(List.of(
                K.constant(new double[] {1, 0, 0.5, -1}, 2, 2), K.constant(new double[] {0, 0.5}, 2),
                K.constant(new double[] {1, 2}, 2, 1), K.constant(new double[] {0.5}, 1)));
        model.compile(new SGD(0.1), Losses.get("mse"), metrics);
        return model;
    }

    /**
     * Model: h = relu(x·W1 + b1), out = h·W2 + b2, loss mean squared error, SGD lr 0.1, one batch
     * of two samples.
     * <pre>
     * W1 = [[1, 0], [0.5, −1]]   b1 = [0, 0.5]   W2 = [[1], [2]]   b2 = [0.5]
     * x1 = [1, 2], y1 = 1:  pre = [1 + 1, 0 − 2] + b1 = [2, −1.5]   h = [2, 0]    out = 2 + 0.5 = 2.5
     * x2 = [0, 1], y2 = 0:  pre = [0.5, −1] + b1 = [0.5, −0.5]      h = [0.5, 0]  out = 0.5 + 0.5 = 1
     * loss = ((2.5 − 1)² + (1 − 0)²) / 2 = (2.25 + 1) / 2 = 1.625
     * dL/dout = 2·(out − y) / 2 = [1.5, 1]
     * dW2 = h1ᵀ·1.5 + h2ᵀ·1 = [[3 + 0.5], [0]] = [[3.5], [0]]      db2 = 2.5
     * dh = dL/dout · W2ᵀ: [1.5, 3] and [1, 2]; relu passes only unit 1 (pre > 0): [1.5, 0], [1, 0]
     * dW1 = x1ᵀ·[1.5, 0] + x2ᵀ·[1, 0] = [[1.5, 0], [3, 0]] + [[0, 0], [1, 0]] = [[1.5, 0], [4, 0]]
     * db1 = [2.5, 0]
     * W1' = W1 − 0.1·dW1 = [[0.85, 0], [0.1, −1]]   b1' = [−0.25, 0.5]
     * W2' = [[0.65], [2]]                              b2' = [0.25]
     * </pre>
     */
    @Test
    void oneStepMatchesTheHandWorkedUpdate() {
        try (Sequential model = workedModel()) {
            Tensor x = K.constant(new double[] {1, 2, 0, 1}, 2, 2);
            Tensor y = K.constant(new double[] {1, 0}, 2, 1);
            History history = model.fit(x, y, new FitOptions().epochs(1).batchSize(2).shuffle(false).verbose(0));

            Tolerance tol = Tolerance.current().times(10);
            assertClose(1.625, history.history().get("loss").get(0), tol, "loss before the step");
            List<Tensor> w = model.getWeights();
            assertTensor(new double[] {0.85, 0, 0.1, -1}, new int[] {2, 2}, w.get(0), tol);
            assertTensor(new double[] {-0.25, 0.5}, new int[] {2}, w.get(1), tol);
            assertTensor(new double[] {0.65, 2}, new int[] {2, 1}, w.get(2), tol);
            assertTensor(new double[] {0.25}, new int[] {1}, w.get(3), tol);
            assertClose(1, model.getOptimizer().iterations(), Tolerance.FLOAT64, "steps taken");
        }
    }

    @Test
    void trainOnBatchTakesTheSameStep() {
        try (Sequential model = workedModel("mae")) {
            Tensor x = K.constant(new double[] {1, 2, 0, 1}, 2, 2);
            Tensor y = K.constant(new double[] {1, 0}, 2, 1);
            Tolerance tol = Tolerance.current().times(10);
            // Before the step: loss 1.625 as above, mae (|2.5 − 1| + |1 − 0|) / 2 = 1.25.
            assertClose(new double[] {1.625, 1.25}, model.testOnBatch(x, y), tol, "test_on_batch before the step");
            assertClose(new double[] {1.625, 1.25}, model.trainOnBatch(x, y), tol, "train_on_batch's values");
            assertTensor(new double[] {0.65, 2}, new int[] {2, 1}, model.getWeights().get(2), tol);
        }
    }
}
