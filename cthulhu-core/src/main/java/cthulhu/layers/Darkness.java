package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;

/**
 * Darkness, dropout (Keras's {@code Dropout}): in training, each input element is set to 0 with
 * probability {@code rate} and the kept ones are scaled by {@code 1 / (1 - rate)}, so that the
 * expected output equals the input; at inference the layer returns its input unchanged. A fresh
 * mask is drawn on every training call. No weights.
 */
public final class Darkness extends ShapePreservingLayer {

    private final DropoutNoise noise;
    private Integer[] noiseShape;

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

    /**
     * Keras's {@code noise_shape}: the shape of the dropout mask, which is broadcast over the
     * input, so that an axis of size 1 drops the same units at every position along it (for
     * inputs {@code (batch, timesteps, features)}, {@code noiseShape(null, 1, null)} drops the same
     * features at every time step). A null dimension takes the input's size. Null (the default)
     * draws one mask element per input element.
     *
     * @return this layer
     * @throws IllegalArgumentException if a dimension is below 1
     */
    public Darkness noiseShape(Integer... shape) {
        if (shape != null) {
            for (Integer d : shape) {
                if (d != null && d < 1) {
                    throw new IllegalArgumentException("Darkness " + getName() + ": noise_shape dimensions must be at least 1"
                            + " or null (the input's size), got " + Arrays.toString(shape));
                }
            }
        }
        this.noiseShape = shape == null ? null : shape.clone();
        return this;
    }

    /** The mask's shape as given to {@link #noiseShape}, or null. */
    public Integer[] noiseShape() {
        return noiseShape == null ? null : noiseShape.clone();
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
        return K.multiply(inputs, K.multiply(noise.keepMask(maskShape(inputs.shape()), inputs.dtype()), 1 / (1 - noise.rate())));
    }

    /**
     * The noise shape resolved against the input's.
     *
     * @throws IllegalArgumentException naming both shapes when the mask does not broadcast to the input
     */
    private int[] maskShape(int[] input) {
        if (noiseShape == null) {
            return input;
        }
        int[] mask = new int[input.length];
        boolean fits = noiseShape.length == input.length;
        for (int i = 0; fits && i < input.length; i++) {
            mask[i] = noiseShape[i] == null ? input[i] : noiseShape[i];
            fits = mask[i] == input[i] || mask[i] == 1;
        }
        if (!fits) {
            throw new IllegalArgumentException("Darkness " + getName() + ": noise_shape " + Arrays.toString(noiseShape)
                    + " does not broadcast to the input's shape " + Arrays.toString(input) + "; give each axis the input's"
                    + " size, 1 or null, batch axis included");
        }
        return mask;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "rate", noise.rate(),
                "noise_shape", noiseShape == null ? null : Arrays.asList(noiseShape),
                "seed", noise.seed());
    }
}
