package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;

/**
 * Dropout of whole channels (Keras's {@code SpatialDropout1D/2D}). In training each channel of
 * each sample is set to 0 with probability {@code rate} and the kept ones are scaled by
 * {@code 1 / (1 − rate)}; at inference the input passes unchanged. Neighbouring cells of a feature
 * map are strongly correlated, so dropping cells one by one would hardly regularize. No weights.
 *
 * @param <T> the concrete layer, which every fluent option returns
 */
public abstract class SpatialDropout<T extends SpatialDropout<T>> extends SpatialLayer<T> {

    private final int rank;
    private final DropoutNoise noise;

    /**
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    SpatialDropout(int rank, double rate, Long seed) {
        this.rank = rank;
        this.noise = new DropoutNoise(className(), rate, seed);
    }

    /** The fraction of channels dropped in training. */
    public double rate() {
        return noise.rate();
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        Spatial.requireRank(label(), inputShape, rank, format());
        return inputShape.clone();
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        if (!training || noise.rate() == 0) {
            return inputs;
        }
        int[] shape = new int[inputs.rank()];
        Arrays.fill(shape, 1);
        shape[0] = inputs.dim(0);
        int channelAxis = channelAxis(inputs.rank());
        shape[channelAxis] = inputs.dim(channelAxis);
        return K.multiply(inputs, K.multiply(noise.keepMask(inputs, shape), 1 / (1 - noise.rate())));
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("rate", noise.rate(), "seed", noise.seed(), "data_format", format());
    }

    /** The rate and seed of Keras's config, which has no noise shape. */
    static double rate(ConfigReader c) {
        c.requireNull("noise_shape");
        return c.getDouble("rate");
    }

    /** The mask passes on unchanged: dropout keeps the steps, as Keras's does. */
    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return mask;
    }
}
