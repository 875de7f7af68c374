package cthulhu.layers;

import cthulhu.config.ConfigReader;

/**
 * Keras's {@code Cropping2D}: crops the rows, cols of samples {@code (rows, cols, channels)} by the
 * given numbers of cells before and after (see {@link SpatialEdges} for how amounts are given).
 * No weights.
 *
 * <pre>{@code
 * Layer layer = new Cropping2D(1, 1, 2, 0);
 * }</pre>
 */
public final class Cropping2D extends SpatialEdges<Cropping2D> {

    /** Keras's default: 0 cells at every edge. */
    public Cropping2D() {
        this(0);
    }

    /**
     * @param cropping one value for every edge, one per spatial axis or a {@code (before, after)} pair per axis ({@code top, bottom, left, right})
     * @throws IllegalArgumentException if the count is wrong or an amount is negative
     */
    public Cropping2D(int... cropping) {
        super(2, true, cropping);
    }

    @Override
    public String className() {
        return "Cropping2D";
    }

    /** Reads Keras's config of {@code Cropping2D}. */
    static Cropping2D fromConfig(ConfigReader c) {
        return new Cropping2D(amounts(c, "cropping", 0)).dataFormat(c.getString("data_format", null));
    }
}
