package cthulhu.conformance.saving;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.TensorAssert;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A custom activation registered by name is written under that name (as Keras 3 writes a registered function) and read back. */
class KerasCustomActivationTest extends ConformanceTestBase {

    /** x · sigmoid(x). */
    private static final Activation EXCHANGE_SWISH = x -> K.multiply(x, K.sigmoid(x));

    static {
        Activations.register("exchange_swish", EXCHANGE_SWISH);
    }

    @Test
    void aRegisteredActivationRoundTripsByName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("custom.keras");
        Tensor x = K.constant(new double[] {0.5, -1, 2, 0, 0.25, -0.75}, 2, 3);
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(4, EXCHANGE_SWISH).inputShape(3));
            model.add(new Daoloth(2, "exchange_swish"));
            double[] before = model.predict(x).toDoubleArray();
            model.save(file);
            try (ZipFile zip = new ZipFile(file.toFile()); InputStream in = zip.getInputStream(zip.getEntry("config.json"))) {
                String config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(config.contains("\"registered_name\":\"Custom>exchange_swish\""), config);
            }
            try (Sequential again = Sequential.load(file)) {
                TensorAssert.assertExactly(before, again.predict(x));
            }
        }
    }
}
