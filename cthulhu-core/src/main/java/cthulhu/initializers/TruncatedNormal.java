package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code TruncatedNormal}: samples of {@code N(mean, stddev²)}, each redrawn until it lies
 * within two standard deviations of the mean. Name {@code "truncated_normal"} gives mean 0,
 * stddev 0.05, no seed. (The samples' standard deviation is about 0.88 · {@code stddev}.)
 *
 * @param mean the mean; default 0
 * @param stddev the standard deviation before truncation; default 0.05
 * @param seed the seed, so that every call gives the same values; null (default) draws a fresh
 *     seed from {@link Seeds} on every call
 */
public record TruncatedNormal(double mean, double stddev, Long seed) implements KerasInitializer {

    /** @throws IllegalArgumentException if {@code stddev} is negative or not finite */
    public TruncatedNormal {
        Initializers.checkSpread("TruncatedNormal", "stddev", stddev);
    }

    /** Mean 0, stddev 0.05, unseeded: Keras's defaults. */
    public TruncatedNormal() {
        this(0, 0.05, null);
    }

    /** Unseeded, with the given mean and standard deviation. */
    public TruncatedNormal(double mean, double stddev) {
        this(mean, stddev, null);
    }

    @Override
    public Tensor apply(int... shape) {
        return K.truncatedNormal(shape, mean, stddev, seed != null ? seed : Seeds.next());
    }

    @Override
    public String className() {
        return "TruncatedNormal";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("mean", mean, "stddev", stddev, "seed", seed);
    }
}
