package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.config.KerasVersion;

import java.util.Map;

/**
 * Thresholded rectified linear unit (Keras's {@code ThresholdedReLU}): {@code x} for
 * {@code x > theta}, 0 otherwise. No weights.
 */
public final class ThresholdedReLU extends ShapePreservingLayer {

    private final double theta;

    /** With {@code theta = 1}, Keras's default. */
    public ThresholdedReLU() {
        this(1.0);
    }

    /** @param theta the threshold below and at which the output is 0 */
    public ThresholdedReLU(double theta) {
        this.theta = theta;
    }

    /** The threshold. */
    public double theta() {
        return theta;
    }

    @Override
    public String className() {
        return "ThresholdedReLU";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return K.multiply(inputs, K.greater(inputs, theta));
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("theta", theta);
    }

    /**
     * Keras 2's configuration.
     *
     * @throws IllegalArgumentException for Keras 3, which has no ThresholdedReLU layer
     */
    @Override
    public Map<String, Object> getConfig(KerasVersion version) {
        if (version.isKeras3()) {
            throw new IllegalArgumentException("Layer " + getName() + " is a ThresholdedReLU, which Keras 3 removed, so"
                    + " Keras 3 could not load the file; save the model in cthulhu's own format, or replace the layer by"
                    + " ReLU(null, 0, theta), which differs only at x = theta");
        }
        return getConfig();
    }
}
