package cthulhu.conformance.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Adam;
import cthulhu.saving.ModelFormatException;
import cthulhu.saving.ModelIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving and loading: exact round trips, custom activations by name, damaged and mismatched files refused. */
class SavingTest extends ConformanceTestBase {

    /** x · sigmoid(x), registered by name so that layers using it can be saved. */
    private static final Activation SWISH = x -> K.multiply(x, K.sigmoid(x));

    private static Sequential model(int hidden) {
        Sequential model = new Sequential("saved_model");
        model.add(new Daoloth(hidden, "relu").inputShape(3));
        model.add(new Daoloth(2, "softmax"));
        model.compile(new Adam(0.01), cthulhu.losses.Losses.get("categorical_crossentropy"), "accuracy");
        return model;
    }

    private static Tensor x() {
        return K.constant(new double[] {0.1, -0.2, 0.3, 0.9, 0.1, -0.4, 0.5, 0.5, 0.5, -0.3, 0.8, 0.1}, 4, 3);
    }

    private static Tensor y() {
        return K.constant(new double[] {1, 0, 0, 1, 1, 0, 0, 1}, 4, 2);
    }

    @Test
    void saveThenLoadGivesBitIdenticalPredictionsAndTheSameModel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.cthulhu");
        try (Sequential model = model(5)) {
            model.fit(x(), y(), new FitOptions().epochs(3).batchSize(2).seed(1).verbose(0));
            model.save(file);
            try (Sequential loaded = Sequential.load(file)) {
                assertExactly(model.predict(x()).toDoubleArray(), loaded.predict(x()));
                assertEquals(model.summaryText(), loaded.summaryText());
                assertEquals("saved_model", loaded.getName());
                Adam adam = assertInstanceOf(Adam.class, loaded.getOptimizer());
                assertEquals(0.01, adam.lr());
                assertEquals(List.of("accuracy"), loaded.getMetricNames());
                assertEquals(model.evaluate(x(), y())[0], loaded.evaluate(x(), y())[0]);
            }
        }
    }

    @Test
    void trainingResumesFromTheSavedOptimizerState(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("resume.cthulhu");
        FitOptions oneEpoch = new FitOptions().epochs(1).batchSize(2).shuffle(false).verbose(0);
        try (Sequential model = model(5)) {
            model.fit(x(), y(), oneEpoch);
            model.save(file);
            try (Sequential loaded = Sequential.load(file)) {
                // Two Adam steps were taken; their moments come back too, so the next epoch of
                // both models is the same computation.
                assertEquals(2, loaded.getOptimizer().iterations());
                model.fit(x(), y(), oneEpoch);
                loaded.fit(x(), y(), oneEpoch);
                assertExactly(model.predict(x()).toDoubleArray(), loaded.predict(x()));
            }
        }
    }

    @Test
    void theArchitectureIsKerasStyleJson(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.cthulhu");
        try (Sequential model = model(5)) {
            model.save(file);
        }
        Map<?, ?> root;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            root = new ObjectMapper().readValue(zip.getInputStream(zip.getEntry(ModelIO.ARCHITECTURE)), Map.class);
        }
        assertEquals("Sequential", root.get("class_name"));
        Map<?, ?> config = (Map<?, ?>) root.get("config");
        assertEquals("saved_model", config.get("name"));
        List<?> layers = (List<?>) config.get("layers");
        assertEquals(2, layers.size());
        Map<?, ?> dense = (Map<?, ?>) layers.get(0);
        assertEquals("Dense", dense.get("class_name"));
        Map<?, ?> denseConfig = (Map<?, ?>) dense.get("config");
        assertEquals("dense_1", denseConfig.get("name"));
        assertEquals(5, denseConfig.get("units"));
        assertEquals("relu", denseConfig.get("activation"));
        assertEquals(Arrays.asList(null, 3), denseConfig.get("batch_input_shape"));
        Map<?, ?> training = (Map<?, ?>) root.get("training_config");
        assertEquals("categorical_crossentropy", training.get("loss"));
    }

    @Test
    void jsonRebuildsTheArchitectureWithFreshWeights() {
        try (Sequential model = model(5); Sequential copy = Sequential.fromJson(model.toJson())) {
            assertEquals(model.summaryText(), copy.summaryText());
            assertEquals(model.toJson(), copy.toJson());
            assertInstanceOf(Adam.class, copy.getOptimizer());
        }
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Sequential.fromJson("{\"class_name\": \"Sequential\", \"config\": {\"name\": \"m\", \"layers\": ["
                        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 2, \"activation\": \"no_such_fn\","
                        + " \"batch_input_shape\": [null, 3]}}]}}"),
                "no_such_fn");
    }

    @Test
    void aCustomActivationRegisteredByNameSurvives(@TempDir Path dir) throws IOException {
        Activations.register("conformance_swish", SWISH);
        Path file = dir.resolve("swish.cthulhu");
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(4, "conformance_swish").inputShape(3));
            model.add(new Daoloth(1, SWISH));
            model.save(file);
            try (Sequential loaded = Sequential.load(file)) {
                assertExactly(model.predict(x()).toDoubleArray(), loaded.predict(x()));
            }
        }
    }

    /** Copies the archive {@code from} to {@code to}, transforming the weights entry and optionally replacing the architecture. */
    private static void rewrite(Path from, Path to, UnaryOperator<byte[]> weights, byte[] architecture) throws IOException {
        try (ZipFile zip = new ZipFile(from.toFile()); OutputStream os = Files.newOutputStream(to);
             ZipOutputStream out = new ZipOutputStream(os)) {
            byte[] json = architecture != null ? architecture : zip.getInputStream(zip.getEntry(ModelIO.ARCHITECTURE)).readAllBytes();
            out.putNextEntry(new ZipEntry(ModelIO.ARCHITECTURE));
            out.write(json);
            out.putNextEntry(new ZipEntry(ModelIO.WEIGHTS));
            out.write(weights.apply(zip.getInputStream(zip.getEntry(ModelIO.WEIGHTS)).readAllBytes()));
        }
    }

    @Test
    void damagedFilesAreRefusedNamingTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.cthulhu");
        try (Sequential model = model(5)) {
            model.save(good);
        }
        Path badMagic = dir.resolve("bad-magic.cthulhu");
        rewrite(good, badMagic, w -> {
            byte[] c = w.clone();
            c[0] = 'X';
            return c;
        }, null);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(badMagic),
                "bad-magic.cthulhu", "bad magic number");

        Path truncated = dir.resolve("truncated.cthulhu");
        rewrite(good, truncated, w -> Arrays.copyOf(w, w.length / 2), null);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(truncated),
                "truncated.cthulhu", "truncated");

        Path flipped = dir.resolve("flipped.cthulhu");
        rewrite(good, flipped, w -> {
            byte[] c = w.clone();
            // Header 12 bytes, then "dense_1/kernel:0" (2 + 16), dtype 1, rank 4 and two
            // dimensions 8: the kernel's values start at byte 43.
            c[50] ^= 0x10;
            return c;
        }, null);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(flipped),
                "flipped.cthulhu", "checksum");

        Path cut = dir.resolve("cut.cthulhu");
        byte[] all = Files.readAllBytes(good);
        Files.write(cut, Arrays.copyOf(all, all.length - 30));
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(cut),
                "cut.cthulhu", "damaged or not a cthulhu model archive");

        assertThrowsWithMessage(NoSuchFileException.class, () -> Sequential.load(dir.resolve("absent.cthulhu")),
                "absent.cthulhu");
    }

    @Test
    void weightsThatDoNotMatchTheArchitectureAreRefused(@TempDir Path dir) throws IOException {
        Path five = dir.resolve("five.cthulhu");
        Path four = dir.resolve("four.cthulhu");
        Path deeper = dir.resolve("deeper.cthulhu");
        try (Sequential a = model(5); Sequential b = model(4); Sequential c = new Sequential()) {
            a.save(five);
            b.save(four);
            c.add(new Daoloth(5, "relu").inputShape(3));
            c.add(new Daoloth(2));
            c.add(new Daoloth(2, "softmax"));
            c.save(deeper);
        }
        byte[] fourArchitecture;
        byte[] deeperArchitecture;
        try (ZipFile z4 = new ZipFile(four.toFile()); ZipFile zd = new ZipFile(deeper.toFile())) {
            fourArchitecture = z4.getInputStream(z4.getEntry(ModelIO.ARCHITECTURE)).readAllBytes();
            deeperArchitecture = zd.getInputStream(zd.getEntry(ModelIO.ARCHITECTURE)).readAllBytes();
        }
        Path shape = dir.resolve("shape-mismatch.cthulhu");
        rewrite(five, shape, w -> w, fourArchitecture);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(shape),
                "shape-mismatch.cthulhu", "dense_1/kernel:0", "[3, 5]", "[3, 4]");

        Path count = dir.resolve("count-mismatch.cthulhu");
        rewrite(five, count, w -> w, deeperArchitecture);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(count),
                "count-mismatch.cthulhu", "6 weights", "holds 4");
        assertTrue(Files.exists(five));
    }
}
