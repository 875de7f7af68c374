package cthulhu.callbacks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records each epoch's logs (Keras's {@code History}); {@link cthulhu.models.Model#fit}
 * returns one. Keys are {@code loss}, then each compiled metric by the name it was compiled with
 * ({@code accuracy}, …), then {@code val_loss} and {@code val_<metric>} when validating.
 */
public final class History implements Callback {

    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epochs = new ArrayList<>();

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        history.clear();
        epochs.clear();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochs.add(epoch);
        logs.forEach((k, v) -> history.computeIfAbsent(k, key -> new ArrayList<>()).add(v));
    }

    /** Each log key's values, one per epoch run, in order; unmodifiable. */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        history.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
        return Collections.unmodifiableMap(copy);
    }

    /** The indices (from 0) of the epochs run. */
    public List<Integer> epoch() {
        return List.copyOf(epochs);
    }

    /**
     * Writes the loss and metric curves, training and validation, against the epoch as a PNG
     * chart (one panel per quantity), replacing {@code path} atomically.
     *
     * @throws IllegalArgumentException when {@code path} does not end in {@code .png} or no epoch was recorded
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    public void plot(Path path) {
        CurvePlot.write(history, epochs, path);
    }

    @Override
    public String toString() {
        return "History" + history;
    }
}
