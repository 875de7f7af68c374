package cthulhu.callbacks;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A monitored quantity and the direction in which it improves, as Keras's {@code EarlyStopping}
 * and {@code ModelCheckpoint} decide it: mode {@code "min"}, {@code "max"}, or {@code "auto"},
 * which means max when the name contains {@code acc} or starts with {@code fmeasure} and min
 * otherwise.
 */
final class Monitor {

    private final String name;
    private final boolean maximize;

    Monitor(String owner, String name, String mode) {
        this.name = name;
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "min" -> maximize = false;
            case "max" -> maximize = true;
            case "auto" -> maximize = name.contains("acc") || name.startsWith("fmeasure");
            default -> throw new IllegalArgumentException(owner + ": mode must be \"auto\", \"min\" or \"max\", got \"" + mode + "\"");
        }
    }

    String name() {
        return name;
    }

    boolean maximize() {
        return maximize;
    }

    /** The worst possible value, where tracking starts. */
    double worst() {
        return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** Whether {@code current} beats {@code best} by more than {@code minDelta} (≥ 0). */
    boolean improves(double current, double best, double minDelta) {
        return maximize ? current - minDelta > best : current + minDelta < best;
    }

    /**
     * The monitored value in an epoch's logs.
     *
     * @throws IllegalStateException naming the quantity and the available keys when it is absent
     */
    double read(String owner, Map<String, Double> logs) {
        Double v = logs.get(name);
        if (v == null) {
            throw new IllegalStateException(owner + " monitors '" + name + "', which is not among this epoch's logs "
                    + new TreeSet<>(logs.keySet()) + ". Monitor one of those, or pass validation data (or a"
                    + " validation split) to fit when monitoring a val_ quantity");
        }
        return v;
    }
}
