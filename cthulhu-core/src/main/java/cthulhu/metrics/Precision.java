package cthulhu.metrics;

import cthulhu.backend.Tensor;

/**
 * Keras 3's {@code Precision}: {@code TP / (TP + FP)} over every element since the last reset,
 * a prediction above {@code threshold} (default 0.5) counting as positive; 0 before any positive
 * prediction. Named {@code precision}.
 */
public final class Precision implements StatefulMetric {

    private final ConfusionCounts counts;

    /** At Keras's threshold 0.5. */
    public Precision() {
        this(0.5);
    }

    /** @throws IllegalArgumentException if {@code threshold} is outside {@code [0, 1]} */
    public Precision(double threshold) {
        counts = new ConfusionCounts(Recall.checkThreshold("Precision", threshold));
    }

    @Override
    public void reset() {
        counts.reset();
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        counts.update("precision", yTrue, yPred);
    }

    @Override
    public double result() {
        return ConfusionCounts.ratio(counts.tp[0], counts.tp[0] + counts.fp[0]);
    }
}
