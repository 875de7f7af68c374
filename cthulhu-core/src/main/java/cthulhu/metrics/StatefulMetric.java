package cthulhu.metrics;

import cthulhu.backend.Tensor;

/**
 * A metric accumulated over every batch since the last {@link #reset} (Keras 3's stateful
 * metrics such as {@code Precision}, {@code Recall} and {@code AUC}): a model resets it when an
 * epoch or an evaluation starts, updates it with each batch, and reports {@link #result} — the
 * value over all the samples seen, not an average of per-batch values. One instance belongs to
 * one model; {@link Metrics#stateful(String)} makes a new one per name.
 */
public interface StatefulMetric {

    /** Forgets every sample seen. */
    void reset();

    /**
     * Adds a batch: every element of {@code yPred} against the element of {@code yTrue} at the
     * same place (targets 0 or 1, predictions probabilities).
     *
     * @throws IllegalArgumentException when the two shapes differ, naming both
     */
    void update(Tensor yTrue, Tensor yPred);

    /** The metric over every sample since the last reset; 0 before any. */
    double result();
}
