package cthulhu.losses;

import cthulhu.backend.Tensor;

import java.util.Map;

/**
 * Keras 3's {@code BinaryCrossentropy(from_logits, label_smoothing)}; see
 * {@link Losses#binaryCrossentropy(Tensor, Tensor, boolean, double)}. With the defaults (false, 0)
 * it computes the loss named {@code binary_crossentropy}; targets are smoothed to
 * {@code y · (1 − s) + s/2}.
 */
public final class BinaryCrossentropy extends SmoothedCrossentropy {

    /**
     * @param fromLogits whether predictions are logits rather than probabilities
     * @param labelSmoothing in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]}
     */
    public BinaryCrossentropy(boolean fromLogits, double labelSmoothing) {
        super(fromLogits, labelSmoothing);
    }

    /** Rebuilds the loss from its Keras config; missing keys take Keras's defaults (false, 0). */
    public static BinaryCrossentropy fromConfig(Map<String, Object> config) {
        return new BinaryCrossentropy(Losses.flag(config, "from_logits"), Losses.number(config, "label_smoothing", 0));
    }

    @Override
    public Tensor apply(Tensor yTrue, Tensor yPred) {
        return Losses.binaryCrossentropy(yTrue, yPred, fromLogits(), labelSmoothing());
    }

    @Override
    public String className() {
        return "BinaryCrossentropy";
    }
}
