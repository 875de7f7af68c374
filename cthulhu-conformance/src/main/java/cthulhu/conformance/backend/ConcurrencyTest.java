package cthulhu.conformance.backend;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static cthulhu.conformance.TensorAssert.assertClose;

/**
 * Backends must be safe to call from several threads at once (the {@code Backend} contract): the
 * same small computation run concurrently on four threads gives the result it gives alone.
 */
class ConcurrencyTest extends ConformanceTestBase {

    private static double[] step(double[] x, double[] w) {
        TensorScope scope = TensorScope.open();
        try {
            Tensor h = K.tanh(K.dot(K.constant(x, 16, 24), K.constant(w, 24, 12)));
            Tensor p = K.softmax(h, -1);
            Tensor g = K.gradient(v -> K.square(K.softmax(K.tanh(K.dot(K.constant(x, 16, 24), v)), -1)),
                    K.constant(w, 24, 12));
            return K.concatenate(List.of(K.flatten(p), K.flatten(g), K.reshape(K.sum(h, 0, false), -1)), 0)
                    .toDoubleArray();
        } finally {
            scope.close();
        }
    }

    @Test
    void concurrentCallsGiveTheSequentialResult() throws Exception {
        double[] x = Reference.uniform(16 * 24, -1, 1, 81);
        double[] w = Reference.uniform(24 * 12, -1, 1, 82);
        double[] alone = step(x, w);
        Backend backend = K.currentBackend();
        String floatx = K.floatx();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                // Overrides of K are per thread: each task names the backend and float type itself.
                results.add(pool.submit(() -> K.withBackend(backend, () -> K.withFloatx(floatx, () -> step(x, w)))));
            }
            for (Future<double[]> result : results) {
                assertClose(alone, result.get(60, TimeUnit.SECONDS), Tolerance.current().times(10),
                        "a concurrent run (expected: the same computation run alone)");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
