package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * 1-D mean pooling (Keras's {@code AveragePooling1D}) over samples {@code (steps, channels)}:
 * each channel's mean over windows of the pool size, counting only the cells inside the input
 * (see {@link Pooling}). No weights.
 *
 * <pre>{@code
 * Layer pool = new AveragePooling1D(2).strides(2).padding("same");
 * }</pre>
 */
public final class AveragePooling1D extends Pooling<AveragePooling1D> {

    /** Windows of Keras's default size 2, strides equal to the size. */
    public AveragePooling1D() {
        this(2);
    }

    /**
     * Windows of {@code poolSize} cells along every spatial axis, strides equal to the size.
     *
     * @throws IllegalArgumentException if {@code poolSize} is not positive
     */
    public AveragePooling1D(int poolSize) {
        this(new int[] {poolSize});
    }

    /**
     * Windows of {@code poolSize} cells, one value or one per spatial axis.
     *
     * @throws IllegalArgumentException if a size is not positive or their count is wrong
     */
    public AveragePooling1D(int... poolSize) {
        super(1, PoolOp.AVERAGE, poolSize);
    }

    @Override
    public String className() {
        return "AveragePooling1D";
    }

    /** Reads Keras's config of {@code AveragePooling1D}. */
    static AveragePooling1D fromConfig(ConfigReader c) {
        return fromConfig(c, AveragePooling1D::new);
    }
}
