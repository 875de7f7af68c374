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
 * A compiled model that Python Keras 3 saved after two training steps (Adam, and SGD with
 * momentum; {@code .keras} and {@code .h5}) loads with its optimizer's state — step count,
 * learning rate, moments — so that one more step on the same batch gives the weights Keras's
 * next step gave ({@code keras-fixtures/generated.py}) — also after cthulhu wrote the model to
 * {@code .keras} again (legacy {@code .h5} files carry no optimizer state: see
 * {@code KerasOptimizerState}).
 */
class KerasTrainingResumeTest extends ConformanceTestBase {

    static List<KerasFixtures.TrainingFixture> fixtures() {
        return KerasFixtures.trained();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void oneMoreStepIsTheStepKerasTook(KerasFixtures.TrainingFixture f, @TempDir Path dir) throws IOException {
        try (Model model = Model.load(KerasFixtures.copy(f.file(), dir))) {
            stepAndCompare(f, model, f.file());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void theStateSurvivesCthulhusKerasFile(KerasFixtures.TrainingFixture f, @TempDir Path dir) throws IOException {
        try (Model model = Model.load(KerasFixtures.copy(f.file(), dir))) {
            model.save(dir.resolve("again.keras"));
            try (Model again = Model.load(dir.resolve("again.keras"))) {
                stepAndCompare(f, again, f.file() + " → again.keras");
            }
        }
    }

    private static void stepAndCompare(KerasFixtures.TrainingFixture f, Model model, String what) {
        Tensor x = KerasFixtures.batch(KerasFixtures.csv(f.file() + ".tx.csv"), f.xShape());
        Tensor y = KerasFixtures.batch(KerasFixtures.csv(f.file() + ".ty.csv"), f.yShape());
        assertEquals(2, model.getOptimizer().iterations(), what + ": the steps Keras took before saving");
        model.trainOnBatch(x, y);
        List<double[]> expected = KerasFixtures.rows(f.file() + ".after.csv");
        List<Tensor> weights = model.getWeights();
        assertEquals(expected.size(), weights.size(), what + ": number of weights");
        for (int i = 0; i < weights.size(); i++) {
            // Keras stepped in float32: each weight within the fixture's absolute tolerance.
            TensorAssert.assertClose(expected.get(i), weights.get(i).toDoubleArray(), new Tolerance(0, f.tolerance()),
                    what + " weight " + i + " (" + f.source() + ")");
        }
    }
}
