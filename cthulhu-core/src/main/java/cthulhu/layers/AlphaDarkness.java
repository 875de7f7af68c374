package cthulhu.layers;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * AlphaDarkness, alpha dropout (Keras's {@code AlphaDropout}), the dropout of self-normalising
 * networks ({@code selu} units, Klambauer et al., 2017): it keeps the mean and variance of its
 * input, so that a {@code selu} network stays normalised while training.
 *
 * <p>In training, each element is kept with probability {@code 1 - rate} and otherwise set to
 * {@code α' = -λα = }{@value #ALPHA_PRIME} (selu's negative saturation value); then the affine map
 * {@code a · x + b} restores zero mean and unit variance, with
 * {@code a = ((1 - rate)(1 + rate · α'²))^(-1/2)} and {@code b = -a · α' · rate}:
 * <pre>{@code
 * output = a · (x · keep + α' · (1 - keep)) + b
 * }</pre>
 * At inference (and for rate 0) the layer returns its input unchanged. No weights.
 */
public final class AlphaDarkness extends ShapePreservingLayer {

    /** {@code -λα} of selu: -1.6732632423543772 · 1.0507009873554805 = -1.7580993408473766. */
    public static final double ALPHA_PRIME = -Activations.SELU_ALPHA * Activations.SELU_SCALE;

    private final DropoutNoise noise;

    /**
     * Unseeded alpha dropout: masks come from {@link cthulhu.initializers.Seeds}.
     *
     * @param rate the fraction of inputs to drop, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public AlphaDarkness(double rate) {
        this(rate, null);
    }

    /**
     * Seeded alpha dropout: the sequence of masks repeats from run to run.
     *
     * @param rate the fraction of inputs to drop, in {@code [0, 1)}
     * @param seed the seed of the mask sequence; null for unseeded
     * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)}
     */
    public AlphaDarkness(double rate, Long seed) {
        this.noise = new DropoutNoise("AlphaDarkness", rate, seed);
    }

    /** The fraction of inputs dropped in training. */
    public double rate() {
        return noise.rate();
    }

    @Override
    public String className() {
        return "AlphaDropout";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        double rate = noise.rate();
        if (!training || rate == 0) {
            return inputs;
        }
        double a = Math.pow((1 - rate) * (1 + rate * ALPHA_PRIME * ALPHA_PRIME), -0.5);
        double b = -a * ALPHA_PRIME * rate;
        Tensor keep = noise.keepMask(inputs);
        // x · keep + α' · (1 - keep) = (x - α') · keep + α'
        Tensor masked = K.add(K.multiply(K.subtract(inputs, ALPHA_PRIME), keep), ALPHA_PRIME);
        return K.add(K.multiply(masked, a), b);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("rate", noise.rate(), "seed", noise.seed());
    }
}
