package cthulhu.callbacks;


import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the training's scalars as TensorBoard event files (Keras 3's {@code TensorBoard}, scalars
 * only): under {@code logDir/train}, {@code epoch_<key>} for each epoch log (loss, metrics) and
 * {@code epoch_learning_rate}, at step = epoch; under {@code logDir/validation}, the
 * {@code val_} logs as {@code epoch_<key>}; with {@code updateFreq "batch"} also
 * {@code batch_<key>} for each batch at step = the batch's number counted over the whole run.
 * Open with {@code tensorboard --logdir <logDir>}.
 */
public final class TensorBoard extends ModelCallback {

    private final Path logDir;
    private final boolean perBatch;
    private EventFileWriter train;
    private EventFileWriter validation;
    private long batches;

    /** Per-epoch scalars under {@code logDir}. */
    public TensorBoard(Path logDir) {
        this(logDir, "epoch");
    }

    /**
     * @param updateFreq {@code "epoch"} or {@code "batch"} (per-batch scalars too)
     * @throws IllegalArgumentException for another value
     */
    public TensorBoard(Path logDir, String updateFreq) {
        if (!updateFreq.equals("epoch") && !updateFreq.equals("batch")) {
            throw new IllegalArgumentException("TensorBoard: updateFreq must be \"epoch\" or \"batch\", got \"" + updateFreq + "\"");
        }
        this.logDir = logDir;
        this.perBatch = updateFreq.equals("batch");
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        train = new EventFileWriter(logDir.resolve("train"));
        validation = null;
        batches = 0;
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        if (perBatch) {
            for (Map.Entry<String, Double> e : logs.entrySet()) {
                if (!e.getKey().equals("batch") && !e.getKey().equals("size")) {
                    train.scalar("batch_" + e.getKey(), e.getValue(), batches);
                }
            }
        }
        batches++;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("val_")) {
                if (validation == null) {
                    validation = new EventFileWriter(logDir.resolve("validation"));
                }
                validation.scalar("epoch_" + key.substring(4), e.getValue(), epoch);
            } else if (!key.equals("lr")) {
                train.scalar("epoch_" + key, e.getValue(), epoch);
            }
        }
        train.scalar("epoch_learning_rate", LearningRates.current(model().getOptimizer()), epoch);
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        train.close();
        if (validation != null) {
            validation.close();
        }
    }
}
