package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code RandomNormal}: samples of the normal distribution {@code N(mean, stddev²)}.
 * Name {@code "random_normal"} gives mean 0, stddev 0.05, no seed.
 *
 * @param mean the mean; default 0
 * @param stddev the standard deviation; default 0.05
 * @param seed the seed, so that every call gives the same values; null (default) draws a fresh
 *     seed from {@link Seeds} on every call
 */
public record RandomNormal(double mean, double stddev, Long seed) implements KerasInitializer {

    /** @throws IllegalArgumentException if {@code stddev} is negative or not finite */
    public RandomNormal {
        Initializers.checkSpread("RandomNormal", "stddev", stddev);
    }

    /** Mean 0, stddev 0.05, unseeded: Keras's defaults. */
    public RandomNormal() {
        this(0, 0.05, null);
    }

    /** Unseeded, with the given mean and standard deviation. */
    public RandomNormal(double mean, double stddev) {
        this(mean, stddev, null);
    }

    @Override
    public Tensor apply(int... shape) {
        return K.randomNormal(shape, mean, stddev, seed != null ? seed : Seeds.next());
    }

    @Override
    public String className() {
        return "RandomNormal";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("mean", mean, "stddev", stddev, "seed", seed);
    }
}
