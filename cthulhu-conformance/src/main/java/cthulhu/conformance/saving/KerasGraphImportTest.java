package cthulhu.conformance.saving;

import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.TensorAssert;
import cthulhu.conformance.Tolerance;
import cthulhu.models.Model;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Models written by Python Keras 3 ({@code keras-fixtures/generated.py}) — functional graphs with
 * a residual connection, two inputs through every merge layer, two outputs, a shared layer, a
 * Sequential and a functional model nested and called twice, and Keras 3's {@code hard_sigmoid} —
 * load from {@code .keras} and {@code .h5}, predict what Keras predicted, and survive cthulhu →
 * {@code .keras}/{@code .h5} → cthulhu bit for bit.
 */
class KerasGraphImportTest extends ConformanceTestBase {

    static List<KerasFixtures.GraphFixture> fixtures() {
        return KerasFixtures.graphs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void predictsWhatKerasPredicted(KerasFixtures.GraphFixture f, @TempDir Path dir) throws IOException {
        // Loaded with its training configuration: Keras 3 writes an uncompiled model's as {}.
        try (Model model = Model.load(KerasFixtures.copy(f.file(), dir))) {
            List<Tensor> ys = model.predict(f.inputs());
            List<double[]> expected = f.outputs();
            assertEquals(expected.size(), ys.size(), f.file() + ": number of outputs");
            for (int j = 0; j < ys.size(); j++) {
                // Keras computed in float32: compared within the fixture's absolute tolerance.
                TensorAssert.assertClose(expected.get(j), ys.get(j).toDoubleArray(), new Tolerance(0, f.tolerance()),
                        f.file() + " output " + j + " (" + f.source() + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void roundTripsThroughKerasFilesBitForBit(KerasFixtures.GraphFixture f, @TempDir Path dir) throws IOException {
        try (Model model = Model.load(KerasFixtures.copy(f.file(), dir), false)) {
            List<Tensor> xs = f.inputs();
            List<Tensor> before = model.predict(xs);
            for (String name : List.of("again.keras", "again.h5")) {
                Path copy = dir.resolve(name);
                model.save(copy);
                try (Model again = Model.load(copy)) {
                    assertEquals(model.getClass(), again.getClass(), name);
                    List<Tensor> after = again.predict(xs);
                    for (int j = 0; j < before.size(); j++) {
                        TensorAssert.assertExactly(before.get(j).toDoubleArray(), after.get(j));
                    }
                    for (int i = 0; i < model.getWeights().size(); i++) {
                        TensorAssert.assertExactly(model.getWeights().get(i).toDoubleArray(), again.getWeights().get(i));
                    }
                }
            }
        }
    }
}
