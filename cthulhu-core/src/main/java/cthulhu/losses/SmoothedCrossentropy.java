package cthulhu.losses;
import cthulhu.config.Configs;

import java.util.Map;
import java.util.Objects;

/**
 * What Keras 3's {@code BinaryCrossentropy} and {@code CategoricalCrossentropy} share: the
 * {@code from_logits} and {@code label_smoothing} arguments, their check, config and equality.
 */
abstract class SmoothedCrossentropy implements ParameterizedLoss {

    private final boolean fromLogits;
    private final double labelSmoothing;

    /** @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]} */
    SmoothedCrossentropy(boolean fromLogits, double labelSmoothing) {
        Losses.checkLabelSmoothing(labelSmoothing);
        this.fromLogits = fromLogits;
        this.labelSmoothing = labelSmoothing;
    }

    /** Whether predictions are logits rather than probabilities. */
    public boolean fromLogits() {
        return fromLogits;
    }

    /** The label smoothing, in {@code [0, 1]}. */
    public double labelSmoothing() {
        return labelSmoothing;
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("from_logits", fromLogits, "label_smoothing", labelSmoothing);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((SmoothedCrossentropy) o).fromLogits == fromLogits
                && Double.compare(((SmoothedCrossentropy) o).labelSmoothing, labelSmoothing) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), fromLogits, labelSmoothing);
    }

    @Override
    public String toString() {
        return className() + getConfig();
    }
}
