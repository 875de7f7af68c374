package cthulhu.callbacks;


import java.io.PrintStream;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Stops training at the first batch whose loss is NaN or infinite (Keras's {@code TerminateOnNaN}),
 * printing {@code "Batch 3 of epoch 0: invalid loss NaN, terminating training"}.
 */
public final class TerminateOnNaN extends ModelCallback {

    private final PrintStream out;
    private int epoch;
    private Integer terminatedAt;

    /** Reports to standard output. */
    public TerminateOnNaN() {
        this(System.out);
    }

    /** Reports to {@code out}. */
    public TerminateOnNaN(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        terminatedAt = null;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss)) {
            terminatedAt = batch;
            out.println("Batch " + batch + " of epoch " + epoch + ": invalid loss " + loss + ", terminating training");
            model().setStopTraining(true);
        }
    }

    /** The batch (within its epoch) at which the last training stopped, if it did. */
    public OptionalInt terminatedAtBatch() {
        return terminatedAt == null ? OptionalInt.empty() : OptionalInt.of(terminatedAt);
    }
}
