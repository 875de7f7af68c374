package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Tolerance;
import cthulhu.losses.BinaryCrossentropy;
import cthulhu.losses.CategoricalCrossentropy;
import cthulhu.losses.Huber;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.losses.SparseCategoricalCrossentropy;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The losses beyond the first five: values hand-worked in comments and as Keras 3.15.1 (JAX)
 * computes them, printed by {@code cthulhu-conformance/src/test/python/keras3_losses.py} — Keras
 * 2.2.4 defines the same formulas for these inputs; Keras ran some of them in float32, so they are
 * held to 1e-6 relative — gradients against central differences, names and their round trips.
 */
class Keras3LossesTest extends ConformanceTestBase {

    private static final double[] Y = {1.0, 2.0, 0.5, 0.0, -1.5, 3.0};
    private static final double[] P = {1.5, 1.0, 0.25, 0.5, -1.0, 4.5};
    private static final double[] D = {0.2, 0.3, 0.5, 0.7, 0.1, 0.2};
    private static final double[] Q = {0.25, 0.25, 0.5, 0.6, 0.3, 0.1};
    private static final double[] H = {1.0, -1.0, 1.0, -1.0, -1.0, 1.0};
    private static final double[] S = {0.3, -2.0, 1.5, 0.8, 0.1, -0.4};
    private static final double[] ONE_HOT = {0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
    private static final double[] Z = {2.0, -1.0, 0.5, -30.0, 40.0, 0.0};
    private static final double[] B = {1.0, 0.0, 1.0, 0.0, 1.0, 1.0};

    /** Keras's float32 results allow 1e-6 relative; tighter in float32 than the suite's own tolerance is not asked. */
    private static Tolerance keras() {
        Tolerance t = Tolerance.current().times(10);
        return new Tolerance(Math.max(t.rtol(), 1e-6), Math.max(t.atol(), 1e-9));
    }

    private static Arguments loss(String name, double[] yTrue, double[] yPred, double[] expected) {
        return arguments(name, yTrue, yPred, expected);
    }

    static Stream<Arguments> keras3() {
        return Stream.of(
                // mape sample 1: 100 · (0.5/1 + 1/2 + 0.25/0.5)/3 = 50; sample 2 divides |0 − 0.5| by ε = 1e-7.
                loss("mean_absolute_percentage_error", Y, P, new double[] {50.0, 166666700.0}),
                loss("mape", Y, P, new double[] {50.0, 166666700.0}),
                loss("mean_squared_logarithmic_error", Y, P, new double[] {0.08247871696949005, 0.0886048898100853}),
                loss("msle", Y, P, new double[] {0.08247871696949005, 0.0886048898100853}),
                loss("logcosh", Y, P, new double[] {0.19494172930717468, 0.36522310972213745}),
                loss("log_cosh", Y, P, new double[] {0.19494172930717468, 0.36522310972213745}),
                // huber sample 1: errors 0.5, −1, −0.25 → (0.125 + 0.5 + 0.03125)/3 = 0.21875.
                loss("huber", Y, P, new double[] {0.21875, 0.4166666865348816}),
                loss("cosine_similarity", Y, P, new double[] {-0.8692614415287621, -0.9644856443408243}),
                loss("kullback_leibler_divergence", D, Q, new double[] {0.010067756775344432, 0.13667368312425893}),
                loss("kld", D, Q, new double[] {0.010067756775344432, 0.13667368312425893}),
                loss("kl_divergence", D, Q, new double[] {0.010067756775344432, 0.13667368312425893}),
                loss("poisson", D, Q, new double[] {0.6799068450927734, 0.6461640000343323}),
                // hinge sample 1: margins max(1 − 0.3, 0), max(1 − 2, 0), max(1 − 1.5, 0) → 0.7/3.
                loss("hinge", H, S, new double[] {0.23333333432674408, 1.433333396911621}),
                loss("squared_hinge", H, S, new double[] {0.16333334147930145, 2.136666774749756}),
                // categorical hinge sample 1: max wrong 1.5, right −2 → 1.5 + 2 + 1 = 4.5.
                loss("categorical_hinge", ONE_HOT, S, new double[] {4.5, 2.2}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keras3")
    void valuesMatchKeras(String name, double[] yTrue, double[] yPred, double[] expected) {
        assertTensor(expected, new int[] {2}, Losses.get(name).apply(K.constant(yTrue, 2, 3), K.constant(yPred, 2, 3)), keras());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keras3")
    void gradientsMatchCentralDifferences(String name, double[] yTrue, double[] yPred, double[] expected) {
        // mape's ε-divided sample is left out: its slope 1e9 is beyond a relative check of differences.
        double[] target = name.contains("percentage") || name.equals("mape") ? D : yTrue;
        double[] point = name.contains("percentage") || name.equals("mape") ? Q : yPred;
        GradientCheck.check(p -> Losses.get(name).apply(K.constant(target, 2, 3), p), point, 2, 3);
    }

    @Test
    void cosineProximityIsKeras224sNegativeCosine() {
        // sample 1: y·p = 1.5 + 2 + 0.125 = 3.625, |y| = √5.25, |p| = √3.3125 → −3.625/√(5.25 · 3.3125).
        double first = -3.625 / Math.sqrt(5.25 * 3.3125);
        double second = -(0 * 0.5 + 1.5 + 13.5) / Math.sqrt((2.25 + 9) * (0.25 + 1 + 20.25));
        assertTensor(new double[] {first, second}, new int[] {2},
                Losses.get("cosine_proximity").apply(K.constant(Y, 2, 3), K.constant(P, 2, 3)), Tolerance.current().times(10));
        // Zero vectors: TensorFlow's l2_normalize floors Σx² at 1e-12, so the cosine is 0, not NaN.
        assertTensor(new double[] {0}, new int[] {1},
                Losses.get("cosine_proximity").apply(K.zeros(1, 3), K.constant(new double[] {1, 2, 3}, 1, 3)));
        assertTensor(new double[] {0}, new int[] {1},
                Losses.get("cosine_similarity").apply(K.zeros(1, 3), K.constant(new double[] {1, 2, 3}, 1, 3)));
    }

    @Test
    void crossentropiesFromLogitsAndWithLabelSmoothingMatchKeras3() {
        Tensor b = K.constant(B, 2, 3);
        Tensor z = K.constant(Z, 2, 3);
        Tensor q = K.constant(Q, 2, 3);
        Tensor oneHot = K.constant(ONE_HOT, 2, 3);
        assertTensor(new double[] {0.3047555685043335, 0.2310490608215332}, new int[] {2}, new BinaryCrossentropy(true, 0).apply(b, z), keras());
        assertTensor(new double[] {0.42142224311828613, 2.564382553100586}, new int[] {2}, new BinaryCrossentropy(true, 0.2).apply(b, z), keras());
        assertTensor(new double[] {0.7890412211418152, 1.3592833280563354}, new int[] {2}, new BinaryCrossentropy(false, 0.2).apply(b, q), keras());
        // cce sample 2: logits [−30, 40, 0], label 2: −log_softmax = 40 − 0 + ln(1 + e^−40 + e^−70) = 40.
        assertTensor(new double[] {3.241311296657157, 40.0}, new int[] {2}, new CategoricalCrossentropy(true, 0).apply(oneHot, z), keras());
        assertTensor(new double[] {2.7913112966571565, 38.99999999999999}, new int[] {2}, new CategoricalCrossentropy(true, 0.3).apply(oneHot, z),
                keras());
        assertTensor(new double[] {1.316979643063896, 2.013547917204429}, new int[] {2}, new CategoricalCrossentropy(false, 0.3).apply(oneHot, q),
                keras());
        assertTensor(new double[] {3.241311296657157, 40.0}, new int[] {2},
                new SparseCategoricalCrossentropy(true).apply(K.constant(new double[] {1, 2}, 2), z), keras());
    }

    @Test
    void logitsStayFiniteWhereProbabilitiesWouldSaturate() {
        // softplus(z) − z·y for z = ±1000: 0 when the sign agrees with the label, 1000 when not; mean 500.
        Tensor z = K.constant(new double[] {1000, -1000, 1000, -1000}, 1, 4);
        Tensor y = K.constant(new double[] {1, 0, 0, 1}, 1, 4);
        assertTensor(new double[] {500}, new int[] {1}, new BinaryCrossentropy(true, 0).apply(y, z));
        // The label's logit is −1000 against two at 1000: 2000 + ln 2.
        assertTensor(new double[] {2000 + Math.log(2)}, new int[] {1},
                new CategoricalCrossentropy(true, 0).apply(K.constant(new double[] {0, 1, 0, 0}, 1, 4), z));
    }

    @Test
    void crossentropyGradientsFromLogits() {
        GradientCheck.check(z -> new BinaryCrossentropy(true, 0.1).apply(K.constant(B, 2, 3), z), Z.clone(), 2, 3);
        GradientCheck.check(z -> new CategoricalCrossentropy(true, 0.2).apply(K.constant(ONE_HOT, 2, 3), z),
                new double[] {2, -1, 0.5, -3, 4, 0}, 2, 3);
        GradientCheck.check(z -> new SparseCategoricalCrossentropy(true).apply(K.constant(new double[] {1, 2}, 2), z),
                new double[] {2, -1, 0.5, -3, 4, 0}, 2, 3);
        GradientCheck.check(p -> new Huber(0.5).apply(K.constant(Y, 2, 3), p), new double[] {1.2, 1.0, 0.25, 0.5, -1.0, 4.5}, 2, 3);
    }

    @Test
    void huberWithADelta() {
        assertTensor(new double[] {0.1770833432674408, 0.2916666865348816}, new int[] {2}, new Huber(0.5).apply(K.constant(Y, 2, 3), K.constant(P, 2, 3)), keras());
    }

    @Test
    void aliasesShareTheirObjectAndSerializeToTheFirstName() {
        assertSame(Losses.get("mean_absolute_percentage_error"), Losses.get("mape"));
        assertEquals("mean_squared_logarithmic_error", Losses.serialize(Losses.get("msle")));
        assertEquals("kullback_leibler_divergence", Losses.serialize(Losses.get("kl_divergence")));
        assertEquals("logcosh", Losses.serialize(Losses.get("log_cosh")));
        assertEquals("binary_crossentropy", Losses.serialize(Losses.get("bce")));
    }

    @Test
    void parameterizedLossesRoundTripThroughTheirKerasConfig() {
        for (Loss loss : new Loss[] {new BinaryCrossentropy(true, 0.1), new CategoricalCrossentropy(false, 0.25),
            new SparseCategoricalCrossentropy(true), new Huber(2)}) {
            Object saved = Losses.serializeConfig(loss);
            assertEquals(loss, Losses.deserialize(saved), String.valueOf(saved));
        }
        assertEquals(Map.of("class_name", "CategoricalCrossentropy", "config", Map.of("from_logits", true, "label_smoothing", 0.1)),
                Losses.serializeConfig(new CategoricalCrossentropy(true, 0.1)));
        assertEquals("huber", Losses.serializeConfig(Losses.get("huber")));
    }

    @Test
    void aModelCompiledWithAParameterizedLossSavesAndLoadsIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("logits.cthulhu");
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(3).inputShape(2));
            model.compile(new SGD(0.1), new CategoricalCrossentropy(true, 0.1), "accuracy");
            model.save(file);
            try (Sequential loaded = Sequential.load(file)) {
                assertEquals(new CategoricalCrossentropy(true, 0.1), loaded.getLoss());
            }
        }
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(3).inputShape(2));
            model.compile("sgd", "kld");
            model.save(file);
            try (Sequential loaded = Sequential.load(file)) {
                assertSame(Losses.get("kullback_leibler_divergence"), loaded.getLoss());
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new BinaryCrossentropy(false, 1.5), "label_smoothing", "1.5");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new CategoricalCrossentropy(true, -0.1), "label_smoothing",
                "-0.1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Huber(0), "delta", "0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Losses.deserialize(Map.of("class_name", "Focal")),
                "Unknown loss class: Focal", "Huber");
    }
}
