package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Darkness, dropout (Keras's {@code Dropout}): in training, each input element is set to 0 with
 * probability {@code rate} and the kept ones are scaled by {@code 1 / (1 - rate)}, so that the
 * expected output equals the input; at inference the layer returns its input unchanged. A fresh
 * mask is drawn on every training call. No weights.
 */
public final class Darkness extends ShapePreservingLayer {

    private final DropoutNoise noise;

    /**
     * Unseeded dropout: masks come from {@link cthulhu.initializers.Seeds}.
     *
     * @param rate the fraction of inputs to drop, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public Darkness(double rate) {
        this(rate, null);
    }

    /**
     * Seeded dropout: the sequence of masks repeats from run to run.
     *
     * @param rate the fraction of inputs to drop, in {@code [0, 1)}
     * @param seed the seed of the mask sequence; null for unseeded
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public Darkness(double rate, Long seed) {
        this.noise = new DropoutNoise("Darkness", rate, seed);
    }

    /** The fraction of inputs dropped in training. */
    public double rate() {
        return noise.rate();
    }

    @Override
    public String className() {
        return "Dropout";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        if (!training || noise.rate() == 0) {
            return inputs;
        }
        return K.multiply(inputs, K.multiply(noise.keepMask(inputs), 1 / (1 - noise.rate())));
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("rate", noise.rate());
        config.put("seed", noise.seed());
        return config;
    }
}
