package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * Global 2-D mean pooling (Keras's {@code GlobalAveragePooling2D}): each channel's mean over the
 * rows, cols of samples {@code (rows, cols, channels)}, giving {@code (batch, channels)}; see
 * {@link GlobalPooling}. No weights.
 */
public final class GlobalAveragePooling2D extends GlobalPooling<GlobalAveragePooling2D> {

    /** Global mean pooling, channels last. */
    public GlobalAveragePooling2D() {
        super(2, PoolOp.AVERAGE);
    }

    @Override
    public String className() {
        return "GlobalAveragePooling2D";
    }

    /** Reads Keras's config of {@code GlobalAveragePooling2D}. */
    static GlobalAveragePooling2D fromConfig(ConfigReader c) {
        return readOptions(c, new GlobalAveragePooling2D());
    }
}
