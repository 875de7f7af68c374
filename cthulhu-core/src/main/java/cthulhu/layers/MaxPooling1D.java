package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * 1-D max pooling (Keras's {@code MaxPooling1D}) over samples {@code (steps, channels)}:
 * each channel's max over windows of the pool size
 * (see {@link Pooling}). No weights.
 *
 * <pre>{@code
 * Layer pool = new MaxPooling1D(2).strides(2).padding("same");
 * }</pre>
 */
public final class MaxPooling1D extends Pooling<MaxPooling1D> {

    /** Windows of Keras's default size 2, strides equal to the size. */
    public MaxPooling1D() {
        this(2);
    }

    /**
     * Windows of {@code poolSize} cells along every spatial axis, strides equal to the size.
     *
     * @throws IllegalArgumentException if {@code poolSize} is not positive
     */
    public MaxPooling1D(int poolSize) {
        this(new int[] {poolSize});
    }

    /**
     * Windows of {@code poolSize} cells, one value or one per spatial axis.
     *
     * @throws IllegalArgumentException if a size is not positive or their count is wrong
     */
    public MaxPooling1D(int... poolSize) {
        super(1, PoolOp.MAX, poolSize);
    }

    @Override
    public String className() {
        return "MaxPooling1D";
    }

    /** Reads Keras's config of {@code MaxPooling1D}. */
    static MaxPooling1D fromConfig(ConfigReader c) {
        return fromConfig(c, MaxPooling1D::new);
    }
}
