package cthulhu.layers;

import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code UpSampling1D}: each step of samples {@code (steps, features)} repeated
 * {@code size} times (default 2). No weights.
 */
public final class UpSampling1D extends UpSampling<UpSampling1D> {

    /** Repeats each step twice. */
    public UpSampling1D() {
        this(2);
    }

    /**
     * @param size how many times each step is repeated, positive
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public UpSampling1D(int size) {
        super(1, new int[] {size});
    }

    @Override
    public String className() {
        return "UpSampling1D";
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("size", size()[0]);
    }

    /** Reads Keras's config of {@code UpSampling1D}. */
    static UpSampling1D fromConfig(ConfigReader c) {
        return new UpSampling1D(c.getInt("size", 2));
    }
}
