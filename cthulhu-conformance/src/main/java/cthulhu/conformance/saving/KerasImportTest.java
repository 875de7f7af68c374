package cthulhu.conformance.saving;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.TensorAssert;
import cthulhu.conformance.Tolerance;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every Keras fixture (Keras 2.2.2 – 3.3 files: legacy HDF5 and {@code .keras}) loads and
 * predicts what the Keras that wrote it predicted — the expected outputs and their sources are in
 * {@code expected.tsv} — and survives cthulhu → {@code .keras}/{@code .h5} → cthulhu bit for bit.
 */
class KerasImportTest extends ConformanceTestBase {

    static List<KerasFixtures.Fixture> fixtures() {
        return KerasFixtures.all();
    }

    private static Tensor inputs(KerasFixtures.Fixture f) {
        double[] x = KerasFixtures.csv(f.file() + ".x.csv");
        int sample = 1;
        for (int d : f.inputShape()) {
            sample *= d;
        }
        int[] shape = new int[f.inputShape().length + 1];
        shape[0] = x.length / sample;
        System.arraycopy(f.inputShape(), 0, shape, 1, f.inputShape().length);
        return K.constant(x, shape);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void predictsWhatKerasPredicted(KerasFixtures.Fixture f, @TempDir Path dir) throws IOException {
        try (Sequential model = Sequential.load(KerasFixtures.copy(f.file(), dir), false)) {
            Tensor y = model.predict(inputs(f));
            double[] expected = KerasFixtures.csv(f.file() + ".y.csv");
            assertEquals(expected.length, y.toDoubleArray().length, f.file() + ": number of predicted values");
            // Keras computed in float32: its outputs are compared within the fixture's absolute tolerance.
            TensorAssert.assertClose(expected, y.toDoubleArray(), new Tolerance(0, f.tolerance()), f.file() + " (" + f.source() + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void roundTripsThroughKerasFilesBitForBit(KerasFixtures.Fixture f, @TempDir Path dir) throws IOException {
        try (Sequential model = Sequential.load(KerasFixtures.copy(f.file(), dir), false)) {
            Tensor x = inputs(f);
            double[] before = model.predict(x).toDoubleArray();
            boolean keras3 = !model.getLayers().stream().anyMatch(l -> l.className().equals("ThresholdedReLU"));
            for (String name : keras3 ? List.of("again.keras", "again.h5") : List.<String>of()) {
                Path copy = dir.resolve(name);
                model.save(copy);
                try (Sequential again = Sequential.load(copy)) {
                    TensorAssert.assertExactly(before, again.predict(x));
                    for (int i = 0; i < model.getWeights().size(); i++) {
                        TensorAssert.assertExactly(model.getWeights().get(i).toDoubleArray(), again.getWeights().get(i));
                    }
                }
            }
        }
    }
}
