package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.config.KerasVersion;

import java.util.Map;

/**
 * Leaky rectified linear unit (Keras's {@code LeakyReLU}): {@code x} for {@code x > 0},
 * {@code alpha · x} otherwise. No weights.
 */
public final class LeakyReLU extends ShapePreservingLayer {

    private final double alpha;

    /** With {@code alpha = 0.3}, Keras's default. */
    public LeakyReLU() {
        this(0.3);
    }

    /** @param alpha the slope for negative inputs */
    public LeakyReLU(double alpha) {
        this.alpha = alpha;
    }

    /** The slope for negative inputs. */
    public double alpha() {
        return alpha;
    }

    @Override
    public String className() {
        return "LeakyReLU";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return K.relu(inputs, alpha, null, 0);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("alpha", alpha);
    }

    /** Keras 3 names {@code alpha} {@code negative_slope}. */
    @Override
    public Map<String, Object> getConfig(KerasVersion version) {
        Map<String, Object> config = getConfig();
        if (version.isKeras3()) {
            config.put("negative_slope", config.remove("alpha"));
        }
        return config;
    }
}
