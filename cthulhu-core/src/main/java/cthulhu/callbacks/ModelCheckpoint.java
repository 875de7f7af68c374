package cthulhu.callbacks;

import cthulhu.models.Model;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves the model after each epoch (Keras 2.2.4's {@code ModelCheckpoint}), with
 * {@link Model#save}.
 *
 * <p>The file path may contain Python-style fields filled from the epoch (from 1) and its logs:
 * {@code "model-{epoch:02d}-{val_loss:.2f}.cthulhu"} gives {@code model-03-0.42.cthulhu}. A field
 * is {@code {name}} or {@code {name:spec}} with a format spec such as {@code 02d} or {@code .4f}.
 * With {@code saveBestOnly}, the model is saved only when the monitored quantity improves on the
 * best so far (strictly; mode as in {@link EarlyStopping}). Defaults: monitor {@code val_loss},
 * saveBestOnly false, mode auto, period 1.
 */
public final class ModelCheckpoint extends ModelCallback {

    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

    private final String filepath;
    private final Monitor monitor;
    private final boolean saveBestOnly;
    private final int period;
    private double best;
    private int sinceLastSave;
    private PrintStream out;

    /** Saves after every epoch to {@code filepath}, monitoring {@code val_loss}. */
    public ModelCheckpoint(String filepath) {
        this(filepath, "val_loss", false, "auto", 1);
    }

    /**
     * @param filepath the path, possibly with {@code {epoch}} and log-key fields
     * @param monitor the log key compared when {@code saveBestOnly}
     * @param saveBestOnly whether to save only on improvement
     * @param mode {@code "min"}, {@code "max"} or {@code "auto"}
     * @param period the epochs between checkpoints, {@code >= 1}
     * @throws IllegalArgumentException for a bad mode or period, or a field spec that is not a
     *     valid format
     */
    public ModelCheckpoint(String filepath, String monitor, boolean saveBestOnly, String mode, int period) {
        if (period < 1) {
            throw new IllegalArgumentException("ModelCheckpoint: period must be >= 1, got " + period);
        }
        this.filepath = filepath;
        this.monitor = new Monitor("ModelCheckpoint", monitor, mode);
        this.saveBestOnly = saveBestOnly;
        this.period = period;
        Matcher m = FIELD.matcher(filepath);
        while (m.find()) {
            javaFormat(m.group(2));
        }
    }

    /** Prints a line for each save (or skipped save) to {@code out}; null for silence (default). */
    public ModelCheckpoint verbose(PrintStream out) {
        this.out = out;
        return this;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        best = monitor.worst();
        sinceLastSave = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        sinceLastSave++;
        if (sinceLastSave < period) {
            return;
        }
        sinceLastSave = 0;
        Path path = Path.of(format(filepath, epoch + 1, logs));
        if (saveBestOnly) {
            double current = monitor.read("ModelCheckpoint", logs);
            if (!monitor.improves(current, best, 0)) {
                if (out != null) {
                    out.printf(Locale.ROOT, "%nEpoch %05d: %s did not improve from %.5f%n", epoch + 1, monitor.name(), best);
                }
                return;
            }
            if (out != null) {
                out.printf(Locale.ROOT, "%nEpoch %05d: %s improved from %.5f to %.5f, saving model to %s%n",
                        epoch + 1, monitor.name(), best, current, path);
            }
            best = current;
        } else if (out != null) {
            out.printf("%nEpoch %05d: saving model to %s%n", epoch + 1, path);
        }
        try {
            model().save(path);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint could not save the model of epoch " + (epoch + 1)
                    + " to " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fills the fields of a path pattern: {@code epoch} with {@code epoch}, any other name from the logs.
     *
     * @throws IllegalArgumentException naming the field when it is neither {@code epoch} nor a log key
     */
    static String format(String pattern, int epoch, Map<String, Double> logs) {
        Matcher m = FIELD.matcher(pattern);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Object value;
            if (name.equals("epoch")) {
                value = epoch;
            } else if (logs.containsKey(name)) {
                value = logs.get(name);
            } else {
                throw new IllegalArgumentException("ModelCheckpoint path '" + pattern + "' names the field {" + name
                        + "}, which is neither epoch nor one of this epoch's logs " + logs.keySet());
            }
            String spec = javaFormat(m.group(2));
            if (value instanceof Integer i && spec.endsWith("f")) {
                value = i.doubleValue();
            } else if (value instanceof Double d && spec.endsWith("d")) {
                value = d.longValue();
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(String.format(Locale.ROOT, spec, value)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Translates a Python format spec ({@code 02d}, {@code .4f}, {@code e}, none) to a Java format string. */
    private static String javaFormat(String spec) {
        if (spec == null || spec.isEmpty()) {
            return "%s";
        }
        if (!spec.matches("[0<>+ -]*\\d*(\\.\\d+)?[dfeEgG]")) {
            throw new IllegalArgumentException("ModelCheckpoint: unsupported format spec ':" + spec
                    + "'; use a width/precision and one of d, f, e, g, e.g. {epoch:02d} or {val_loss:.4f}");
        }
        return "%" + spec.replace(">", "").replace("<", "-");
    }
}
