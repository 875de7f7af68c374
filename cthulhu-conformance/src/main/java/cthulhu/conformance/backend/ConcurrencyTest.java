package cthulhu.conformance.backend;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static cthulhu.conformance.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Backends must be safe to call from several threads at once (the {@code Backend} contract): the
 * same small computation run concurrently on four threads gives the result it gives alone, and a
 * model shared by several threads serving requests predicts for each exactly what it predicts
 * alone.
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

    /**
     * One model and one input tensor, both made on this thread, shared by four threads that each
     * predict many times: every prediction equals, bit for bit, the one made alone.
     */
    @Test
    void aSharedModelPredictsForEveryThreadWhatItPredictsAlone() throws Exception {
        Backend backend = K.currentBackend();
        String floatx = K.floatx();
        Sequential model = new Sequential();
        model.add(new Daoloth(16, "relu").inputDim(8));
        model.add(new Daoloth(16, "relu"));
        model.add(new Daoloth(3, "softmax"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (model; Tensor x = K.constant(Reference.uniform(8, 0, 1, 83), 1, 8)) {
            double[] alone = predict(model, x);
            List<Future<List<double[]>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> K.withBackend(backend, () -> K.withFloatx(floatx, () -> {
                    List<double[]> mine = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        mine.add(predict(model, x));
                    }
                    return mine;
                }))));
            }
            for (Future<List<double[]>> result : results) {
                for (double[] y : result.get(60, TimeUnit.SECONDS)) {
                    assertArrayEquals(alone, y, "a prediction made while other threads predict with the same model");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] predict(Sequential model, Tensor x) {
        try (Tensor y = model.predict(x)) {
            return y.toDoubleArray();
        }
    }
}
