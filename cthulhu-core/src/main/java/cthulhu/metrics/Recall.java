package cthulhu.metrics;

import cthulhu.backend.Tensor;

/**
 * Keras 3's {@code Recall}: {@code TP / (TP + FN)} over every element since the last reset, a
 * prediction above {@code threshold} (default 0.5) counting as positive; 0 before any positive
 * target. Named {@code recall}.
 */
public final class Recall implements StatefulMetric {

    private final ConfusionCounts counts;

    /** At Keras's threshold 0.5. */
    public Recall() {
        this(0.5);
    }

    /** @throws IllegalArgumentException if {@code threshold} is outside {@code [0, 1]} */
    public Recall(double threshold) {
        counts = new ConfusionCounts(checkThreshold("Recall", threshold));
    }

    static double checkThreshold(String metric, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException(metric + ": threshold must be in [0, 1], got " + threshold);
        }
        return threshold;
    }

    @Override
    public void reset() {
        counts.reset();
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        counts.update("recall", yTrue, yPred);
    }

    @Override
    public double result() {
        return ConfusionCounts.ratio(counts.tp[0], counts.tp[0] + counts.fn[0]);
    }
}
