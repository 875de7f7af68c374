package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Exponential linear unit (Keras's {@code ELU}): {@code x} for {@code x > 0},
 * {@code alpha · (e^x - 1)} otherwise. No weights.
 */
public final class ELU extends ShapePreservingLayer {

    private final double alpha;

    /** With {@code alpha = 1}, Keras's default. */
    public ELU() {
        this(1.0);
    }

    /** @param alpha the scale of the negative part */
    public ELU(double alpha) {
        this.alpha = alpha;
    }

    /** The scale of the negative part. */
    public double alpha() {
        return alpha;
    }

    @Override
    public String className() {
        return "ELU";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return K.elu(inputs, alpha);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("alpha", alpha);
    }
}
