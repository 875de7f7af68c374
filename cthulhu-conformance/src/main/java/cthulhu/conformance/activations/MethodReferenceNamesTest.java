package cthulhu.conformance.activations;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A method reference to a built-in activation ({@code K::tanh}, {@code Activations::selu}) is
 * named by the method it refers to, as Keras names a function by its {@code __name__}, so a model
 * built with one saves and loads; lambdas and other methods still need registering.
 */
class MethodReferenceNamesTest extends ConformanceTestBase {

    @Test
    void methodReferencesOfKAndActivationsAreNamedByTheirMethod() {
        List<Map.Entry<String, Activation>> expected = List.of(
                Map.entry("tanh", K::tanh),
                Map.entry("sigmoid", K::sigmoid),
                Map.entry("hard_sigmoid", K::hardSigmoid),
                Map.entry("softplus", K::softplus),
                Map.entry("softsign", K::softsign),
                Map.entry("relu", K::relu),
                Map.entry("exponential", K::exp),
                Map.entry("selu", Activations::selu),
                Map.entry("hard_sigmoid", Activations::hardSigmoid),
                Map.entry("linear", Activations::linear));
        expected.forEach(e -> assertEquals(e.getKey(), Activations.serialize(e.getValue()), e.getKey()));
    }

    @Test
    void lambdasAndOtherMethodsAreNotGuessed() {
        Activation lambda = x -> K.tanh(x);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.serialize(lambda), "register");
        Activation abs = K::abs;   // a K function, but not a Keras activation
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.serialize(abs), "register");
    }

    @Test
    void aModelBuiltWithKTanhSavesAndLoads(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tanh.cthulhu");
        Tensor x = K.constant(new double[] {-1, -0.25, 0.5, 2, 0.1, -3}, 2, 3);
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(4, K::tanh).inputDim(3));
            model.add(new Azatoth(K::sigmoid));
            model.save(file);
            try (Sequential loaded = Sequential.load(file)) {
                assertEquals("tanh", loaded.getLayers().get(0).getConfig().get("activation"));
                assertEquals("sigmoid", loaded.getLayers().get(1).getConfig().get("activation"));
                assertExactly(model.predict(x).toDoubleArray(), loaded.predict(x));
            }
        }
    }
}
