package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Rectified linear unit (Keras's {@code ReLU} layer): {@code x} for {@code x > threshold}
 * (clipped to {@code [0, maxValue]} when {@code maxValue} is given), and
 * {@code negativeSlope · (x - threshold)} otherwise. With the defaults (no maximum, slope 0,
 * threshold 0) it is {@code max(x, 0)}. No weights.
 */
public final class ReLU extends ShapePreservingLayer {

    private final Double maxValue;
    private final double negativeSlope;
    private final double threshold;

    /** {@code max(x, 0)}: no maximum, slope 0, threshold 0. */
    public ReLU() {
        this(null, 0, 0);
    }

    /**
     * @param maxValue the saturation value, non-negative; null for none
     * @param negativeSlope the slope below the threshold, non-negative
     * @param threshold the threshold
     * @throws IllegalArgumentException {@code "maxValue of a ReLU layer cannot be a negative value: -1.0"},
     *     {@code "negativeSlope of a ReLU layer cannot be a negative value: -0.1"}
     */
    public ReLU(Double maxValue, double negativeSlope, double threshold) {
        if (maxValue != null && maxValue < 0) {
            throw new IllegalArgumentException("maxValue of a ReLU layer cannot be a negative value: " + maxValue);
        }
        if (negativeSlope < 0) {
            throw new IllegalArgumentException("negativeSlope of a ReLU layer cannot be a negative value: " + negativeSlope);
        }
        this.maxValue = maxValue;
        this.negativeSlope = negativeSlope;
        this.threshold = threshold;
    }

    /** The saturation value, or null. */
    public Double maxValue() {
        return maxValue;
    }

    /** The slope below the threshold. */
    public double negativeSlope() {
        return negativeSlope;
    }

    /** The threshold. */
    public double threshold() {
        return threshold;
    }

    @Override
    public String className() {
        return "ReLU";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return K.relu(inputs, negativeSlope, maxValue, threshold);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("max_value", maxValue, "negative_slope", negativeSlope, "threshold", threshold);
    }
}
