package cthulhu.losses;

import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.List;
import java.util.Map;

/**
 * Keras 3's {@code SparseCategoricalCrossentropy(from_logits)}; see
 * {@link Losses#sparseCategoricalCrossentropy(Tensor, Tensor, boolean)}. With {@code fromLogits}
 * false it computes the loss named {@code sparse_categorical_crossentropy}.
 *
 * @param fromLogits whether predictions are logits rather than probabilities
 */
public record SparseCategoricalCrossentropy(boolean fromLogits) implements ParameterizedLoss {

    /** Rebuilds the loss from its Keras config; a missing {@code from_logits} is false. */
    public static SparseCategoricalCrossentropy fromConfig(Map<String, Object> config) {
        return new SparseCategoricalCrossentropy(Losses.flag(config, "from_logits"));
    }

    @Override
    public Tensor apply(Tensor yTrue, Tensor yPred) {
        return Losses.sparseCategoricalCrossentropy(yTrue, yPred, fromLogits);
    }

    @Override
    public String className() {
        return "SparseCategoricalCrossentropy";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("from_logits", fromLogits);
    }

    /** Integer labels, as the loss named {@code sparse_categorical_crossentropy}. */
    @Override
    public List<int[]> targetShapes(int[] outputShape) {
        return Losses.get("sparse_categorical_crossentropy").targetShapes(outputShape);
    }

    @Override
    public String targetHint(int[] outputShape, int[] targetShape) {
        return Losses.get("sparse_categorical_crossentropy").targetHint(outputShape, targetShape);
    }
}
