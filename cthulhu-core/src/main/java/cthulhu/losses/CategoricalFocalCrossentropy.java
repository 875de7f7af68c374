package cthulhu.losses;

import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras 3's {@code CategoricalFocalCrossentropy(alpha, gamma, from_logits, label_smoothing)}; see
 * {@link Losses#categoricalFocalCrossentropy}. With Keras's defaults (0.25, 2, false, 0) it
 * computes the loss named {@code categorical_focal_crossentropy}.
 *
 * @param alpha the weight of every class, in {@code [0, 1]}
 * @param gamma the focusing exponent, {@code >= 0}
 * @param fromLogits whether predictions are logits rather than probabilities
 * @param labelSmoothing in {@code [0, 1]}
 */
public record CategoricalFocalCrossentropy(double alpha, double gamma, boolean fromLogits, double labelSmoothing)
        implements ParameterizedLoss {

    /** @throws IllegalArgumentException for an argument out of range, naming it */
    public CategoricalFocalCrossentropy {
        FocalArguments.check("CategoricalFocalCrossentropy", alpha, gamma);
        Losses.checkLabelSmoothing(labelSmoothing);
    }

    /** Rebuilds the loss from its Keras config; missing keys take Keras's defaults. */
    public static CategoricalFocalCrossentropy fromConfig(Map<String, Object> config) {
        return new CategoricalFocalCrossentropy(Losses.number(config, "alpha", 0.25), Losses.number(config, "gamma", 2),
                Losses.flag(config, "from_logits"), Losses.number(config, "label_smoothing", 0));
    }

    @Override
    public Tensor apply(Tensor yTrue, Tensor yPred) {
        return Losses.categoricalFocalCrossentropy(yTrue, yPred, alpha, gamma, fromLogits, labelSmoothing);
    }

    @Override
    public String className() {
        return "CategoricalFocalCrossentropy";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("alpha", alpha, "gamma", gamma, "from_logits", fromLogits, "label_smoothing", labelSmoothing);
    }
}
