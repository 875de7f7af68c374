package cthulhu.layers;

import cthulhu.config.ConfigReader;

/**
 * Keras's {@code SpatialDropout1D}: in training, whole channels of samples
 * {@code (steps, channels)} dropped with probability {@code rate}, the kept ones scaled by
 * {@code 1 / (1 − rate)}; see {@link SpatialDropout}. No weights.
 */
public final class SpatialDropout1D extends SpatialDropout<SpatialDropout1D> {

    /**
     * Unseeded spatial dropout.
     *
     * @param rate the fraction of channels to drop, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public SpatialDropout1D(double rate) {
        this(rate, null);
    }

    /**
     * Seeded spatial dropout: the sequence of masks repeats from run to run.
     *
     * @param rate the fraction of channels to drop, in {@code [0, 1)}
     * @param seed the seed of the mask sequence; null for unseeded
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public SpatialDropout1D(double rate, Long seed) {
        super(1, rate, seed);
    }

    @Override
    public String className() {
        return "SpatialDropout1D";
    }

    /** Reads Keras's config of {@code SpatialDropout1D}. */
    static SpatialDropout1D fromConfig(ConfigReader c) {
        return new SpatialDropout1D(rate(c), c.getNullableLong("seed")).dataFormat(c.getString("data_format", null));
    }
}
