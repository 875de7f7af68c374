package cthulhu.layers;

import cthulhu.config.ConfigReader;

/**
 * Keras's {@code Cropping1D}: crops the steps of samples {@code (steps, channels)} by the
 * given numbers of cells before and after (see {@link SpatialEdges} for how amounts are given).
 * No weights.
 *
 * <pre>{@code
 * Layer layer = new Cropping1D(1, 2);
 * }</pre>
 */
public final class Cropping1D extends SpatialEdges<Cropping1D> {

    /** Keras's default: 1 cell at every edge. */
    public Cropping1D() {
        this(1);
    }

    /**
     * @param cropping one value for every edge or a {@code (before, after)} pair per axis
     * @throws IllegalArgumentException if the count is wrong or an amount is negative
     */
    public Cropping1D(int... cropping) {
        super(1, true, cropping);
    }

    @Override
    public String className() {
        return "Cropping1D";
    }

    /** Reads Keras's config of {@code Cropping1D}. */
    static Cropping1D fromConfig(ConfigReader c) {
        return new Cropping1D(amounts(c, "cropping", 1));
    }
}
