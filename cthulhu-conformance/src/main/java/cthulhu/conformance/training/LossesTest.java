package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Each loss of Keras 2.2.4 against values worked by hand, and the loss registry. */
class LossesTest extends ConformanceTestBase {

    private static Tensor t(double[] values, int... shape) {
        return K.constant(values, shape);
    }

    @Test
    void meanSquaredError() {
        // sample 1: ((0.5 - 0)² + (0.25 - 1)²) / 2 = (0.25 + 0.5625) / 2 = 0.40625
        // sample 2: ((1 - 1)² + (3 - 1)²) / 2 = 4 / 2 = 2
        Tensor yTrue = t(new double[] {0, 1, 1, 1}, 2, 2);
        Tensor yPred = t(new double[] {0.5, 0.25, 1, 3}, 2, 2);
        assertTensor(new double[] {0.40625, 2}, new int[] {2}, Losses.get("mean_squared_error").apply(yTrue, yPred));
        assertTensor(new double[] {0.40625, 2}, new int[] {2}, Losses.get("mse").apply(yTrue, yPred));
    }

    @Test
    void meanAbsoluteError() {
        // sample 1: (0.5 + 0.75) / 2 = 0.625; sample 2: (0 + 2) / 2 = 1
        Tensor yTrue = t(new double[] {0, 1, 1, 1}, 2, 2);
        Tensor yPred = t(new double[] {0.5, 0.25, 1, 3}, 2, 2);
        assertTensor(new double[] {0.625, 1}, new int[] {2}, Losses.get("mean_absolute_error").apply(yTrue, yPred));
        assertTensor(new double[] {0.625, 1}, new int[] {2}, Losses.get("mae").apply(yTrue, yPred));
    }

    @Test
    void binaryCrossentropy() {
        // sample 1: -(ln 0.8 + ln(1 - 0.4)) / 2 = (0.2231435513 + 0.5108256238) / 2 = 0.3669845876
        // sample 2: predictions 1 and 0 are clipped to 1 - ε and ε (ε = 1e-7 as stored): the
        // wrong-side terms are -ln(1 - (1 - ε)) and -ln(ε)
        double one = Reference.stored(1 - 1e-7)[0];
        double eps = Reference.stored(1e-7)[0];
        double clipped = (-Math.log(1 - one) - Math.log(eps)) / 2;
        Tensor yTrue = t(new double[] {1, 0, 0, 1}, 2, 2);
        Tensor yPred = t(new double[] {0.8, 0.4, 1, 0}, 2, 2);
        assertTensor(new double[] {0.3669845876, clipped}, new int[] {2},
                Losses.get("binary_crossentropy").apply(yTrue, yPred), Tolerance.current().times(10));
    }

    @Test
    void categoricalCrossentropy() {
        // -ln 0.7 = 0.3566749439; -ln 0.2 = 1.6094379124;
        // [1, 2, 1] is first scaled to sum to 1: -ln(2 / 4) = 0.6931471806;
        // [1, 0, 0] against class 1: the 0 is clipped to ε, -ln ε (ε as stored)
        double eps = Reference.stored(1e-7)[0];
        Tensor yTrue = t(new double[] {0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0}, 4, 3);
        Tensor yPred = t(new double[] {0.2, 0.7, 0.1, 0.5, 0.3, 0.2, 1, 2, 1, 1, 0, 0}, 4, 3);
        assertTensor(new double[] {0.3566749439, 1.6094379124, 0.6931471806, -Math.log(eps)}, new int[] {4},
                Losses.get("categorical_crossentropy").apply(yTrue, yPred), Tolerance.current().times(10));
    }

    @Test
    void sparseCategoricalCrossentropyTakesLabelsWithOrWithoutTheLastAxis() {
        // Labels 1, 2, 1, 1 for the predictions of categoricalCrossentropy. Keras's TensorFlow
        // backend clips to [ε, 1 − ε] first and normalizes after (a softmax of the logarithm), so
        // [1, 2, 1] becomes [1 − ε, 1 − ε, 1 − ε] and gives -ln(1/3) = 1.0986122887, and [1, 0, 0]
        // becomes [1 − ε, ε, ε], giving -ln(ε / (1 + ε)) (values as stored).
        double eps = Reference.stored(1e-7)[0];
        double one = Reference.stored(1 - 1e-7)[0];
        double[] expected = {0.3566749439, 1.6094379124, 1.0986122887, -Math.log(eps / (one + 2 * eps))};
        Tensor yPred = t(new double[] {0.2, 0.7, 0.1, 0.5, 0.3, 0.2, 1, 2, 1, 1, 0, 0}, 4, 3);
        Loss loss = Losses.get("sparse_categorical_crossentropy");
        assertTensor(expected, new int[] {4}, loss.apply(t(new double[] {1, 2, 1, 1}, 4), yPred),
                Tolerance.current().times(10));
        assertTensor(expected, new int[] {4}, loss.apply(t(new double[] {1, 2, 1, 1}, 4, 1), yPred),
                Tolerance.current().times(10));
    }

    @Test
    void sparseLabelsOutOfRangeOrMisshapenAreRefused() {
        Tensor yPred = t(new double[] {0.2, 0.7, 0.1, 0.5, 0.3, 0.2}, 2, 3);
        Loss loss = Losses.get("sparse_categorical_crossentropy");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> loss.apply(t(new double[] {1, 3}, 2), yPred),
                "Label 3.0", "[0, 3)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> loss.apply(t(new double[] {0, 1, 0, 0, 0, 1}, 2, 3), yPred),
                "[2, 3]", "categorical_crossentropy");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mean_squared_error", "mean_absolute_error", "binary_crossentropy",
        "categorical_crossentropy", "sparse_categorical_crossentropy"})
    void gradientsMatchFiniteDifferences(String name) {
        // The gradient with respect to the predictions, against central differences in float64;
        // predictions stay clear of the clipping bounds and of |p − y| = 0.
        boolean sparse = name.startsWith("sparse");
        double[] targets = sparse ? new double[] {1, 0} : new double[] {0, 1, 0, 1, 0, 0};
        Loss loss = Losses.get(name);
        GradientCheck.check(p -> {
            Tensor yTrue = sparse ? K.constant(p.dtype(), targets, 2) : K.constant(p.dtype(), targets, 2, 3);
            return loss.apply(yTrue, p);
        }, new double[] {0.2, 0.5, 0.3, 0.6, 0.1, 0.3}, 2, 3);
    }

    @Test
    void registryResolvesAliasesSerializesAndRegisters() {
        assertSame(Losses.get("mse"), Losses.get("mean_squared_error"));
        assertEquals("mean_squared_error", Losses.serialize(Losses.get("mse")));
        assertEquals("mean_absolute_error", Losses.serialize(Losses.get("mae")));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Losses.get("hinge_of_madness"),
                "Unknown loss function: hinge_of_madness", "categorical_crossentropy", "mse");
        // A new object on every run, so that it starts unregistered in each float type's run.
        Loss custom = new Loss() {
            @Override
            public Tensor apply(Tensor yTrue, Tensor yPred) {
                return K.mean(K.abs(K.subtract(yPred, yTrue)), -1, false);
            }
        };
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Losses.serialize(custom), "Losses.register");
        Losses.register("conformance_absolute", custom);
        assertSame(custom, Losses.get("conformance_absolute"));
        assertEquals("conformance_absolute", Losses.serialize(custom));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Losses.register("mse", custom), "built-in");
    }
}
