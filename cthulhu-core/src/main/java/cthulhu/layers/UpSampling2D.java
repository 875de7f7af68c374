package cthulhu.layers;

import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code UpSampling2D} with {@code nearest} interpolation: each row of samples
 * {@code (rows, cols, channels)} repeated {@code size[0]} times and each column {@code size[1]}
 * times (default 2 and 2). No weights.
 */
public final class UpSampling2D extends UpSampling<UpSampling2D> {

    /** Repeats rows and columns twice. */
    public UpSampling2D() {
        this(2);
    }

    /**
     * @param size the factors for rows and columns, or one for both; positive
     * @throws IllegalArgumentException if a factor is not positive or more than two are given
     */
    public UpSampling2D(int... size) {
        super(2, size);
    }

    @Override
    public String className() {
        return "UpSampling2D";
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("size", Spatial.list(size()), "data_format", format(), "interpolation", "nearest");
    }

    /**
     * Reads Keras's config of {@code UpSampling2D}.
     *
     * @throws IllegalArgumentException for an interpolation other than {@code nearest}
     */
    static UpSampling2D fromConfig(ConfigReader c) {
        String interpolation = c.getString("interpolation", "nearest");
        if (!interpolation.equals("nearest")) {
            throw new IllegalArgumentException("The config of layer UpSampling2D sets 'interpolation' to '" + interpolation
                    + "', which cthulhu does not support; use 'nearest'");
        }
        int[] size = c.getIntArray("size");
        return new UpSampling2D(size == null ? new int[] {2} : size).dataFormat(c.getString("data_format", null));
    }
}
