package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Darkness;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import cthulhu.losses.Losses;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertShape;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static cthulhu.conformance.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Sequential's building, naming, summary, shape checks, history keys and data handling. */
class ModelTest extends ConformanceTestBase {

    private static Sequential classifier() {
        Sequential model = new Sequential();
        model.add(new Daoloth(4, "relu").inputShape(3));
        model.add(new Daoloth(2, "softmax"));
        return model;
    }

    /** 8 samples of 3 features with one-hot targets of 2 classes, fixed values. */
    private static Tensor x8() {
        return K.constant(new double[] {
            0.1, 0.2, 0.3, 0.9, 0.1, 0.4, 0.5, 0.5, 0.5, 0.3, 0.8, 0.1,
            0.7, 0.2, 0.6, 0.2, 0.9, 0.3, 0.4, 0.4, 0.1, 0.8, 0.7, 0.6}, 8, 3);
    }

    private static Tensor y8() {
        return K.constant(new double[] {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1}, 8, 2);
    }

    @Test
    void layersGetKerasNamesAndTheSummaryIsKerasTable() {
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(64, "relu").inputShape(64));
            model.add(new Darkness(0.5));
            model.add(new Daoloth(10));
            model.add(new Azatoth("softmax"));
            assertEquals(List.of("dense_1", "dropout_1", "dense_2", "activation_1"),
                    model.getLayers().stream().map(l -> l.getName()).toList());
            model.getLayers().get(2).setTrainable(false);
            // Keras 2.2.4 print_summary: 65 columns, fields end at 29, 55 and 65;
            // params 64·64 + 64 = 4160 and 64·10 + 10 = 650.
            String expected = String.join("\n",
                    "_________________________________________________________________",
                    "Layer (type)                 Output Shape              Param #   ",
                    "=================================================================",
                    "dense_1 (Dense)              (None, 64)                4160      ",
                    "_________________________________________________________________",
                    "dropout_1 (Dropout)          (None, 64)                0         ",
                    "_________________________________________________________________",
                    "dense_2 (Dense)              (None, 10)                650       ",
                    "_________________________________________________________________",
                    "activation_1 (Activation)    (None, 10)                0         ",
                    "=================================================================",
                    "Total params: 4,810",
                    "Trainable params: 4,160",
                    "Non-trainable params: 650",
                    "_________________________________________________________________",
                    "");
            assertEquals(expected, model.summaryText());
        }
    }

    @Test
    void consecutiveLayersThatDoNotFitAreRefusedNamingBoth() {
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(4).inputShape(3));
            assertThrowsWithMessage(IllegalArgumentException.class, () -> model.add(new Daoloth(2).inputShape(5)),
                    "dense_2", "dense_1", "[5]", "[4]", "only on the first layer");
            Daoloth named = new Daoloth(2);
            named.setName("dense_1");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> model.add(named), "dense_1", "unique");
        }
    }

    @Test
    void fitEvaluateAndPredictCheckShapes() {
        try (Sequential model = classifier()) {
            model.compile("sgd", "categorical_crossentropy", "accuracy");
            Tensor x = x8();
            Tensor y = y8();
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(K.constant(new double[16], 8, 2), y, 1, 4), "[8, 2]", "[batch, 3]");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(x, K.constant(new double[14], 7, 2), 1, 4), "8 input samples", "7 target samples");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(x, K.constant(new double[8], 8), 1, 4), "[8, 2]", "sparse_categorical_crossentropy");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.evaluate(x, K.constant(new double[24], 8, 3)), "[None, 2]", "[8, 3]");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.predict(K.constant(new double[8], 2, 4)), "[2, 4]", "[batch, 3]");
        }
        try (Sequential uncompiled = classifier()) {
            assertThrowsWithMessage(IllegalStateException.class, () -> uncompiled.fit(x8(), y8(), 1, 4), "compile");
        }
    }

    @Test
    void predictAndEvaluateWorkInBatches() {
        try (Sequential model = classifier()) {
            model.compile("sgd", "categorical_crossentropy", "accuracy");
            Tensor x = x8();
            Tensor whole = model.predict(x, 8);
            Tensor batched = model.predict(x, 3);
            assertShape(new int[] {8, 2}, batched);
            // A backend may round a matrix product differently for other row counts (blocking, FMA).
            assertValues(whole.toDoubleArray(), batched, Tolerance.current().times(10));
            double[] wholeEval = model.evaluate(x, y8(), 8);
            double[] batchedEval = model.evaluate(x, y8(), 3);
            assertEquals(2, wholeEval.length);
            assertClose(wholeEval, batchedEval, Tolerance.current().times(10), "evaluate in batches of 3");
        }
    }

    @Test
    void historyKeysFollowKerasAndValidationSplitTakesTheLastFraction() {
        try (Sequential model = classifier()) {
            model.compile("sgd", "categorical_crossentropy", "accuracy");
            Tensor x = x8();
            Tensor y = y8();
            History history = model.fit(x, y, new FitOptions().epochs(3).batchSize(2).validationSplit(0.25).seed(7).verbose(0));
            assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(history.history().keySet()));
            history.history().values().forEach(v -> assertEquals(3, v.size()));
            assertEquals(List.of(0, 1, 2), history.epoch());
            // Keras takes the LAST 25 %: samples 6 and 7. After the last epoch the weights are
            // unchanged, so the last val_loss is the loss of those two samples now.
            double[] lastTwo = model.evaluate(K.slice(x, 0, 6, 8), K.slice(y, 0, 6, 8));
            assertClose(lastTwo[0], history.history().get("val_loss").get(2), Tolerance.current().times(10), "val_loss");
            assertClose(lastTwo[1], history.history().get("val_accuracy").get(2), Tolerance.current(), "val_accuracy");
        }
    }

    @Test
    void validationDataAndSeededShufflingAreReproducible() {
        List<Tensor> start;
        double[][] results = new double[2][];
        try (Sequential first = classifier()) {
            start = first.getWeights();
        }
        for (int run = 0; run < 2; run++) {
            try (Sequential model = classifier()) {
                model.setWeights(start);
                model.compile(new SGD(0.5), Losses.get("categorical_crossentropy"), "acc");
                History h = model.fit(x8(), y8(), new FitOptions().epochs(4).batchSize(3).seed(123).verbose(0)
                        .validationData(K.slice(x8(), 0, 0, 4), K.slice(y8(), 0, 0, 4)));
                assertEquals(List.of("loss", "acc", "val_loss", "val_acc"), List.copyOf(h.history().keySet()));
                results[run] = model.predict(x8()).toDoubleArray();
            }
        }
        assertArrayEquals(results[0], results[1], "two runs with the same seed and start weights");
    }

    @Test
    void unknownNamesAtCompileListTheValidOnes() {
        try (Sequential model = classifier()) {
            assertThrowsWithMessage(IllegalArgumentException.class, () -> model.compile("adam_of_yog", "mse"),
                    "Unknown optimizer: adam_of_yog", "adadelta, adagrad, adam, adamax, adamw, ftrl, lamb, lion, nadam, rmsprop, sgd");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> model.compile("sgd", "ctc"),
                    "Unknown loss function: ctc", "binary_crossentropy");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> model.compile("sgd", "mse", "f1"),
                    "Unknown metric: f1", "accuracy");
        }
    }
}
