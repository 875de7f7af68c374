package cthulhu.backend.nd4j;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory stays flat over a long training run: 20,000 forward and backward steps of a
 * two-layer network, each in its own {@link TensorScope}, leave neither open tensors, nor a
 * growing array cache, nor process memory behind once warmed up. The module's Surefire JVM has a fixed, pre-touched heap, so that
 * the resident set measures native memory rather than the growth of the Java heap.
 */
class Nd4jSoakTest {

    private static final int WARM_UP = 2_000;
    private static final int STEPS = 20_000;
    /**
     * Allowed growth of the resident set after warm-up. One leaked 32 × 32 float buffer per step
     * would add 80 MiB over the run, one leaked scalar buffer (with its shape information and
     * malloc overhead, about 100 bytes) 2 MiB; the JIT and the garbage collector move the resident
     * set by a few MiB at most.
     */
    private static final long RSS_BOUND_BYTES = 24L << 20;

    @Test
    void twentyThousandTrainingStepsLeaveNoNativeMemoryBehind() {
        K.withBackend("nd4j", () -> K.withFloatx("float32", this::train));
    }

    private Void train() {
        Tensor x = K.randomUniform(new int[] {32, 16}, -1, 1, 1);
        Tensor target = K.dot(x, K.randomUniform(new int[] {16, 4}, -1, 1, 2));
        List<Variable> weights = List.of(
                new Variable("w1", K.randomUniform(new int[] {16, 32}, -0.3, 0.3, 3), true),
                new Variable("b1", K.zeros(32), true),
                new Variable("w2", K.randomUniform(new int[] {32, 4}, -0.3, 0.3, 4), true),
                new Variable("b2", K.zeros(4), true));
        try {
            double firstLoss = step(x, target, weights);
            for (int i = 1; i < WARM_UP; i++) {
                step(x, target, weights);
            }
            Nd4jBackend backend = (Nd4jBackend) K.currentBackend();
            long liveBefore = Nd4jBackend.liveBytes();
            long cachedBefore = backend.cachedBytes();
            long rssBefore = settledResidentBytes();
            long rssPeak = rssBefore;
            List<String> checkpoints = new ArrayList<>();
            long start = System.nanoTime();
            double lastLoss = Double.NaN;
            for (int i = 1; i <= STEPS; i++) {
                lastLoss = step(x, target, weights);
                if (i % 5_000 == 0) {
                    long rss = settledResidentBytes();
                    rssPeak = Math.max(rssPeak, rss);
                    checkpoints.add(String.format("%d: %.1f", i, rss / 1048576.0));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long liveAfter = Nd4jBackend.liveBytes();
            long cachedAfter = backend.cachedBytes();
            System.out.printf("nd4j soak: %d steps in %.1f s (%.0f µs/step); native bytes of open tensors %d -> %d; "
                            + "cached %d -> %d; VmRSS MiB after warm-up %.1f, after step %s; loss %.4f -> %.6f%n",
                    STEPS, seconds, seconds * 1e6 / STEPS, liveBefore, liveAfter, cachedBefore, cachedAfter, rssBefore / 1048576.0,
                    String.join(", ", checkpoints), firstLoss, lastLoss);

            assertEquals(liveBefore, liveAfter, "native bytes held by open tensors after " + STEPS + " steps");
            assertEquals(cachedBefore, cachedAfter, "native bytes cached for reuse after " + STEPS + " steps");
            assertTrue(rssPeak - rssBefore < RSS_BOUND_BYTES, "resident set grew by " + (rssPeak - rssBefore)
                    + " bytes over " + STEPS + " steps, bound " + RSS_BOUND_BYTES);
            // Reference: gradient descent on a realisable least-squares target must reduce the loss.
            assertTrue(lastLoss < firstLoss / 10, "loss " + firstLoss + " -> " + lastLoss);
        } finally {
            weights.forEach(Variable::close);
            x.close();
            target.close();
        }
        return null;
    }

    /** One SGD step on {@code mean((tanh(x·w1 + b1)·w2 + b2 - target)²)}; returns the loss before it. */
    private static double step(Tensor x, Tensor target, List<Variable> weights) {
        try (TensorScope scope = TensorScope.open(); GradientTape tape = GradientTape.open()) {
            List<Tensor> values = new ArrayList<>(weights.size());
            for (Variable w : weights) {
                values.add(tape.watch(w.value()));
            }
            Tensor hidden = K.tanh(K.dense(x, values.get(0), values.get(1)));
            Tensor output = K.dense(hidden, values.get(2), values.get(3));
            Tensor loss = K.mean(K.square(K.subtract(output, target)));
            List<Tensor> grads = tape.gradient(loss, values);
            for (int i = 0; i < weights.size(); i++) {
                weights.get(i).assign(scope.keep(K.subtract(values.get(i), K.multiply(grads.get(i), 0.05))));
            }
            return loss.toDoubleArray()[0];
        }
    }

    /**
     * VmRSS of this process from /proc/self/status, after a garbage collection and a pause: ND4J
     * frees the buffers of its own internal temporaries from a reference queue once the collector
     * has found them unreachable.
     */
    private static long settledResidentBytes() {
        System.gc();
        try {
            Thread.sleep(200);
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read /proc/self/status to measure the resident set", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while measuring the resident set", e);
        }
        throw new IllegalStateException("No VmRSS line in /proc/self/status");
    }
}
