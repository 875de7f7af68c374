package cthulhu.losses;

import cthulhu.backend.Tensor;

import java.util.Map;

/**
 * Keras 3's {@code CategoricalCrossentropy(from_logits, label_smoothing)}; see
 * {@link Losses#categoricalCrossentropy(Tensor, Tensor, boolean, double)}. With the defaults (false, 0)
 * it computes the loss named {@code categorical_crossentropy}; targets are smoothed to
 * {@code y · (1 − s) + s/classes}.
 */
public final class CategoricalCrossentropy extends SmoothedCrossentropy {

    /**
     * @param fromLogits whether predictions are logits rather than probabilities
     * @param labelSmoothing in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]}
     */
    public CategoricalCrossentropy(boolean fromLogits, double labelSmoothing) {
        super(fromLogits, labelSmoothing);
    }

    /** Rebuilds the loss from its Keras config; missing keys take Keras's defaults (false, 0). */
    public static CategoricalCrossentropy fromConfig(Map<String, Object> config) {
        return new CategoricalCrossentropy(Losses.flag(config, "from_logits"), Losses.number(config, "label_smoothing", 0));
    }

    @Override
    public Tensor apply(Tensor yTrue, Tensor yPred) {
        return Losses.categoricalCrossentropy(yTrue, yPred, fromLogits(), labelSmoothing());
    }

    @Override
    public String className() {
        return "CategoricalCrossentropy";
    }

    @Override
    public String targetHint(int[] outputShape, int[] targetShape) {
        return Losses.get("categorical_crossentropy").targetHint(outputShape, targetShape);
    }
}
