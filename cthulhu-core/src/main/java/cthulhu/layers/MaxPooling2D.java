package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * 2-D max pooling (Keras's {@code MaxPooling2D}) over samples {@code (rows, cols, channels)}:
 * each channel's max over windows of the pool size
 * (see {@link Pooling}). No weights.
 *
 * <pre>{@code
 * Layer pool = new MaxPooling2D(2).strides(2).padding("same");
 * }</pre>
 */
public final class MaxPooling2D extends Pooling<MaxPooling2D> {

    /** Windows of Keras's default size (2, 2), strides equal to the size. */
    public MaxPooling2D() {
        this(2);
    }

    /**
     * Windows of {@code poolSize} cells along every spatial axis, strides equal to the size.
     *
     * @throws IllegalArgumentException if {@code poolSize} is not positive
     */
    public MaxPooling2D(int poolSize) {
        this(new int[] {poolSize});
    }

    /**
     * Windows of {@code poolSize} cells, one value or one per spatial axis.
     *
     * @throws IllegalArgumentException if a size is not positive or their count is wrong
     */
    public MaxPooling2D(int... poolSize) {
        super(2, PoolOp.MAX, poolSize);
    }

    @Override
    public String className() {
        return "MaxPooling2D";
    }

    /** Reads Keras's config of {@code MaxPooling2D}. */
    static MaxPooling2D fromConfig(ConfigReader c) {
        return fromConfig(c, MaxPooling2D::new);
    }
}
