package cthulhu.layers;

import cthulhu.config.ConfigReader;

/**
 * Keras's {@code SpatialDropout2D}: in training, whole channels of samples
 * {@code (rows, cols, channels)} dropped with probability {@code rate}, the kept ones scaled by
 * {@code 1 / (1 − rate)}; see {@link SpatialDropout}. No weights.
 */
public final class SpatialDropout2D extends SpatialDropout<SpatialDropout2D> {

    /**
     * Unseeded spatial dropout.
     *
     * @param rate the fraction of channels to drop, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public SpatialDropout2D(double rate) {
        this(rate, null);
    }

    /**
     * Seeded spatial dropout: the sequence of masks repeats from run to run.
     *
     * @param rate the fraction of channels to drop, in {@code [0, 1)}
     * @param seed the seed of the mask sequence; null for unseeded
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public SpatialDropout2D(double rate, Long seed) {
        super(2, rate, seed);
    }

    @Override
    public String className() {
        return "SpatialDropout2D";
    }

    /** Reads Keras's config of {@code SpatialDropout2D}. */
    static SpatialDropout2D fromConfig(ConfigReader c) {
        return new SpatialDropout2D(rate(c), c.getNullableLong("seed")).dataFormat(c.getString("data_format", null));
    }
}
