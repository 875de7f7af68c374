package cthulhu.metrics;

import cthulhu.backend.Tensor;

/**
 * Keras 3's {@code TruePositives}, {@code FalsePositives}, {@code TrueNegatives} and
 * {@code FalseNegatives}: how many elements since the last reset fall in one cell of the
 * confusion matrix, a prediction above {@code threshold} (default 0.5) counting as positive and
 * a target above 0.5 as true. Named {@code true_positives}, {@code false_positives},
 * {@code true_negatives}, {@code false_negatives}.
 */
public final class ConditionCount implements StatefulMetric {

    /** The confusion-matrix cell counted. */
    public enum Condition {
        /** Positive prediction, true target ({@code TruePositives}). */
        TRUE_POSITIVES,
        /** Positive prediction, false target ({@code FalsePositives}). */
        FALSE_POSITIVES,
        /** Negative prediction, false target ({@code TrueNegatives}). */
        TRUE_NEGATIVES,
        /** Negative prediction, true target ({@code FalseNegatives}). */
        FALSE_NEGATIVES
    }

    private final Condition condition;
    private final ConfusionCounts counts;

    /** At Keras's threshold 0.5. */
    public ConditionCount(Condition condition) {
        this(condition, 0.5);
    }

    /** @throws IllegalArgumentException if {@code threshold} is outside {@code [0, 1]} */
    public ConditionCount(Condition condition, double threshold) {
        this.condition = condition;
        counts = new ConfusionCounts(Recall.checkThreshold(condition.name().toLowerCase(java.util.Locale.ROOT), threshold));
    }

    @Override
    public void reset() {
        counts.reset();
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        counts.update(condition.name().toLowerCase(java.util.Locale.ROOT), yTrue, yPred);
    }

    @Override
    public double result() {
        return switch (condition) {
            case TRUE_POSITIVES -> counts.tp[0];
            case FALSE_POSITIVES -> counts.fp[0];
            case TRUE_NEGATIVES -> counts.tn[0];
            case FALSE_NEGATIVES -> counts.fn[0];
        };
    }
}
