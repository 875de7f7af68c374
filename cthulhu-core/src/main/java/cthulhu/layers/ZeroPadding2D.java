package cthulhu.layers;

import cthulhu.config.ConfigReader;

/**
 * Keras's {@code ZeroPadding2D}: zero-pads the rows, cols of samples {@code (rows, cols, channels)} by the
 * given numbers of cells before and after (see {@link SpatialEdges} for how amounts are given).
 * No weights.
 *
 * <pre>{@code
 * Layer layer = new ZeroPadding2D(1, 1, 2, 0);
 * }</pre>
 */
public final class ZeroPadding2D extends SpatialEdges<ZeroPadding2D> {

    /** Keras's default: 1 cell at every edge. */
    public ZeroPadding2D() {
        this(1);
    }

    /**
     * @param padding one value for every edge, one per spatial axis or a {@code (before, after)} pair per axis ({@code top, bottom, left, right})
     * @throws IllegalArgumentException if the count is wrong or an amount is negative
     */
    public ZeroPadding2D(int... padding) {
        super(2, false, padding);
    }

    @Override
    public String className() {
        return "ZeroPadding2D";
    }

    /** Reads Keras's config of {@code ZeroPadding2D}. */
    static ZeroPadding2D fromConfig(ConfigReader c) {
        return new ZeroPadding2D(amounts(c, "padding", 1)).dataFormat(c.getString("data_format", null));
    }
}
