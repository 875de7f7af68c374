package cthulhu.callbacks;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A callback made of functions (Keras's {@code LambdaCallback}): each hook set with the fluent
 * methods runs at its point of training; unset hooks do nothing.
 *
 * <pre>{@code
 * new LambdaCallback().onEpochEnd((epoch, logs) -> System.out.println(epoch + " " + logs.get("loss")))
 * }</pre>
 */
public final class LambdaCallback implements Callback {

    /** A hook that receives an epoch or batch index and the logs. */
    @FunctionalInterface
    public interface IndexedHook {
        /** Runs the hook. */
        void accept(int index, Map<String, Double> logs);
    }

    private IndexedHook epochBegin = (i, l) -> { };
    private IndexedHook epochEnd = (i, l) -> { };
    private IndexedHook batchBegin = (i, l) -> { };
    private IndexedHook batchEnd = (i, l) -> { };
    private Consumer<Map<String, Double>> trainBegin = l -> { };
    private Consumer<Map<String, Double>> trainEnd = l -> { };

    /** Runs {@code hook} at the start of each epoch. */
    public LambdaCallback onEpochBegin(IndexedHook hook) {
        this.epochBegin = hook;
        return this;
    }

    /** Runs {@code hook} at the end of each epoch. */
    public LambdaCallback onEpochEnd(IndexedHook hook) {
        this.epochEnd = hook;
        return this;
    }

    /** Runs {@code hook} before each batch. */
    public LambdaCallback onBatchBegin(IndexedHook hook) {
        this.batchBegin = hook;
        return this;
    }

    /** Runs {@code hook} after each batch. */
    public LambdaCallback onBatchEnd(IndexedHook hook) {
        this.batchEnd = hook;
        return this;
    }

    /** Runs {@code hook} at the start of training. */
    public LambdaCallback onTrainBegin(Consumer<Map<String, Double>> hook) {
        this.trainBegin = hook;
        return this;
    }

    /** Runs {@code hook} at the end of training. */
    public LambdaCallback onTrainEnd(Consumer<Map<String, Double>> hook) {
        this.trainEnd = hook;
        return this;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        trainBegin.accept(logs);
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        trainEnd.accept(logs);
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        epochBegin.accept(epoch, logs);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochEnd.accept(epoch, logs);
    }

    @Override
    public void onBatchBegin(int batch, Map<String, Double> logs) {
        batchBegin.accept(batch, logs);
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        batchEnd.accept(batch, logs);
    }
}
