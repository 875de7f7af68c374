package cthulhu.callbacks;

import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Stops training when a monitored quantity has stopped improving (Keras 2.2.4's
 * {@code EarlyStopping}).
 *
 * <p>After each epoch the monitored value {@code current} improves on the best so far when
 * {@code current < best − minDelta} (mode min) or {@code current > best + minDelta} (mode max);
 * then {@code best} becomes {@code current} and the wait restarts. After {@code patience} epochs
 * in a row without improvement the model's training stops, and with {@code restoreBestWeights}
 * the weights of the best epoch are put back. Defaults: monitor {@code val_loss}, minDelta 0,
 * patience 0, mode {@code auto}, no baseline, restoreBestWeights false.
 */
public final class EarlyStopping extends ModelCallback {

    private final Monitor monitor;
    private final double minDelta;
    private final int patience;
    private final Double baseline;
    private final boolean restoreBestWeights;
    private int wait;
    private int stoppedEpoch = -1;
    private double best;
    private List<Tensor> bestWeights;
    private PrintStream out;

    /** Keras's defaults: monitor {@code val_loss}, minDelta 0, patience 0, mode auto. */
    public EarlyStopping() {
        this("val_loss", 0, 0, "auto", false);
    }

    /**
     * @param monitor the log key watched, e.g. {@code "val_loss"} or {@code "accuracy"}
     * @param minDelta the smallest change that counts as an improvement (its absolute value is used)
     * @param patience the epochs without improvement after which training stops, {@code >= 0}
     * @param mode {@code "min"}, {@code "max"} or {@code "auto"} (max for names containing {@code acc})
     * @param restoreBestWeights whether to restore the best epoch's weights when stopping
     * @throws IllegalArgumentException for a negative patience or an unknown mode
     */
    public EarlyStopping(String monitor, double minDelta, int patience, String mode, boolean restoreBestWeights) {
        this(monitor, minDelta, patience, mode, null, restoreBestWeights);
    }

    /**
     * @param baseline the value the monitored quantity must beat to count as an improvement at
     *     all, or null for none
     * @see #EarlyStopping(String, double, int, String, boolean)
     */
    public EarlyStopping(String monitor, double minDelta, int patience, String mode, Double baseline,
                         boolean restoreBestWeights) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        }
        this.monitor = new Monitor("EarlyStopping", monitor, mode);
        this.minDelta = Math.abs(minDelta);
        this.patience = patience;
        this.baseline = baseline;
        this.restoreBestWeights = restoreBestWeights;
    }

    /** Prints {@code Epoch 00005: early stopping} to {@code out} when training stops; null for silence (default). */
    public EarlyStopping verbose(PrintStream out) {
        this.out = out;
        return this;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        wait = 0;
        stoppedEpoch = -1;
        best = baseline != null ? baseline : monitor.worst();
        releaseSnapshot();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double current = monitor.read("EarlyStopping", logs);
        if (monitor.improves(current, best, minDelta)) {
            best = current;
            wait = 0;
            if (restoreBestWeights) {
                releaseSnapshot();
                // The snapshot belongs to this callback, not to whatever scope is open around fit.
                bestWeights = model().getWeights().stream().map(TensorScope::detach).toList();
            }
        } else {
            wait++;
            if (wait >= patience) {
                stoppedEpoch = epoch;
                model().setStopTraining(true);
                if (restoreBestWeights && bestWeights != null) {
                    model().setWeights(bestWeights);
                }
            }
        }
    }

    private void releaseSnapshot() {
        if (bestWeights != null) {
            bestWeights.forEach(Tensor::close);
            bestWeights = null;
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        releaseSnapshot();
        if (stoppedEpoch >= 0 && out != null) {
            out.printf("Epoch %05d: early stopping%n", stoppedEpoch + 1);
        }
    }

    /** The epoch (from 0) at which training was stopped, or -1 when it ran to the end. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The best monitored value seen. */
    public double best() {
        return best;
    }
}
