package cthulhu.backend.djl;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory stays flat over a long training run: 20,000 forward and backward steps of a
 * two-layer network, each in its own {@link TensorScope}, leave the number of open native
 * arrays unchanged and the process's resident memory within a small bound after warm-up.
 */
class DjlMemorySoakTest {

    private static final int STEPS = 20_000;
    private static final int WARM_UP = 2_000;
    /**
     * Allowed growth of VmRSS from the end of warm-up to the last step. Leaking the smallest
     * array of a step (16 floats) would add over 1 MiB over the run, the step's activations
     * (64 × 16 floats) 72 MiB; the JIT's code cache and the allocator's arenas, growing with the
     * machine's load, have reached 8.4 MiB alone.
     */
    private static final long RSS_BOUND_KB = 16 * 1024;

    @Test
    void twentyThousandTrainingStepsKeepNativeMemoryFlat() throws IOException {
        try (DjlBackend backend = new DjlBackend()) {
            K.withBackend(backend, () -> K.withFloatx("float32", () -> {
                run(backend);
                return null;
            }));
        }
    }

    private static void run(DjlBackend backend) {
        // y = sin(x0) + x1·x2 on 64 fixed points; a 3-16-1 tanh network fitted by gradient descent.
        int n = 64;
        double[] xs = new double[n * 3];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            double a = Math.sin(i * 0.7);
            double b = Math.cos(i * 1.3);
            double c = (i % 7) / 7.0 - 0.5;
            xs[3 * i] = a;
            xs[3 * i + 1] = b;
            xs[3 * i + 2] = c;
            ys[i] = Math.sin(a) + b * c;
        }
        try (Tensor x = K.constant(xs, n, 3);
             Tensor y = K.constant(ys, n, 1);
             Variable w1 = new Variable("w1", K.randomUniform(new int[] {3, 16}, -0.5, 0.5, 1), true);
             Variable b1 = new Variable("b1", K.zeros(16), true);
             Variable w2 = new Variable("w2", K.randomUniform(new int[] {16, 1}, -0.5, 0.5, 2), true);
             Variable b2 = new Variable("b2", K.zeros(1), true)) {
            List<Variable> vars = List.of(w1, b1, w2, b2);
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            long rssWarm = 0;
            int openWarm = 0;
            long start = System.nanoTime();
            for (int step = 0; step < STEPS; step++) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor loss;
                    List<Tensor> grads;
                    try (GradientTape tape = GradientTape.open()) {
                        vars.forEach(v -> tape.watch(v.value()));
                        Tensor h = K.tanh(K.dense(x, w1.value(), b1.value()));
                        Tensor out = K.dense(h, w2.value(), b2.value());
                        loss = K.mean(K.square(K.subtract(out, y)));
                        grads = tape.gradient(loss, vars.stream().map(Variable::value).toList());
                    }
                    for (int i = 0; i < vars.size(); i++) {
                        vars.get(i).assign(scope.keep(K.subtract(vars.get(i).value(), K.multiply(grads.get(i), 0.1))));
                    }
                    if (step == 0) {
                        firstLoss = loss.toDoubleArray()[0];
                    }
                    if (step == STEPS - 1) {
                        lastLoss = loss.toDoubleArray()[0];
                    }
                }
                if (step == WARM_UP - 1) {
                    rssWarm = rssKb();
                    openWarm = backend.openArrays();
                }
            }
            long rssEnd = rssKb();
            int openEnd = backend.openArrays();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("djl soak: %d steps in %.1f s; VmRSS after %d warm-up steps %d kB, after %d steps %d kB"
                    + " (growth %d kB); open native arrays %d -> %d; loss %.4f -> %.4f%n",
                    STEPS, seconds, WARM_UP, rssWarm, STEPS, rssEnd, rssEnd - rssWarm, openWarm, openEnd, firstLoss, lastLoss);
            // x, y and the four weights are all that may remain open between steps.
            assertEquals(6, openWarm);
            assertEquals(6, openEnd);
            if (rssWarm > 0) {
                assertTrue(rssEnd - rssWarm < RSS_BOUND_KB, "VmRSS grew by " + (rssEnd - rssWarm) + " kB over "
                        + (STEPS - WARM_UP) + " steps; the bound is " + RSS_BOUND_KB + " kB");
            }
            assertTrue(lastLoss < firstLoss / 4, "training did not converge: loss " + firstLoss + " -> " + lastLoss);
        }
    }

    /** The process's resident set from /proc/self/status, or 0 where there is no procfs. */
    private static long rssKb() {
        Path status = Paths.get("/proc/self/status");
        if (!Files.isReadable(status)) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + status, e);
        }
        return 0;
    }
}
