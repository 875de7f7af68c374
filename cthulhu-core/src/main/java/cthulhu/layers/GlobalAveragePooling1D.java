package cthulhu.layers;

import cthulhu.backend.PoolOp;
import cthulhu.config.ConfigReader;

/**
 * Global 1-D mean pooling (Keras's {@code GlobalAveragePooling1D}): each channel's mean over the
 * steps of samples {@code (steps, channels)}, giving {@code (batch, channels)}; see
 * {@link GlobalPooling}. No weights.
 */
public final class GlobalAveragePooling1D extends GlobalPooling<GlobalAveragePooling1D> {

    /** Global mean pooling, channels last. */
    public GlobalAveragePooling1D() {
        super(1, PoolOp.AVERAGE);
    }

    @Override
    public String className() {
        return "GlobalAveragePooling1D";
    }

    /** Reads Keras's config of {@code GlobalAveragePooling1D}. */
    static GlobalAveragePooling1D fromConfig(ConfigReader c) {
        return readOptions(c, new GlobalAveragePooling1D());
    }
}
