package cthulhu.layers;

import cthulhu.config.ConfigReader;

import java.util.LinkedHashMap;
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
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("size", size()[0]);
        return config;
    }

    /** Reads Keras's config of {@code UpSampling1D}. */
    static UpSampling1D fromConfig(ConfigReader c) {
        return new UpSampling1D(c.getInt("size", 2));
    }
}
