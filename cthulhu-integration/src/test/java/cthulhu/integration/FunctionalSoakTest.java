package cthulhu.integration;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.Reference;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Add;
import cthulhu.layers.Concatenate;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Input;
import cthulhu.layers.Symbol;
import cthulhu.models.FitOptions;
import cthulhu.models.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory stays flat over long training of a functional model whose graph frees its
 * intermediates early: two inputs through a shared layer, an addition and a concatenation, two
 * outputs with their own losses. After 1,000 steps of warm-up, 10,000 steps of {@code fit} and
 * as many batches of {@code predict} leave the backend's count of live native memory exactly
 * where it was ({@link SequentialSoakTest#liveCounter}), on each native backend.
 */
class FunctionalSoakTest {

    private static final int SAMPLES = 320;
    private static final int BATCH = 32;
    private static final int STEPS = 10_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nd4j", "djl"})
    void tenThousandStepsOfAFunctionalModelLeaveNoNativeMemoryBehind(String backend) {
        K.withBackend(backend, () -> K.withFloatx("float32", () -> soak(backend, SequentialSoakTest.liveCounter(backend))));
    }

    private static void soak(String backend, LongSupplier live) {
        Seeds.reset(5);
        Symbol a = Input.of("a", 8);
        Symbol b = Input.of("b", 8);
        Daoloth shared = new Daoloth(16, "tanh");
        Symbol sum = new Add().apply(shared.apply(a), shared.apply(b));
        Symbol joined = new Concatenate().apply(sum, b);
        Daoloth cls = new Daoloth(2, "softmax");
        cls.setName("cls");
        Daoloth reg = new Daoloth(1);
        reg.setName("reg");
        try (Model model = new Model(List.of(a, b), List.of(cls.apply(joined), reg.apply(sum)));
             Tensor xa = K.constant(Reference.uniform(SAMPLES * 8, -1, 1, 1), SAMPLES, 8);
             Tensor xb = K.constant(Reference.uniform(SAMPLES * 8, -1, 1, 2), SAMPLES, 8);
             Tensor ycls = K.scoped(() -> {
                 Tensor first = K.cast(K.greater(K.sum(xa, -1, true), K.sum(xb, -1, true)), xa.dtype());
                 return K.concatenate(List.of(first, K.subtract(K.onesLike(first), first)), 1);
             });
             Tensor yreg = K.scoped(() -> K.mean(K.multiply(xa, xb), -1, true))) {
            model.compile("adam", List.of("categorical_crossentropy", "mse"), List.of(1.0, 0.5), "accuracy");
            List<Tensor> xs = List.of(xa, xb);
            List<Tensor> ys = List.of(ycls, yreg);
            int epochs = STEPS * BATCH / SAMPLES;
            model.fit(xs, ys, new FitOptions().epochs(epochs / 10).batchSize(BATCH).seed(0).verbose(0));
            model.predict(xs, BATCH).forEach(Tensor::close);
            long before = live.getAsLong();
            long start = System.nanoTime();
            History history = model.fit(xs, ys, new FitOptions().epochs(epochs).batchSize(BATCH).seed(1).verbose(0));
            for (int i = 0; i < STEPS * BATCH / SAMPLES; i++) {
                model.predict(xs, BATCH).forEach(Tensor::close);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long after = live.getAsLong();
            List<Double> loss = history.history().get("loss");
            System.out.printf("%s functional soak: %d fit steps and %d predict batches in %.1f s; live native %s %d -> %d;"
                            + " loss %.4f -> %.4f%n", backend, STEPS, STEPS, seconds,
                    backend.equals("nd4j") ? "bytes" : "arrays", before, after, loss.get(0), loss.get(loss.size() - 1));
            assertEquals(before, after, "live native memory of " + backend + " after " + STEPS + " functional steps");
            assertTrue(loss.get(loss.size() - 1) < loss.get(0), "loss " + loss.get(0) + " -> " + loss.get(loss.size() - 1));
        }
    }
}
