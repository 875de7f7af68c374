package cthulhu.integration;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.djl.DjlBackend;
import cthulhu.backend.nd4j.Nd4jBackend;
import cthulhu.callbacks.Callback;
import cthulhu.callbacks.History;
import cthulhu.conformance.Reference;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory stays flat over long training through the model API: a 16-32-4 perceptron
 * warmed up with 1,000 steps of {@link Sequential#trainOnBatch} and 1,000 of {@link Sequential#fit},
 * then trained for 20,000 steps through {@code fit} (eight calls of 2,500 steps), leaves the
 * backend's count of live native memory unchanged and the process's resident set within
 * {@link #RSS_BOUND_BYTES} of its value after warm-up, on each native backend.
 *
 * <p>The live-memory count is the backend's own: {@link Nd4jBackend#liveBytes()} (bytes of open
 * tensors) and {@link DjlBackend#openArrays()} (arrays its manager holds). Both must be exactly
 * equal before and after, so a single tensor leaked per step fails the test.
 */
class SequentialSoakTest {

    private static final int WARM_UP = 2_000;
    private static final int FIT_CALLS = 8;
    private static final int STEPS_PER_FIT = 2_500;
    private static final int SAMPLES = 320;
    private static final int BATCH = 32;
    /**
     * Allowed growth of the resident set after warm-up. One leaked float32 batch of hidden
     * activations (32 × 32, 4 KiB) per step would add 78 MiB over the 20,000 steps. Without a
     * leak the resident set still moves: by up to 22 MiB on nd4j, whose internal temporaries are
     * freed only after the collector finds them, and once by about 15 MiB on djl, then never again
     * (measured). The backends' exact live-memory counts catch smaller leaks.
     */
    private static final long RSS_BOUND_BYTES = 32L << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nd4j", "djl"})
    void twentyThousandStepsOfFitLeaveNoNativeMemoryBehind(String backend) {
        K.withBackend(backend, () -> K.withFloatx("float32", () -> soak(backend, liveCounter(backend))));
    }

    /** The backend's own count of live native memory: bytes for nd4j, arrays for djl. */
    static LongSupplier liveCounter(String backend) {
        if (backend.equals("nd4j")) {
            return Nd4jBackend::liveBytes;
        }
        DjlBackend djl = (DjlBackend) K.currentBackend();
        return djl::openArrays;
    }

    private static void soak(String backend, LongSupplier live) {
        // A realisable regression target: y = tanh(x · a) · b for fixed a, b.
        double[] xs = Reference.uniform(SAMPLES * 16, -1, 1, 1);
        Seeds.reset(3);
        try (Sequential model = new Sequential("soak");
             Tensor x = K.constant(xs, SAMPLES, 16);
             Tensor y = target(x)) {
            model.add(new Daoloth(32, "tanh").inputShape(16));
            model.add(new Daoloth(4));
            model.compile("sgd", "mse");
            Tensor xBatch = K.slice(x, 0, 0, BATCH);
            Tensor yBatch = K.slice(y, 0, 0, BATCH);
            double firstLoss = model.trainOnBatch(xBatch, yBatch)[0];
            for (int i = 1; i < WARM_UP / 2; i++) {
                model.trainOnBatch(xBatch, yBatch);
            }
            xBatch.close();
            yBatch.close();
            model.fit(x, y, new FitOptions().epochs(WARM_UP / 2 * BATCH / SAMPLES).batchSize(BATCH).seed(0).verbose(0));
            long liveBefore = live.getAsLong();
            long rssBefore = ResidentMemory.settledBytes();
            long rssPeak = rssBefore;
            List<String> checkpoints = new ArrayList<>();
            int[] steps = {0};
            Callback countSteps = new Callback() {
                @Override
                public void onBatchEnd(int batch, Map<String, Double> logs) {
                    steps[0]++;
                }
            };
            long start = System.nanoTime();
            double lastLoss = Double.NaN;
            for (int call = 1; call <= FIT_CALLS; call++) {
                History history = model.fit(x, y, new FitOptions().epochs(STEPS_PER_FIT * BATCH / SAMPLES)
                        .batchSize(BATCH).seed(call).verbose(0).callbacks(countSteps));
                List<Double> loss = history.history().get("loss");
                lastLoss = loss.get(loss.size() - 1);
                long rss = ResidentMemory.settledBytes();
                rssPeak = Math.max(rssPeak, rss);
                checkpoints.add(steps[0] + ": " + ResidentMemory.mib(rss));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long liveAfter = live.getAsLong();
            System.out.printf("%s Sequential soak: %d fit steps in %.1f s (%.0f µs/step); live native %s %d -> %d; "
                            + "VmRSS MiB after %d warm-up steps %s, after step %s; loss %.4f -> %.6f%n",
                    backend, steps[0], seconds, seconds * 1e6 / steps[0], backend.equals("nd4j") ? "bytes" : "arrays",
                    liveBefore, liveAfter, WARM_UP, ResidentMemory.mib(rssBefore), String.join(", ", checkpoints),
                    firstLoss, lastLoss);

            assertEquals(FIT_CALLS * STEPS_PER_FIT, steps[0], "optimizer steps taken by fit");
            assertEquals(liveBefore, liveAfter, "live native memory of " + backend + " after " + steps[0] + " steps");
            assertTrue(rssPeak - rssBefore < RSS_BOUND_BYTES, "resident set grew by " + (rssPeak - rssBefore)
                    + " bytes over " + steps[0] + " steps on " + backend + ", bound " + RSS_BOUND_BYTES);
            // Reference: gradient descent on a realisable least-squares target must reduce the loss.
            assertTrue(lastLoss < firstLoss / 4, "loss " + firstLoss + " -> " + lastLoss);
        }
    }

    private static Tensor target(Tensor x) {
        Tensor a = K.constant(Reference.uniform(16 * 8, -0.5, 0.5, 2), 16, 8);
        Tensor b = K.constant(Reference.uniform(8 * 4, -1, 1, 3), 8, 4);
        Tensor y = K.scoped(() -> K.dot(K.tanh(K.dot(x, a)), b));
        a.close();
        b.close();
        return y;
    }
}
