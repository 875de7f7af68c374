package cthulhu.callbacks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints training progress to a stream, as Keras 2.2.4's {@code ProgbarLogger} and
 * {@code Progbar} do.
 *
 * <ul>
 *   <li>Verbosity 1 or 2 with validation data first prints
 *   {@code Train on 1437 samples, validate on 360 samples}.</li>
 *   <li>Verbosity 1 on a terminal (dynamic display): {@code Epoch 3/10}, then one bar redrawn with
 *   {@code \r} after each batch, {@code 12/50 [=====>........................] - ETA: 3s - loss:
 *   0.4213 - accuracy: 0.8812} (running averages), ending as {@code 50/50 [====…====] - 1s
 *   20ms/step - loss: … - val_loss: …}.</li>
 *   <li>Verbosity 1 elsewhere (a pipe, a log file, a test): {@code Epoch 3/10} and only the
 *   final bar line of each epoch.</li>
 *   <li>Verbosity 2: {@code Epoch 3/10} and one line {@code  - 1s - loss: … - accuracy: …} per epoch.</li>
 *   <li>Verbosity 0: nothing.</li>
 * </ul>
 * {@code evaluate} and {@code predict} draw the same bar over their samples, without the epoch
 * line: verbosity 1 the bar ({@code 360/360 [====…====] - 0s 50us/step - loss: … - accuracy: …},
 * {@code predict} without values), verbosity 2 the one line ({@code  - 0s - loss: …}).
 * Values print as {@code %.4f}, or {@code %.4e} when their magnitude is at most 1e-3. A value
 * listed in the {@code stateful_metrics} parameter is already accumulated over the samples seen
 * (Keras's stateful metrics), so the bar shows its latest value rather than a running average.
 */
public final class ProgbarLogger implements Callback {

    private static final int WIDTH = 30;
    private static final long INTERVAL_NANOS = 50_000_000L;

    private final PrintStream out;
    private final int verbose;
    private final boolean dynamic;
    private int epochs;
    private int target;
    private int validationSamples;
    private List<String> keys = List.of();
    private Set<String> statefulKeys = Set.of();
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private int seen;
    private long start;
    private long lastUpdate;
    private int totalWidth;

    /**
     * @param out where to print
     * @param verbose 0, 1 or 2
     * @param dynamic whether {@code out} is a terminal that honours {@code \r} (verbosity 1 only)
     * @throws IllegalArgumentException for another verbosity
     */
    public ProgbarLogger(PrintStream out, int verbose, boolean dynamic) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch), got " + verbose);
        }
        this.out = out;
        this.verbose = verbose;
        this.dynamic = dynamic;
    }

    /**
     * Reads {@code samples} (the bar's target), {@code metrics} (the keys shown, in order), and
     * when present {@code epochs}, {@code validation_samples} and {@code stateful_metrics}.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void setParams(Map<String, Object> params) {
        epochs = (Integer) params.getOrDefault("epochs", 0);
        target = (Integer) params.get("samples");
        validationSamples = (Integer) params.getOrDefault("validation_samples", 0);
        keys = new ArrayList<>((List<String>) params.getOrDefault("metrics", List.of()));
        statefulKeys = Set.copyOf((List<String>) params.getOrDefault("stateful_metrics", List.of()));
    }

    /** Prints {@code Train on 1437 samples, validate on 360 samples} when validating, as Keras does. */
    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        if (verbose > 0 && validationSamples > 0) {
            out.printf("Train on %d samples, validate on %d samples%n", target, validationSamples);
        }
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        if (verbose == 0) {
            return;
        }
        out.printf("Epoch %d/%d%n", epoch + 1, epochs);
        out.flush();
        begin();
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        step(logs);
    }

    /** Ends the epoch's bar or line with the epoch's values from {@code logs}, validation included. */
    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        finish(logs);
    }

    @Override
    public void onTestBegin(Map<String, Double> logs) {
        begin();
    }

    @Override
    public void onTestBatchEnd(int batch, Map<String, Double> logs) {
        step(logs);
    }

    /** Ends the evaluation's bar or line with its values from {@code logs}. */
    @Override
    public void onTestEnd(Map<String, Double> logs) {
        finish(logs);
    }

    @Override
    public void onPredictBegin(Map<String, Double> logs) {
        begin();
    }

    @Override
    public void onPredictBatchEnd(int batch, Map<String, Double> logs) {
        step(logs);
    }

    @Override
    public void onPredictEnd(Map<String, Double> logs) {
        finish(logs);
    }

    private void begin() {
        sums.clear();
        seen = 0;
        totalWidth = 0;
        start = System.nanoTime();
        lastUpdate = 0;
    }

    /** Counts a batch of {@code size} samples into the running values and redraws a dynamic bar. */
    private void step(Map<String, Double> logs) {
        if (verbose == 0) {
            return;
        }
        int size = logs.get("size").intValue();
        seen += size;
        for (String k : keys) {
            Double v = logs.get(k);
            if (v != null) {
                double[] s = sums.computeIfAbsent(k, key -> new double[2]);
                boolean latest = statefulKeys.contains(k);
                s[0] = latest ? v : s[0] + v * size;
                s[1] = latest ? 1 : s[1] + size;
            }
        }
        if (verbose == 1 && dynamic && seen < target) {
            long now = System.nanoTime();
            if (now - lastUpdate >= INTERVAL_NANOS) {
                lastUpdate = now;
                draw(runningAverages(), false);
            }
        }
    }

    private void finish(Map<String, Double> logs) {
        if (verbose == 0) {
            return;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (String k : keys) {
            if (logs.containsKey(k)) {
                values.put(k, logs.get(k));
            }
        }
        if (verbose == 2) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            out.println(String.format(Locale.ROOT, " - %.0fs", elapsed) + values(values));
        } else {
            draw(values, true);
        }
        out.flush();
    }

    private Map<String, Double> runningAverages() {
        Map<String, Double> avg = new LinkedHashMap<>();
        for (String k : keys) {
            double[] s = sums.get(k);
            if (s != null) {
                avg.put(k, s[0] / s[1]);
            }
        }
        return avg;
    }

    private void draw(Map<String, Double> values, boolean last) {
        long now = System.nanoTime();
        double elapsed = (now - start) / 1e9;
        int current = last ? target : seen;
        String bar = bar(current, target);
        double perUnit = current > 0 ? elapsed / current : 0;
        StringBuilder info = new StringBuilder();
        if (last) {
            info.append(String.format(Locale.ROOT, " - %.0fs", elapsed));
            if (perUnit >= 1) {
                info.append(String.format(Locale.ROOT, " %.0fs/step", perUnit));
            } else if (perUnit >= 1e-3) {
                info.append(String.format(Locale.ROOT, " %.0fms/step", perUnit * 1e3));
            } else {
                info.append(String.format(Locale.ROOT, " %.0fus/step", perUnit * 1e6));
            }
        } else {
            info.append(" - ETA: ").append(eta(perUnit * (target - current)));
        }
        info.append(values(values));
        String line = bar + info;
        int previous = totalWidth;
        totalWidth = line.length();
        if (previous > line.length()) {
            line = line + " ".repeat(previous - line.length());
        }
        if (dynamic) {
            out.print("\r" + line);
            if (last) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * Keras's bar of width 30: the count right-aligned to the target's width, then
     * {@code int(30 · current / target)} cells, the last one {@code >} while unfinished, e.g.
     * {@code "12/50 [======>.......................]"}.
     */
    public static String bar(int current, int target) {
        int digits = String.valueOf(target).length();
        StringBuilder sb = new StringBuilder(String.format("%" + digits + "d/%d [", current, target));
        int progWidth = target > 0 ? (int) (WIDTH * ((double) current / target)) : WIDTH;
        if (progWidth > 0) {
            sb.append("=".repeat(progWidth - 1)).append(current < target ? '>' : '=');
        }
        sb.append(".".repeat(WIDTH - progWidth)).append(']');
        return sb.toString();
    }

    /** Keras's ETA of whole seconds: {@code 3s}, {@code 2:05} above a minute, {@code 1:02:05} above an hour. */
    public static String eta(double seconds) {
        long s = (long) seconds;
        if (s > 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
        }
        if (s > 60) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return s + "s";
    }

    /**
     * The values in order as {@code " - loss: 0.4213 - accuracy: 0.8812"}: {@code %.4f}, or
     * {@code %.4e} when the magnitude is at most 1e-3.
     */
    public static String values(Map<String, Double> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(" - ").append(k).append(": ").append(
                String.format(Locale.ROOT, Math.abs(v) > 1e-3 ? "%.4f" : "%.4e", v)));
        return sb.toString();
    }
}
