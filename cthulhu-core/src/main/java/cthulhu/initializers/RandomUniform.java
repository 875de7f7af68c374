package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code RandomUniform}: samples uniform in {@code [minval, maxval)}. Name
 * {@code "random_uniform"} gives {@code [-0.05, 0.05)}, no seed.
 *
 * @param minval the lower bound; default -0.05
 * @param maxval the upper bound; default 0.05
 * @param seed the seed, so that every call gives the same values; null (default) draws a fresh
 *     seed from {@link Seeds} on every call
 */
public record RandomUniform(double minval, double maxval, Long seed) implements KerasInitializer {

    /** @throws IllegalArgumentException if {@code minval > maxval} or a bound is not finite */
    public RandomUniform {
        if (!Double.isFinite(minval) || !Double.isFinite(maxval) || minval > maxval) {
            throw new IllegalArgumentException("RandomUniform needs finite bounds with minval <= maxval, got minval="
                    + minval + ", maxval=" + maxval);
        }
    }

    /** {@code [-0.05, 0.05)}, unseeded: Keras's defaults. */
    public RandomUniform() {
        this(-0.05, 0.05, null);
    }

    /** Unseeded, with the given bounds. */
    public RandomUniform(double minval, double maxval) {
        this(minval, maxval, null);
    }

    @Override
    public Tensor apply(int... shape) {
        return K.randomUniform(shape, minval, maxval, seed != null ? seed : Seeds.next());
    }

    @Override
    public String className() {
        return "RandomUniform";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("minval", minval, "maxval", maxval, "seed", seed);
    }
}
