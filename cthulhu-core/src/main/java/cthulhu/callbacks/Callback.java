package cthulhu.callbacks;

import cthulhu.models.Model;

import java.util.Map;

/**
 * Hooks into training (Keras's {@code Callback}). {@link Model#fit} calls them in this order:
 * {@link #setModel}, {@link #setParams}, {@link #onTrainBegin}, then per epoch
 * {@link #onEpochBegin}, per batch {@link #onBatchBegin} / {@link #onBatchEnd}, then
 * {@link #onEpochEnd}, and finally {@link #onTrainEnd}. Every hook does nothing by default.
 * {@link Model#evaluate} and {@link Model#predict} with a verbosity call {@link #setModel},
 * {@link #setParams} ({@code samples}, {@code verbose}, {@code metrics}), then the test or
 * predict hooks: begin, one call per batch, end.
 *
 * <p>Logs map names to values: a batch's logs hold {@code batch}, {@code size}, {@code loss} and
 * each compiled metric for that batch; an epoch's logs hold the epoch averages of {@code loss}
 * and the metrics (weighted by batch size), plus {@code val_loss} and {@code val_<metric>} when
 * there is validation data. Epochs and batches count from 0.
 */
public interface Callback {

    /** Called once before training with the model being trained. */
    default void setModel(Model model) {
    }

    /**
     * Called once before training with its parameters: {@code epochs}, {@code steps} (batches per
     * epoch), {@code samples}, {@code validation_samples} (0 without validation), {@code verbose},
     * {@code batch_size} and {@code metrics} (the log keys of an epoch, in display order, as a
     * {@code List<String>}).
     */
    default void setParams(Map<String, Object> params) {
    }

    /** At the start of training. */
    default void onTrainBegin(Map<String, Double> logs) {
    }

    /** At the end of training, after the last epoch or when training stops early. */
    default void onTrainEnd(Map<String, Double> logs) {
    }

    /** At the start of an epoch. */
    default void onEpochBegin(int epoch, Map<String, Double> logs) {
    }

    /** At the end of an epoch, with its averages and validation values. */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    /** Before a training batch, with its {@code batch} index and {@code size}. */
    default void onBatchBegin(int batch, Map<String, Double> logs) {
    }

    /** After a training batch, with its loss and metrics. */
    default void onBatchEnd(int batch, Map<String, Double> logs) {
    }

    /** At the start of {@link Model#evaluate} run with these callbacks (Keras's {@code on_test_begin}). */
    default void onTestBegin(Map<String, Double> logs) {
    }

    /** After an evaluation batch, with its {@code batch} index, {@code size} and values (Keras's {@code on_test_batch_end}). */
    default void onTestBatchEnd(int batch, Map<String, Double> logs) {
    }

    /** At the end of an evaluation, with its values averaged over the samples (Keras's {@code on_test_end}). */
    default void onTestEnd(Map<String, Double> logs) {
    }

    /** At the start of {@link Model#predict} run with these callbacks (Keras's {@code on_predict_begin}). */
    default void onPredictBegin(Map<String, Double> logs) {
    }

    /** After a prediction batch, with its {@code batch} index and {@code size} (Keras's {@code on_predict_batch_end}). */
    default void onPredictBatchEnd(int batch, Map<String, Double> logs) {
    }

    /** At the end of a prediction (Keras's {@code on_predict_end}). */
    default void onPredictEnd(Map<String, Double> logs) {
    }

    /**
     * Called after {@link #onTrainBegin}, in callback order, with the epoch training would start
     * at; returns the epoch to start at. A callback that restores an interrupted run
     * ({@link BackupAndRestore}) returns the epoch it reached; the default keeps {@code planned}.
     */
    default int initialEpoch(int planned) {
        return planned;
    }
}
