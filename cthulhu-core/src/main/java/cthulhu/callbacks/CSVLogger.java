package cthulhu.callbacks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes each epoch's logs as a row of a CSV file (Keras's {@code CSVLogger}): the header
 * {@code epoch} then the log keys in sorted order, one row per epoch. With {@code append} the
 * rows go after those of an earlier run and the header is written only to an empty or new file.
 * Defaults: separator {@code ","}, no append.
 */
public final class CSVLogger implements Callback {

    private final Path file;
    private final String separator;
    private final boolean append;
    private BufferedWriter writer;
    private List<String> keys;

    /** A logger that overwrites {@code file}. */
    public CSVLogger(Path file) {
        this(file, ",", false);
    }

    /**
     * @param file the CSV file; its directory must exist
     * @param separator the field separator
     * @param append whether to add rows to an existing file instead of replacing it
     */
    public CSVLogger(Path file, String separator, boolean append) {
        this.file = file;
        this.separator = separator;
        this.append = append;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        try {
            boolean continuing = append && Files.exists(file) && Files.size(file) > 0;
            writer = Files.newBufferedWriter(file, StandardOpenOption.CREATE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            keys = continuing ? List.of() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot open " + file, e);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        try {
            if (keys == null || keys.isEmpty()) {
                boolean header = keys == null;
                keys = new ArrayList<>(new TreeSet<>(logs.keySet()));
                if (header) {
                    writer.write("epoch" + separator + String.join(separator, keys));
                    writer.newLine();
                }
            }
            StringBuilder row = new StringBuilder().append(epoch);
            for (String k : keys) {
                Double v = logs.get(k);
                row.append(separator).append(v == null ? "NA" : v.toString());
            }
            writer.write(row.toString());
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot write to " + file, e);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot close " + file, e);
        }
    }
}
