package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.callbacks.LambdaCallback;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Daoloth;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import cthulhu.models.TrainingSteps;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Model#fit(TrainingSteps, FitOptions)}: steps taken outside the model, the epochs,
 * callbacks, epoch means and validation run by the model's own loop. The reference is the same
 * model fitted on the tensors, whose batches the steps take one by one.
 */
class TrainingStepsTest extends ConformanceTestBase {

    private static final double[] X = {0.5, -1, 1.5, 0.2, -0.3, 0.8, 0.1, -1.2, 0.9, 0.4};
    private static final double[] Y = {1, 0, 1, 1, 0};

    /** Five samples in batches of two, unshuffled, each taken with {@link Model#trainOnBatch}. */
    private static final class Slices implements TrainingSteps {
        private final Model model;
        private final Tensor x = K.constant(X, 5, 2);
        private final Tensor y = K.constant(Y, 5, 1);

        Slices(Model model) {
            this.model = model;
        }

        @Override
        public int samples() {
            return 5;
        }

        @Override
        public int steps() {
            return 3;
        }

        @Override
        public int size(int epoch, int step) {
            return Math.min(5, 2 * step + 2) - 2 * step;
        }

        @Override
        public double[] train(int epoch, int step) {
            int from = 2 * step;
            int to = from + size(epoch, step);
            return model.trainOnBatch(K.slice(x, 0, from, to), K.slice(y, 0, from, to));
        }
    }

    private static Sequential model() {
        Sequential model = new Sequential();
        model.add(new Daoloth(3, "tanh").inputShape(2));
        model.add(new Daoloth(1, "sigmoid"));
        model.setWeights(List.of(K.constant(new double[] {0.3, -0.7, 0.5, 0.2, 0.1, -0.2}, 2, 3),
                K.constant(new double[] {0.1, 0, -0.1}, 3), K.constant(new double[] {0.9, -0.4, 0.05}, 3, 1),
                K.constant(new double[] {0.05}, 1)));
        model.compile(new SGD(0.1), Losses.get("binary_crossentropy"), "accuracy");
        return model;
    }

    private static FitOptions options() {
        return new FitOptions().epochs(3).batchSize(2).shuffle(false).verbose(0)
                .validationData(K.constant(new double[] {0.2, 0.3, -0.6, 1.1}, 2, 2), K.constant(new double[] {1, 0}, 2, 1));
    }

    @Test
    void theModelsOwnBatchesAsStepsTrainAsFitOnTheTensors() {
        try (Sequential reference = model(); Sequential stepped = model()) {
            History expected = reference.fit(K.constant(X, 5, 2), K.constant(Y, 5, 1), options());
            List<Integer> sizes = new ArrayList<>();
            History actual = stepped.fit(new Slices(stepped), options().callbacks(new LambdaCallback()
                    .onBatchBegin((batch, logs) -> sizes.add(logs.get("size").intValue()))));

            assertEquals(List.of(2, 2, 1, 2, 2, 1, 2, 2, 1), sizes, "each step's size, known before it runs");
            assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(actual.history().keySet()));
            Tolerance tol = Tolerance.current().times(10);
            for (String key : expected.history().keySet()) {
                assertClose(expected.history().get(key).stream().mapToDouble(Double::doubleValue).toArray(),
                        actual.history().get(key).stream().mapToDouble(Double::doubleValue).toArray(), tol, key);
            }
            for (int i = 0; i < reference.getWeights().size(); i++) {
                Tensor w = reference.getWeights().get(i);
                assertTensor(w.toDoubleArray(), w.shape(), stepped.getWeights().get(i), tol);
            }
        }
    }

    @Test
    void aValidationSplitIsRefusedForTheStepsDoNotGiveTheSamples() {
        try (Sequential model = model()) {
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(new Slices(model), new FitOptions().validationSplit(0.2).verbose(0)),
                    "validationSplit 0.2", "FitOptions.validationData");
        }
    }
}
