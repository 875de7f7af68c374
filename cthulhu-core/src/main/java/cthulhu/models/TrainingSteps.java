package cthulhu.models;

import cthulhu.callbacks.Callback;

/**
 * The steps of a fit computed outside the model's own batching, as
 * {@link Model#fit(TrainingSteps, FitOptions)} drives them: a data-parallel trainer takes each step
 * on its shards (with {@link Model#computeGradients} or local {@link Model#trainOnBatch} steps)
 * while the model's loop runs the epochs, the callbacks, the progress bar, the epoch means, the
 * validation and the {@link cthulhu.callbacks.History} exactly as for a fit on tensors.
 */
public interface TrainingSteps {

    /** The training samples of one epoch, as the callbacks' {@code samples} parameter. */
    int samples();

    /** The steps of one epoch, {@code >= 1}; each is one "batch" for the callbacks. */
    int steps();

    /**
     * Called at the start of each epoch, after the callbacks' {@link Callback#onEpochBegin}, before
     * its first step; does nothing by default.
     */
    default void beginEpoch(int epoch) {
    }

    /** The number of samples step {@code step} (from 0) of {@code epoch} trains on, known before it runs. */
    int size(int epoch, int step);

    /**
     * Takes step {@code step} of {@code epoch}, leaving the model with the updated weights.
     *
     * @return the step's logged values before the update, averaged over its samples, in the
     *     model's order: the loss, then the compiled metrics
     */
    double[] train(int epoch, int step);
}
