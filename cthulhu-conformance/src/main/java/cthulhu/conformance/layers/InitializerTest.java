package cthulhu.conformance.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.initializers.Constant;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;
import cthulhu.initializers.KerasInitializer;
import cthulhu.initializers.RandomNormal;
import cthulhu.initializers.RandomUniform;
import cthulhu.initializers.Seeds;
import cthulhu.initializers.TruncatedNormal;
import cthulhu.initializers.VarianceScaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertShape;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The initializers against their Keras 2.2.4 definitions: sample mean and variance within
 * {@value Stats#SIGMAS} standard errors of the defining distribution (see {@link Stats}), bounds
 * exactly (uniform limits, truncation at ±2σ), fans as Keras's {@code _compute_fans}, seeding,
 * the name registry and the configuration round trip.
 */
class InitializerTest extends ConformanceTestBase {

    /** The truncated standard normal's standard deviation, the divisor of VarianceScaling's normal stddev. */
    private static final double TRUNCATED_SD = 0.87962566103423978;

    /** A float32 value may differ from the double bound by one rounding. */
    private static double slack(double bound) {
        return Math.abs(bound) * 1e-6;
    }

    /** Shape [200, 300]: fan_in 200, fan_out 300, fan_avg 250; 60 000 samples. */
    private static final int[] SHAPE = {200, 300};

    private static double[] sample(Initializer initializer, int... shape) {
        Tensor t = initializer.apply(shape);
        assertShape(shape, t);
        assertEquals(K.dtype(), t.dtype(), "an initializer produces the active floatx");
        return t.toDoubleArray();
    }

    /** name, variance scale, fan for that name on SHAPE, normal (truncated) or uniform. */
    static Stream<Arguments> varianceScalingNames() {
        return Stream.of(
                arguments("glorot_normal", 1.0, 250.0, true),
                arguments("glorot_uniform", 1.0, 250.0, false),
                arguments("he_normal", 2.0, 200.0, true),
                arguments("he_uniform", 2.0, 200.0, false),
                arguments("lecun_normal", 1.0, 200.0, true),
                arguments("lecun_uniform", 1.0, 200.0, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("varianceScalingNames")
    void namedVarianceScalingHasVarianceScaleOverFanAndKerasBounds(String name, double scale, double fan, boolean normal) {
        Stats s = new Stats(sample(Initializers.get(name), SHAPE));
        double variance = scale / fan;
        s.assertMean(0, variance, name);
        s.assertVariance(variance, name);
        // normal: truncated at 2 stddev, stddev = sqrt(scale / fan) / 0.8796...; uniform: limit sqrt(3 scale / fan)
        double bound = normal ? 2 * Math.sqrt(variance) / TRUNCATED_SD : Math.sqrt(3 * variance);
        s.assertWithin(-bound, bound, slack(bound), name);
    }

    @Test
    void varianceScalingModesUseTheirFans() {
        for (String mode : List.of("fan_in", "fan_out", "fan_avg")) {
            double fan = switch (mode) {
                case "fan_in" -> 200;
                case "fan_out" -> 300;
                default -> 250;
            };
            VarianceScaling init = new VarianceScaling(3.0, mode, "uniform", 11L);
            assertEquals(3.0 / fan, init.variance(SHAPE), 1e-15, mode);
            new Stats(sample(init, SHAPE)).assertVariance(3.0 / fan, "VarianceScaling(3, " + mode + ", uniform)");
        }
    }

    @Test
    void fansFollowKerasComputeFans() {
        assertArrayEquals(new double[] {2, 3}, VarianceScaling.fans(2, 3), "dense kernel: in x out");
        // conv2d kernel 3x3, 4 in, 5 out: receptive field 9
        assertArrayEquals(new double[] {36, 45}, VarianceScaling.fans(3, 3, 4, 5), "conv kernel");
        assertArrayEquals(new double[] {4 * 2, 6 * 2}, VarianceScaling.fans(2, 4, 6), "conv1d kernel");
        assertArrayEquals(new double[] {Math.sqrt(7), Math.sqrt(7)}, VarianceScaling.fans(7), 1e-15, "1-D: sqrt(size)");
        assertArrayEquals(new double[] {1, 1}, VarianceScaling.fans(), "scalar: sqrt(1)");
        assertArrayEquals(new double[] {8, 8}, VarianceScaling.fans(2, 2, 2, 2, 2, 2), 1e-12, "rank 6: sqrt(64)");
    }

    @Test
    void oneDimensionalWeightsUseTheSquareRootOfTheirSize() {
        // glorot_uniform on a vector of 10 000: fan_in = fan_out = 100, variance 1/100
        Stats s = new Stats(sample(Initializers.get("glorot_uniform"), 10_000));
        s.assertVariance(0.01, "glorot_uniform on [10000]");
        s.assertWithin(-Math.sqrt(0.03), Math.sqrt(0.03), slack(0.2), "glorot_uniform on [10000]");
    }

    @Test
    void fansBelowOneCountAsOne() {
        // a [1, 1] kernel has fan 1; a scalar sqrt(1) = 1: variance = scale
        assertEquals(2.0, new VarianceScaling(2.0, "fan_in", "uniform").variance(1, 1), 0);
        assertEquals(2.0, new VarianceScaling(2.0, "fan_in", "uniform").variance(), 0);
    }

    @Test
    void randomNormalHasKerasDefaults() {
        Stats s = new Stats(sample(Initializers.get("random_normal"), SHAPE));
        s.assertMean(0, 0.0025, "random_normal");
        s.assertVariance(0.0025, "random_normal (stddev 0.05)");
        Stats shifted = new Stats(sample(new RandomNormal(3, 0.5, 5L), SHAPE));
        shifted.assertMean(3, 0.25, "RandomNormal(3, 0.5)");
        shifted.assertVariance(0.25, "RandomNormal(3, 0.5)");
    }

    @Test
    void randomUniformHasKerasDefaults() {
        Stats s = new Stats(sample(Initializers.get("random_uniform"), SHAPE));
        s.assertWithin(-0.05, 0.05, slack(0.05), "random_uniform");
        s.assertMean(0, 0.01 / 12, "random_uniform");
        s.assertVariance(0.01 / 12, "random_uniform on [-0.05, 0.05): (b - a)^2 / 12");
        Stats custom = new Stats(sample(new RandomUniform(1, 4, 5L), SHAPE));
        custom.assertWithin(1, 4, slack(4), "RandomUniform(1, 4)");
        custom.assertMean(2.5, 9.0 / 12, "RandomUniform(1, 4)");
        custom.assertVariance(9.0 / 12, "RandomUniform(1, 4)");
    }

    @Test
    void truncatedNormalStaysWithinTwoStddevs() {
        Stats s = new Stats(sample(Initializers.get("truncated_normal"), SHAPE));
        s.assertWithin(-0.1, 0.1, slack(0.1), "truncated_normal: within 2 x 0.05");
        double variance = Math.pow(0.05 * TRUNCATED_SD, 2);
        s.assertMean(0, variance, "truncated_normal");
        s.assertVariance(variance, "truncated_normal: (0.05 x 0.8796)^2");
        Stats shifted = new Stats(sample(new TruncatedNormal(-1, 2, 9L), SHAPE));
        shifted.assertWithin(-5, 3, slack(5), "TruncatedNormal(-1, 2)");
        shifted.assertMean(-1, Math.pow(2 * TRUNCATED_SD, 2), "TruncatedNormal(-1, 2)");
    }

    @Test
    void constantsAreExact() {
        assertExactly(new double[] {0, 0, 0, 0, 0, 0}, Initializers.get("zeros").apply(2, 3));
        assertExactly(new double[] {1, 1, 1, 1}, Initializers.get("ones").apply(4));
        assertExactly(new double[] {0, 0}, Initializers.get("constant").apply(2));
        assertExactly(new double[] {2.5, 2.5, 2.5}, new Constant(2.5).apply(3, 1));
    }

    @Test
    void seededInitializersRepeatAndUnseededOnesDoNot() {
        VarianceScaling seeded = new VarianceScaling(1.0, "fan_avg", "normal", 42L);
        assertArrayEquals(sample(seeded, 20, 30), sample(seeded, 20, 30), "the same seed gives the same values");
        assertArrayEquals(sample(new RandomUniform(-1, 1, 7L), 50), sample(new RandomUniform(-1, 1, 7L), 50));
        Initializer unseeded = Initializers.get("glorot_uniform");
        assertFalse(Arrays.equals(sample(unseeded, 20, 30), sample(unseeded, 20, 30)), "unseeded calls draw fresh seeds");
        Seeds.reset(123);
        double[] first = sample(unseeded, 20, 30);
        Seeds.reset(123);
        assertArrayEquals(first, sample(unseeded, 20, 30), "Seeds.reset makes unseeded initializers repeat");
    }

    @Test
    void everyApiNameResolves() {
        for (String name : List.of("zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
                "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform")) {
            assertShape(new int[] {3, 2}, Initializers.get(name).apply(3, 2));
        }
    }

    @Test
    void namesResolveToKerasDefinitions() {
        assertEquals(new VarianceScaling(1.0, "fan_avg", "uniform", null), Initializers.get("glorot_uniform"));
        assertEquals(new VarianceScaling(2.0, "fan_in", "normal", null), Initializers.get("he_normal"));
        assertEquals(new VarianceScaling(1.0, "fan_in", "normal", null), Initializers.get("lecun_normal"));
        assertEquals(new RandomNormal(0, 0.05, null), Initializers.get("random_normal"));
        assertEquals(new RandomUniform(-0.05, 0.05, null), Initializers.get("random_uniform"));
        assertEquals(new TruncatedNormal(0, 0.05, null), Initializers.get("truncated_normal"));
        assertEquals(new VarianceScaling(1.0, "fan_in", "normal", null), Initializers.get("VarianceScaling"));
    }

    @Test
    void unknownNameIsNamedWithTheValidNames() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Initializers.get("glorot_unform"),
                "Unknown initializer: glorot_unform", "glorot_uniform", "he_normal", "zeros");
    }

    @Test
    void varianceScalingRejectsBadArgumentsWithKerasMessages() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new VarianceScaling(0, "fan_in", "normal"),
                "`scale` must be a positive float. Got: 0.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new VarianceScaling(1, "fan_sum", "normal"),
                "Invalid `mode` argument", "fan_avg", "fan_sum");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new VarianceScaling(1, "fan_in", "cauchy"),
                "Invalid `distribution` argument", "uniform", "cauchy");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new RandomNormal(0, -1),
                "RandomNormal", "stddev", "-1.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new RandomUniform(1, -1),
                "RandomUniform", "minval=1.0", "maxval=-1.0");
    }

    @Test
    void serializeGivesKerasClassNameAndConfig() {
        Map<String, Object> config = Configs.of(
                "scale", 1.0,
                "mode", "fan_avg",
                "distribution", "uniform",
                "seed", null);
        assertEquals(Map.of("class_name", "VarianceScaling", "config", config),
                Initializers.serialize(Initializers.get("glorot_uniform")));
        assertEquals(Map.of("class_name", "Zeros", "config", Map.of()), Initializers.serialize(Initializers.get("zeros")));
    }

    @Test
    void everyBuiltInRoundTripsThroughItsConfig() {
        List<KerasInitializer> all = List.of(new cthulhu.initializers.Zeros(), new cthulhu.initializers.Ones(),
                new Constant(0.5), new RandomNormal(1, 2, 3L), new RandomUniform(-2, 5, null),
                new TruncatedNormal(0, 0.1, 8L), new VarianceScaling(2.0, "fan_out", "uniform", 99L));
        for (KerasInitializer init : all) {
            assertEquals(init, Initializers.deserialize(Initializers.serialize(init)), init.className());
        }
    }

    @Test
    void kerasJsonConfigsRead() {
        // As Keras 2.2.4 writes them; numbers may arrive as integers.
        Map<String, Object> config = Configs.of("scale", 2, "mode", "fan_in", "distribution", "normal", "seed", 7);
        assertEquals(new VarianceScaling(2.0, "fan_in", "normal", 7L),
                Initializers.deserialize(Map.of("class_name", "VarianceScaling", "config", config)));
        assertEquals(new RandomUniform(-0.05, 0.05, null),
                Initializers.deserialize(Map.of("class_name", "RandomUniform", "config", Map.of())));
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Initializers.deserialize(Map.of("class_name", "RandomNormal", "config", Map.of("stdev", 1.0))),
                "stdev", "RandomNormal");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Initializers.deserialize(Map.of("class_name", "Identity", "config", Map.of())),
                "Unknown initializer: Identity", "VarianceScaling");
    }

    @Test
    void customInitializersSerializeOnlyOnceRegistered() {
        double value = 0.5;
        // A capturing lambda is a new object on every run of this test, never registered before.
        Initializer half = shape -> K.full(K.dtype(), value, shape);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Initializers.serialize(half),
                "Initializers.register");
        Initializers.register("conformance_half", half);
        assertEquals(Map.of("class_name", "conformance_half", "config", Map.of()), Initializers.serialize(half));
        assertEquals(half, Initializers.get("conformance_half"));
        assertEquals(half, Initializers.deserialize(Initializers.serialize(half)));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Initializers.register("zeros", half),
                "built-in");
    }
}
