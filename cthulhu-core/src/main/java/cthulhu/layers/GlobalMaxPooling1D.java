package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * Global 1-D maximum pooling (Keras's {@code GlobalMaxPooling1D}): each channel's maximum over the
 * steps of samples {@code (steps, channels)}, giving {@code (batch, channels)}; see
 * {@link GlobalPooling}. No weights.
 */
public final class GlobalMaxPooling1D extends GlobalPooling<GlobalMaxPooling1D> {

    /** Global maximum pooling, channels last. */
    public GlobalMaxPooling1D() {
        super(1, PoolOp.MAX);
    }

    @Override
    public String className() {
        return "GlobalMaxPooling1D";
    }

    /** Reads Keras's config of {@code GlobalMaxPooling1D}. */
    static GlobalMaxPooling1D fromConfig(ConfigReader c) {
        return readOptions(c, new GlobalMaxPooling1D());
    }
}
