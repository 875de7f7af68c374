package cthulhu.conformance.saving;

import cthulhu.backend.K;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Adamax;
import cthulhu.optimizers.RMSprop;
import cthulhu.saving.ModelFormatException;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Keras files that cannot be loaded are refused with a {@link ModelFormatException} naming the
 * file and the problem; a compiled Keras model comes back compiled.
 */
class KerasBadInputTest extends ConformanceTestBase {

    private static Path good(Path dir, int... units) throws IOException {
        Path file = dir.resolve("good.keras");
        try (Sequential model = new Sequential("good")) {
            model.add(new Daoloth(units[0], "relu").inputShape(3));
            for (int i = 1; i < units.length; i++) {
                model.add(new Daoloth(units[i]));
            }
            model.save(file);
        }
        return file;
    }

    /** A copy of a zip with one entry's bytes replaced (null removes it). */
    private static Path rewrite(Path source, Path target, String entry, UnaryOperator<byte[]> change) throws IOException {
        try (ZipFile in = new ZipFile(source.toFile()); OutputStream os = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(os)) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(z)) {
                    bytes = s.readAllBytes();
                }
                if (z.getName().equals(entry)) {
                    bytes = change.apply(bytes);
                }
                if (bytes != null) {
                    out.putNextEntry(new ZipEntry(z.getName()));
                    out.write(bytes);
                    out.closeEntry();
                }
            }
        }
        return target;
    }

    private static UnaryOperator<byte[]> replace(String from, String to) {
        return b -> new String(b, StandardCharsets.UTF_8).replaceFirst(from, to).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLambdaOrUnknownLayerNamesTheClassTheLayerTheFileAndTheKnownClasses(@TempDir Path dir) throws IOException {
        Path lambda = rewrite(good(dir, 4, 2), dir.resolve("lambda.keras"), "config.json",
                replace("\"class_name\":\"Dense\"", "\"class_name\":\"Lambda\""));
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(lambda),
                "lambda.keras", "Lambda", "layer 'dense", "Valid names", "Dense", "LeakyReLU");
    }

    @Test
    void anUnregisteredCustomActivationIsNamed(@TempDir Path dir) throws IOException {
        Path custom = rewrite(good(dir, 4, 2), dir.resolve("custom.keras"), "config.json",
                replace("\"activation\":\"relu\"", "\"activation\":\"my_swish\""));
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(custom),
                "custom.keras", "my_swish", "layer 'dense");
    }

    @Test
    void aWeightWhoseShapeDiffersFromTheConfigIsNamed(@TempDir Path dir) throws IOException {
        Path wide = rewrite(good(dir, 4, 2), dir.resolve("wide.keras"), "config.json",
                replace("\"units\":4", "\"units\":5"));
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(wide),
                "wide.keras", "kernel", "[3, 4]", "[3, 5]");
    }

    @Test
    void aMissingWeightIsNamed(@TempDir Path dir) throws IOException {
        Path three = good(dir, 4, 2, 2);
        Path twoWeights = dir.resolve("two.weights.h5");
        try (Sequential two = new Sequential()) {
            two.add(new Daoloth(4, "relu").inputShape(3));
            two.add(new Daoloth(2));
            two.saveWeights(twoWeights);
        }
        byte[] weights = Files.readAllBytes(twoWeights);
        Path missing = rewrite(three, dir.resolve("missing.keras"), "model.weights.h5", b -> weights);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(missing),
                "missing.keras", "missing", "dense_2");
    }

    @Test
    void truncatedAndForeignFilesAreRefused(@TempDir Path dir) throws IOException {
        Path h5 = dir.resolve("model.h5");
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(4, "relu").inputShape(3));
            model.save(h5);
        }
        Path cut = dir.resolve("cut.h5");
        byte[] all = Files.readAllBytes(h5);
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(cut), "cut.h5", "HDF5");

        Path text = dir.resolve("notes.h5");
        Files.writeString(text, "just some text");
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(text),
                "notes.h5", "neither a zip archive", "nor an HDF5 file");

        Path empty = dir.resolve("empty.keras");
        Files.write(empty, new byte[0]);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(empty), "empty.keras", "empty");
    }

    @Test
    void aZipWithoutConfigJsonIsRefused(@TempDir Path dir) throws IOException {
        Path noConfig = rewrite(good(dir, 4), dir.resolve("noconfig.keras"), "config.json", b -> null);
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(noConfig),
                "noconfig.keras", "config.json");
    }

    @Test
    void aKeras1FileIsRefused(@TempDir Path dir) throws IOException {
        Path old = dir.resolve("keras1.h5");
        try (WritableHdfFile h5 = HdfFile.write(old)) {
            h5.putAttribute("keras_version", "1.2.2");
            h5.putAttribute("model_config", "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"Dense\","
                    + " \"config\": {\"name\": \"dense_1\", \"output_dim\": 2, \"init\": \"glorot_uniform\","
                    + " \"batch_input_shape\": [null, 3]}}]}");
            h5.putGroup("model_weights").putAttribute("layer_names", new String[] {"dense_1"});
        }
        assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(old), "keras1.h5", "Keras 1");
    }

    @Test
    void aCompiledKerasModelComesBackCompiledUnlessAskedNotTo(@TempDir Path dir) throws IOException {
        // Written by Keras 2.3.1 with RMSprop(learning_rate=1e-4, rho=0.9), loss mse, metric mae.
        Path file = KerasFixtures.copy("dl4j-test-resources__ELU_0_model.h5", dir);
        try (Sequential model = Sequential.load(file)) {
            RMSprop rmsprop = assertInstanceOf(RMSprop.class, model.getOptimizer());
            assertEquals(1e-4, rmsprop.lr(), 1e-9);
            assertEquals(java.util.List.of("mae"), model.getMetricNames());
            double[] scores = model.evaluate(K.ones(2, 16), K.zeros(2, 32));
            assertEquals(2, scores.length);
            model.fit(K.ones(2, 16), K.zeros(2, 32), 1, 2);
            assertEquals(1, model.getOptimizer().iterations());
        }
        try (Sequential model = Sequential.load(file, false)) {
            assertNull(model.getLoss());
        }
        // Written by Keras 3.3.3 compiled with Adamax(learning_rate=0.01) and loss mae (its compile_config),
        // after 375 training steps (optimizer/vars/0 of its weights), whose state comes back with it.
        try (Sequential model = Sequential.load(KerasFixtures.copy("OMLT__keras_linear_131_relu.keras", dir))) {
            Adamax adamax = assertInstanceOf(Adamax.class, model.getOptimizer());
            assertEquals(0.01, adamax.lr(), 1e-9);
            assertEquals(375, model.getOptimizer().iterations());
            model.fit(K.ones(2, 1), K.zeros(2, 1), 1, 2);
            assertEquals(376, model.getOptimizer().iterations());
        }
        // Written by tf.keras 2.15 (.keras): its loss a serialized function, its metrics wrapped per output.
        try (Sequential model = Sequential.load(KerasFixtures.copy("idaes-pse__idaes_keras_model.keras", dir))) {
            assertEquals(java.util.List.of("mae", "mse"), model.getMetricNames());
        }
    }
}
