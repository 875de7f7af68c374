package cthulhu.layers;

import cthulhu.config.ConfigReader;

/**
 * Keras's {@code ZeroPadding1D}: zero-pads the steps of samples {@code (steps, channels)} by the
 * given numbers of cells before and after (see {@link SpatialEdges} for how amounts are given).
 * No weights.
 *
 * <pre>{@code
 * Layer layer = new ZeroPadding1D(1, 2);
 * }</pre>
 */
public final class ZeroPadding1D extends SpatialEdges<ZeroPadding1D> {

    /** Keras's default: 1 cell at every edge. */
    public ZeroPadding1D() {
        this(1);
    }

    /**
     * @param padding one value for every edge or a {@code (before, after)} pair per axis
     * @throws IllegalArgumentException if the count is wrong or an amount is negative
     */
    public ZeroPadding1D(int... padding) {
        super(1, false, padding);
    }

    @Override
    public String className() {
        return "ZeroPadding1D";
    }

    /** Reads Keras's config of {@code ZeroPadding1D}. */
    static ZeroPadding1D fromConfig(ConfigReader c) {
        return new ZeroPadding1D(amounts(c, "padding", 1));
    }
}
