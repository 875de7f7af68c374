package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * Global 2-D maximum pooling (Keras's {@code GlobalMaxPooling2D}): each channel's maximum over the
 * rows, cols of samples {@code (rows, cols, channels)}, giving {@code (batch, channels)}; see
 * {@link GlobalPooling}. No weights.
 */
public final class GlobalMaxPooling2D extends GlobalPooling<GlobalMaxPooling2D> {

    /** Global maximum pooling, channels last. */
    public GlobalMaxPooling2D() {
        super(2, PoolOp.MAX);
    }

    @Override
    public String className() {
        return "GlobalMaxPooling2D";
    }

    /** Reads Keras's config of {@code GlobalMaxPooling2D}. */
    static GlobalMaxPooling2D fromConfig(ConfigReader c) {
        return readOptions(c, new GlobalMaxPooling2D());
    }
}
