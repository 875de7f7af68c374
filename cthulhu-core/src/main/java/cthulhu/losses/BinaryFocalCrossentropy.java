package cthulhu.losses;

import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras 3's {@code BinaryFocalCrossentropy(apply_class_balancing, alpha, gamma, from_logits,
 * label_smoothing)}; see {@link Losses#binaryFocalCrossentropy}. With Keras's defaults (false,
 * 0.25, 2, false, 0) it computes the loss named {@code binary_focal_crossentropy}.
 *
 * @param applyClassBalancing whether each element is also weighted α (target 1) or 1 − α (target 0)
 * @param alpha the weight of class 1, in {@code [0, 1]}
 * @param gamma the focusing exponent, {@code >= 0}
 * @param fromLogits whether predictions are logits rather than probabilities
 * @param labelSmoothing in {@code [0, 1]}
 */
public record BinaryFocalCrossentropy(boolean applyClassBalancing, double alpha, double gamma, boolean fromLogits,
                                      double labelSmoothing) implements ParameterizedLoss {

    /** @throws IllegalArgumentException for an argument out of range, naming it */
    public BinaryFocalCrossentropy {
        FocalArguments.check("BinaryFocalCrossentropy", alpha, gamma);
        Losses.checkLabelSmoothing(labelSmoothing);
    }

    /** Rebuilds the loss from its Keras config; missing keys take Keras's defaults. */
    public static BinaryFocalCrossentropy fromConfig(Map<String, Object> config) {
        return new BinaryFocalCrossentropy(Losses.flag(config, "apply_class_balancing"), Losses.number(config, "alpha", 0.25),
                Losses.number(config, "gamma", 2), Losses.flag(config, "from_logits"), Losses.number(config, "label_smoothing", 0));
    }

    @Override
    public Tensor apply(Tensor yTrue, Tensor yPred) {
        return Losses.binaryFocalCrossentropy(yTrue, yPred, applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing);
    }

    @Override
    public String className() {
        return "BinaryFocalCrossentropy";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("apply_class_balancing", applyClassBalancing, "alpha", alpha, "gamma", gamma,
                "from_logits", fromLogits, "label_smoothing", labelSmoothing);
    }
}
