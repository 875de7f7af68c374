package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.BackupAndRestore;
import cthulhu.callbacks.CSVLogger;
import cthulhu.callbacks.History;
import cthulhu.callbacks.LambdaCallback;
import cthulhu.callbacks.LearningRateScheduler;
import cthulhu.callbacks.ReduceLROnPlateau;
import cthulhu.callbacks.TerminateOnNaN;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Input;
import cthulhu.layers.Symbol;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Adam;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras's training callbacks: ReduceLROnPlateau, LearningRateScheduler, CSVLogger (append),
 * TerminateOnNaN, LambdaCallback and BackupAndRestore, on a small dense regression.
 */
class TrainingCallbacksTest extends ConformanceTestBase {

    private static final double[] X = {0.1, 0.2, 0.9, 0.1, 0.5, 0.5, 0.3, 0.8, 0.7, 0.2, 0.2, 0.9};
    private static final double[] Y = {0.3, 1.0, 1.0, 1.1, 0.9, 1.1};

    private static Sequential model(double lr) {
        Sequential model = new Sequential();
        model.add(new Daoloth(3, "tanh").inputShape(2).kernelInitializer("ones"));
        model.add(new Daoloth(1).kernelInitializer("ones"));
        model.compile(new SGD(lr), Losses.get("mse"));
        return model;
    }

    private static FitOptions options(int epochs) {
        return new FitOptions().epochs(epochs).batchSize(2).verbose(0).shuffle(false);
    }

    @Test
    void reduceLrOnPlateauCutsTheRateAfterPatienceAndCoolsDown() {
        // patience 2, factor 0.5, cooldown 1, min_lr 0.03, val_loss flat at 1 (Keras 2.2.4's order: the
        // cooldown counts down first, then the epoch counts as waiting): epoch 0 improves on ∞;
        // epochs 1, 2 wait → cut to 0.05; epoch 3 ends the cooldown and waits; epoch 4 → cut to
        // max(0.025, 0.03); epoch 5 is at min_lr.
        try (Sequential model = model(0.1)) {
            ReduceLROnPlateau callback = new ReduceLROnPlateau("val_loss", 0.5, 2, "min", 1e-4, 1, 0.03);
            callback.setModel(model);
            callback.onTrainBegin(new HashMap<>());
            double[] expected = {0.1, 0.1, 0.05, 0.05, 0.03, 0.03};
            for (int epoch = 0; epoch < 6; epoch++) {
                Map<String, Double> logs = new HashMap<>(Map.of("val_loss", 1.0));
                callback.onEpochEnd(epoch, logs);
                assertEquals(expected[epoch], model.getOptimizer().learningRate().at(0), 1e-15, "after epoch " + epoch);
            }
        }
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau("val_loss", 1.5, 2, "auto", 0, 0, 0), "factor", "[0, 1)", "1.5");
    }

    @Test
    void learningRateSchedulerSetsAndLogsTheRate() {
        try (Sequential model = model(0.1)) {
            History history = model.fit(K.constant(X, 6, 2), K.constant(Y, 6, 1),
                    options(3).callbacks(new LearningRateScheduler((epoch, lr) -> 0.1 / (epoch + 1))));
            List<Double> rates = history.history().get("lr");
            assertEquals(3, rates.size());
            for (int e = 0; e < 3; e++) {
                assertEquals(0.1 / (e + 1), rates.get(e), 1e-15);
            }
        }
    }

    @Test
    void csvLoggerWritesOneRowPerEpochAndAppends(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("log.csv");
        try (Sequential model = model(0.1)) {
            History first = model.fit(K.constant(X, 6, 2), K.constant(Y, 6, 1), options(2).callbacks(new CSVLogger(csv)));
            model.fit(K.constant(X, 6, 2), K.constant(Y, 6, 1), options(1).callbacks(new CSVLogger(csv, ";", true)));
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            assertEquals(4, lines.size(), lines.toString());
            assertEquals("epoch,loss", lines.get(0));
            assertEquals("1," + first.history().get("loss").get(1), lines.get(2));
            assertTrue(lines.get(3).startsWith("0;"), lines.get(3));
        }
    }

    @Test
    void terminateOnNaNStopsAtTheBatchAndSaysWhich() {
        double[] x = X.clone();
        x[9] = Double.NaN;      // sample 4, in batch 2 of size 2
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TerminateOnNaN callback = new TerminateOnNaN(new PrintStream(out, true, StandardCharsets.UTF_8));
        List<Integer> batches = new ArrayList<>();
        try (Sequential model = model(0.1)) {
            model.fit(K.constant(x, 6, 2), K.constant(Y, 6, 1), options(3).callbacks(callback,
                    new LambdaCallback().onBatchEnd((b, logs) -> batches.add(b))));
        }
        assertEquals(2, callback.terminatedAtBatch().getAsInt());
        assertEquals(List.of(0, 1, 2), batches);
        assertEquals("Batch 2 of epoch 0: invalid loss NaN, terminating training", out.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void backupAndRestoreResumesAnInterruptedFitAtTheEpochItReached(@TempDir Path dir) {
        resumesAtTheEpochItReached(dir, TrainingCallbacksTest::model);
    }

    @Test
    void backupAndRestoreResumesAFunctionalModelToo(@TempDir Path dir) {
        resumesAtTheEpochItReached(dir, lr -> {
            Symbol in = Input.of(2);
            Symbol hidden = new Daoloth(3, "tanh").kernelInitializer("ones").apply(in);
            Model model = new Model(in, new Daoloth(1).kernelInitializer("ones").apply(hidden));
            model.compile(new SGD(lr), Losses.get("mse"));
            return model;
        });
    }

    /** An Adam fit of five epochs, interrupted at the fourth and resumed by a second fit, ends where an uninterrupted fit ends. */
    private static void resumesAtTheEpochItReached(Path dir, java.util.function.DoubleFunction<Model> build) {
        Tensor x = K.constant(X, 6, 2);
        Tensor y = K.constant(Y, 6, 1);
        List<Tensor> uninterrupted;
        try (Model reference = build.apply(0.1)) {
            reference.compile(new Adam(0.05), Losses.get("mse"));
            reference.fit(x, y, options(5));
            uninterrupted = reference.getWeights();
            List<Integer> epochs = new ArrayList<>();
            try (Model model = build.apply(0.1)) {
                model.compile(new Adam(0.05), Losses.get("mse"));
                BackupAndRestore backup = new BackupAndRestore(dir.resolve("backup"));
                LambdaCallback crash = new LambdaCallback().onEpochBegin((e, logs) -> {
                    if (e == 3) {
                        throw new IllegalStateException("power cut");
                    }
                });
                assertThrows(IllegalStateException.class, () -> model.fit(x, y, options(5).callbacks(backup, crash)));
                assertTrue(Files.exists(dir.resolve("backup").resolve("epoch-3.cthulhu")));
                // A new fit (say, after a restart) resumes at epoch 3 from the backup's weights and Adam state.
                try (Model restarted = build.apply(0.1)) {
                    restarted.compile(new Adam(0.05), Losses.get("mse"));
                    restarted.fit(x, y, options(5).callbacks(backup, new LambdaCallback().onEpochBegin((e, l) -> epochs.add(e))));
                    assertEquals(List.of(3, 4), epochs);
                    List<Tensor> resumed = restarted.getWeights();
                    for (int i = 0; i < resumed.size(); i++) {
                        assertClose(uninterrupted.get(i).toDoubleArray(), resumed.get(i).toDoubleArray(),
                                Tolerance.current().times(10), "weight " + i);
                    }
                }
                assertFalse(Files.exists(dir.resolve("backup").resolve("checkpoint")), "deleted when training completes");
            }
        }
    }
}
