package cthulhu.callbacks;

import java.nio.file.Path;
import java.util.Map;

/**
 * Redraws the loss and metric curves, training and validation, into a PNG after every epoch, so
 * that the file shows the run so far (as livelossplot's {@code PlotLossesKeras} does in a
 * notebook); see {@link History#plot}.
 */
public final class PlotLosses implements Callback {

    private final Path path;
    private final History history = new History();

    /** @param path the PNG file, rewritten atomically after each epoch */
    public PlotLosses(Path path) {
        this.path = path;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        history.onTrainBegin(logs);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        history.onEpochEnd(epoch, logs);
        history.plot(path);
    }
}
