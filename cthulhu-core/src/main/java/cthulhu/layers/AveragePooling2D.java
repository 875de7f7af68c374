package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * 2-D mean pooling (Keras's {@code AveragePooling2D}) over samples {@code (rows, cols, channels)}:
 * each channel's mean over windows of the pool size, counting only the cells inside the input
 * (see {@link Pooling}). No weights.
 *
 * <pre>{@code
 * Layer pool = new AveragePooling2D(2).strides(2).padding("same");
 * }</pre>
 */
public final class AveragePooling2D extends Pooling<AveragePooling2D> {

    /** Windows of Keras's default size (2, 2), strides equal to the size. */
    public AveragePooling2D() {
        this(2);
    }

    /**
     * Windows of {@code poolSize} cells along every spatial axis, strides equal to the size.
     *
     * @throws IllegalArgumentException if {@code poolSize} is not positive
     */
    public AveragePooling2D(int poolSize) {
        this(new int[] {poolSize});
    }

    /**
     * Windows of {@code poolSize} cells, one value or one per spatial axis.
     *
     * @throws IllegalArgumentException if a size is not positive or their count is wrong
     */
    public AveragePooling2D(int... poolSize) {
        super(2, PoolOp.AVERAGE, poolSize);
    }

    @Override
    public String className() {
        return "AveragePooling2D";
    }

    /** Reads Keras's config of {@code AveragePooling2D}. */
    static AveragePooling2D fromConfig(ConfigReader c) {
        return fromConfig(c, AveragePooling2D::new);
    }
}
