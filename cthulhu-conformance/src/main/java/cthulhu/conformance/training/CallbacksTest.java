package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.Callback;
import cthulhu.callbacks.EarlyStopping;
import cthulhu.callbacks.History;
import cthulhu.callbacks.ModelCheckpoint;
import cthulhu.callbacks.ProgbarLogger;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Daoloth;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callbacks and progress output on a model whose training is worked out by hand: one weight w,
 * no bias, x = [1], y = [2], mean squared error, SGD with lr 1.5, one batch per epoch. The loss
 * (w − 2)² has gradient 2(w − 2), so w ← w − 3(w − 2): w0 = 0 (loss 4), w1 = 6 (loss 16),
 * w2 = −6 (loss 64), w3 = 18 (loss 256) — training diverges and each epoch's loss grows.
 */
class CallbacksTest extends ConformanceTestBase {

    private static Sequential diverging() {
        Sequential model = new Sequential();
        model.add(new Daoloth(1).inputShape(1).useBias(false));
        model.setWeights(List.of(K.constant(new double[] {0}, 1, 1)));
        model.compile(new SGD(1.5), Losses.get("mse"));
        return model;
    }

    private static Tensor x() {
        return K.constant(new double[] {1}, 1, 1);
    }

    private static Tensor y() {
        return K.constant(new double[] {2}, 1, 1);
    }

    private static double weight(Sequential model) {
        return model.getLayers().get(0).getWeights().get(0).toDoubleArray()[0];
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
        try (Sequential model = diverging()) {
            // Epoch 0 sets the best loss (4) and snapshots w1 = 6; epochs 1 and 2 do not improve;
            // with patience 2 training stops at epoch 2 and w1 comes back.
            EarlyStopping stop = new EarlyStopping("loss", 0, 2, "auto", true);
            History h = model.fit(x(), y(), new FitOptions().epochs(10).batchSize(1).verbose(0).callbacks(stop));
            assertEquals(List.of(4.0, 16.0, 64.0), h.history().get("loss"));
            assertEquals(2, stop.stoppedEpoch());
            assertClose(6, weight(model), Tolerance.current(), "restored weight w1");
        }
        try (Sequential model = diverging()) {
            EarlyStopping stop = new EarlyStopping("loss", 0, 2, "min", false);
            model.fit(x(), y(), new FitOptions().epochs(10).batchSize(1).verbose(0).callbacks(stop));
            assertClose(18, weight(model), Tolerance.current(), "weight w3 without restoring");
        }
    }

    @Test
    void earlyStoppingNamesAMissingMonitor() {
        try (Sequential model = diverging()) {
            EarlyStopping stop = new EarlyStopping();
            assertThrowsWithMessage(IllegalStateException.class,
                    () -> model.fit(x(), y(), new FitOptions().epochs(2).batchSize(1).verbose(0).callbacks(stop)),
                    "val_loss", "[loss]", "validation");
        }
    }

    @Test
    void modelCheckpointFormatsThePathAndSavesOnlyImprovements(@TempDir Path dir) throws Exception {
        try (Sequential model = diverging()) {
            String pattern = dir.resolve("every-{epoch:02d}-{loss:.1f}.cthulhu").toString();
            String best = dir.resolve("best-{epoch}.cthulhu").toString();
            model.fit(x(), y(), new FitOptions().epochs(3).batchSize(1).verbose(0).callbacks(
                    new ModelCheckpoint(pattern),
                    new ModelCheckpoint(best, "loss", true, "auto", 1)));
            assertTrue(Files.exists(dir.resolve("every-01-4.0.cthulhu")));
            assertTrue(Files.exists(dir.resolve("every-02-16.0.cthulhu")));
            assertTrue(Files.exists(dir.resolve("every-03-64.0.cthulhu")));
            // The loss only grows, so only the first epoch is an improvement.
            assertTrue(Files.exists(dir.resolve("best-1.cthulhu")));
            assertFalse(Files.exists(dir.resolve("best-2.cthulhu")));
            try (Sequential saved = Sequential.load(dir.resolve("every-02-16.0.cthulhu"))) {
                assertClose(-6, weight(saved), Tolerance.current(), "weight saved after epoch 2 (w2)");
            }
        }
    }

    @Test
    void callbacksSeeKerasHooksInOrder() {
        List<String> calls = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onTrainBegin(Map<String, Double> logs) {
                calls.add("train_begin");
            }

            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
                calls.add("epoch_begin " + epoch);
            }

            @Override
            public void onBatchBegin(int batch, Map<String, Double> logs) {
                calls.add("batch_begin " + batch + " size " + logs.get("size").intValue());
            }

            @Override
            public void onBatchEnd(int batch, Map<String, Double> logs) {
                calls.add("batch_end " + batch + " loss " + logs.get("loss"));
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                calls.add("epoch_end " + epoch + " " + logs.keySet());
            }

            @Override
            public void onTrainEnd(Map<String, Double> logs) {
                calls.add("train_end");
            }
        };
        try (Sequential model = diverging()) {
            model.fit(x(), y(), new FitOptions().epochs(2).batchSize(1).verbose(0).callbacks(recorder));
        }
        assertEquals(List.of("train_begin", "epoch_begin 0", "batch_begin 0 size 1", "batch_end 0 loss 4.0",
                "epoch_end 0 [loss]", "epoch_begin 1", "batch_begin 0 size 1", "batch_end 0 loss 16.0",
                "epoch_end 1 [loss]", "train_end"), calls);
    }

    private static String fitOutput(FitOptions options) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Sequential model = diverging()) {
            model.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Tensor x4 = K.constant(new double[] {1, 1, 1, 1}, 4, 1);
            Tensor y4 = K.constant(new double[] {2, 2, 2, 2}, 4, 1);
            model.fit(x4, y4, options.epochs(2).batchSize(1).shuffle(false));
        }
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    @Test
    void verbosityTwoPrintsOneLinePerEpoch() {
        // Batches of one sample: w goes 0 → 6 → −6 → 18 → −30 in epoch 1 (losses 4, 16, 64, 256,
        // mean 85); epoch 2 continues from −30.
        String out = fitOutput(new FitOptions().verbose(2));
        String[] lines = out.split("\n");
        assertEquals(4, lines.length, out);
        assertEquals("Epoch 1/2", lines[0]);
        assertTrue(lines[1].matches(" - \\d+s - loss: 85\\.0000"), lines[1]);
        assertEquals("Epoch 2/2", lines[2]);
        assertTrue(lines[3].matches(" - \\d+s - loss: \\d+\\.\\d{4}"), lines[3]);
    }

    @Test
    void validationIsAnnouncedAndReportedAsKeras() {
        // The last quarter (one sample) validates: w goes 0 → 6 → −6 → 18 over three batches
        // (losses 4, 16, 64, mean 28); the held-out sample then gives (18 − 2)² = 256.
        String out = fitOutput(new FitOptions().verbose(2).validationSplit(0.25));
        String[] lines = out.split("\n");
        assertEquals("Train on 3 samples, validate on 1 samples", lines[0]);
        assertEquals("Epoch 1/2", lines[1]);
        assertTrue(lines[2].matches(" - \\d+s - loss: 28\\.0000 - val_loss: 256\\.0000"), lines[2]);
    }

    @Test
    void verbosityOneWithoutATerminalPrintsTheFinalBarOncePerEpoch() {
        String out = fitOutput(new FitOptions().verbose(1).dynamicDisplay(false));
        String[] lines = out.split("\n");
        assertEquals(4, lines.length, out);
        assertEquals("Epoch 1/2", lines[0]);
        assertTrue(lines[1].matches("4/4 \\[=+\\] - \\d+s \\d+[mu]?s/step - loss: 85\\.0000"), lines[1]);
        assertFalse(out.contains("\r"));
    }

    @Test
    void verbosityOneOnATerminalRedrawsTheBar() {
        String out = fitOutput(new FitOptions().verbose(1).dynamicDisplay(true));
        assertTrue(out.contains("\r4/4 [==============================] - "), out);
        assertTrue(out.startsWith("Epoch 1/2\n"), out);
        assertFalse(fitOutput(new FitOptions().verbose(0)).contains("loss"), "verbosity 0 is silent");
    }

    /** What {@code run} prints on the diverging model (w = 0, so each of the four samples has loss (0 − 2)² = 4). */
    private static String printed(java.util.function.Consumer<Sequential> run, String... metrics) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Sequential model = diverging()) {
            model.compile(new SGD(1.5), Losses.get("mse"), metrics);
            model.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            run.accept(model);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static Tensor x4() {
        return K.constant(new double[] {1, 1, 1, 1}, 4, 1);
    }

    private static Tensor y4() {
        return K.constant(new double[] {2, 2, 2, 2}, 4, 1);
    }

    @Test
    void evaluateDrawsTheBarOverItsSamples() {
        String bar = printed(m -> m.evaluate(x4(), y4(), 2, 1));
        assertTrue(bar.matches("4/4 \\[={30}\\] - \\d+s \\d+[mu]?s/step - loss: 4\\.0000\n"), bar);
        String line = printed(m -> m.evaluate(x4(), y4(), 2, 2));
        assertTrue(line.matches(" - \\d+s - loss: 4\\.0000\n"), line);
        assertEquals("", printed(m -> m.evaluate(x4(), y4(), 2, 0)), "verbosity 0 is silent");
        assertEquals("", printed(m -> m.evaluate(x4(), y4(), 2)), "evaluate without a verbosity is silent");
    }

    @Test
    void predictDrawsTheBarWithoutValues() {
        String bar = printed(m -> m.predict(x4(), 3, 1).close());
        assertTrue(bar.matches("4/4 \\[={30}\\] - \\d+s \\d+[mu]?s/step\n"), bar);
        String line = printed(m -> m.predict(x4(), 3, 2).close());
        assertTrue(line.matches(" - \\d+s\n"), line);
        assertEquals("", printed(m -> m.predict(x4(), 3).close()), "predict without a verbosity is silent");
    }

    @Test
    void theBarShowsAStatefulMetricOverTheEpochNotItsBatchAverage() {
        // Batches of one: predictions 0, 6, −6, 18 for targets 2 (all positive); recall after each
        // batch 0/1, 1/2, 1/3, 2/4. The epoch's recall is 0.5; the mean of the four would be 1/3.
        String out = printed(m -> m.fit(x4(), y4(), new FitOptions().epochs(1).batchSize(1).shuffle(false).verbose(2)), "recall");
        assertTrue(out.contains(" - loss: 85.0000 - recall: 0.5000"), out);
        // Evaluated at w = −30 (after the epoch), every prediction is negative: recall 0, printed as Keras prints a value of magnitude at most 1e-3.
        String evaluated = printed(m -> {
            m.fit(x4(), y4(), new FitOptions().epochs(1).batchSize(1).shuffle(false).verbose(0));
            m.evaluate(x4(), y4(), 1, 2);
        }, "recall");
        assertTrue(evaluated.matches(" - \\d+s - loss: 1024\\.0000 - recall: 0\\.0000e\\+00\n"), evaluated);
    }

    @Test
    void progressBarAndValuesAreFormattedAsKeras() {
        assertEquals("12/50 [======>.......................]", ProgbarLogger.bar(12, 50));
        assertEquals(" 5/50 [==>...........................]", ProgbarLogger.bar(5, 50));
        assertEquals("50/50 [==============================]", ProgbarLogger.bar(50, 50));
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", 0.42131);
        values.put("accuracy", 0.000123456);
        assertEquals(" - loss: 0.4213 - accuracy: 1.2346e-04", ProgbarLogger.values(values));
        assertEquals("3s", ProgbarLogger.eta(3.9));
        assertEquals("2:05", ProgbarLogger.eta(125));
        assertEquals("1:02:05", ProgbarLogger.eta(3725));
    }
}
