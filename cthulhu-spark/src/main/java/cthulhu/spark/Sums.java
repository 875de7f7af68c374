package cthulhu.spark;

import cthulhu.backend.Tensor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What partitions send back to the driver, added up there (or by {@code treeReduce}): tensors
 * weighted by the samples behind them (gradients, or weights and optimizer state), the logs (loss and
 * metrics) weighted the same way, the sample count, and the most local steps any partition took.
 * A partition with no batch sends {@link #none()}, which adds nothing. A single partition's
 * tensors of a float32 model travel as floats ({@link Blocks}).
 */
final class Sums implements Serializable {

    private static final long serialVersionUID = 1L;

    /** More logs than a model's loss and metrics could have: a count above it is not one. */
    private static final int MAX_LOGS = 1 << 16;

    private transient Blocks tensors;
    private transient double[] logs;
    private transient long samples;
    private transient int steps;

    private Sums(Blocks tensors, double[] logs, long samples, int steps) {
        this.tensors = tensors;
        this.logs = logs;
        this.samples = samples;
        this.steps = steps;
    }

    /** Writes this sum; its tensors as {@link Blocks#write} does, the floats scaled by the sample count. */
    void write(DataOutput out) throws IOException {
        writeCounts(out);
        out.writeBoolean(tensors != null);
        if (tensors != null) {
            tensors.write(out, samples);
        }
    }

    /**
     * Writes the sum of {@code parts}, added in their order, as {@link #write} writes it, its
     * tensors as their mean rounded to floats ({@link Blocks#writeMean}): of float32 models'
     * results, the {@link #meanTensors} each of those models restores, computed in one pass.
     *
     * @param parts results holding float32 tensors ({@link #floatTensors}), or none ({@link #none()})
     * @throws IllegalArgumentException when no part holds a sample
     */
    static void writeFloatMean(DataOutput out, List<Sums> parts) throws IOException {
        Sums total = none();
        List<Blocks> tensors = new ArrayList<>();
        for (Sums part : parts) {
            if (part.samples > 0) {
                total = total.samples == 0 ? new Sums(null, part.logs.clone(), part.samples, part.steps) : total.addCounts(part);
                tensors.add(part.tensors);
            }
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("No result holds a sample: there is no mean to write");
        }
        total.writeCounts(out);
        out.writeBoolean(true);
        Blocks.writeMean(out, tensors, total.samples);
    }

    private void writeCounts(DataOutput out) throws IOException {
        out.writeLong(samples);
        out.writeInt(steps);
        writeLogs(out, logs);
    }

    /** Writes {@code logs} (loss and metrics), or null, as {@link #readLogs} reads them. */
    static void writeLogs(DataOutput out, double[] logs) throws IOException {
        out.writeInt(logs == null ? -1 : logs.length);
        for (int i = 0; logs != null && i < logs.length; i++) {
            out.writeDouble(logs[i]);
        }
    }

    /**
     * Reads what {@link #writeLogs} wrote.
     *
     * @throws IOException when the count is not one of a model's loss and metrics
     */
    static double[] readLogs(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < -1 || count > MAX_LOGS) {
            throw new IOException(count + " logs is not a count of a model's loss and metrics");
        }
        double[] logs = count < 0 ? null : new double[count];
        for (int i = 0; i < count; i++) {
            logs[i] = in.readDouble();
        }
        return logs;
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param lengths the number of values each tensor must have ({@link Blocks#read}), or null to take what comes
     * @throws IOException when the bytes are not such a sum
     */
    static Sums read(DataInput in, int[] lengths) throws IOException {
        long samples = in.readLong();
        int steps = in.readInt();
        double[] logs = readLogs(in);
        return new Sums(in.readBoolean() ? Blocks.read(in, lengths) : null, logs, samples, steps);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        Sums read = read(in, null);
        tensors = read.tensors;
        logs = read.logs;
        samples = read.samples;
        steps = read.steps;
    }

    /** Nothing: the identity of {@link #add}. */
    static Sums none() {
        return new Sums(null, null, 0, 0);
    }

    /**
     * {@code tensors} and {@code logs}, each times {@code samples}.
     *
     * @param logs per-sample means (loss, then metrics) over the samples
     */
    static Sums of(List<Tensor> tensors, double[] logs, long samples, int steps) {
        double[] l = logs.clone();
        for (int i = 0; i < l.length; i++) {
            l[i] *= samples;
        }
        return new Sums(Blocks.of(tensors, samples), l, samples, steps);
    }

    /** Adds {@code other} into this one and returns this. */
    Sums add(Sums other) {
        if (other.samples == 0) {
            return this;
        }
        if (samples == 0) {
            return other;
        }
        tensors = tensors.add(other.tensors);
        return addCounts(other);
    }

    /** Adds {@code other}'s logs, samples and steps into this one and returns this. */
    private Sums addCounts(Sums other) {
        for (int i = 0; i < logs.length; i++) {
            logs[i] += other.logs[i];
        }
        samples += other.samples;
        steps = Math.max(steps, other.steps);
        return this;
    }

    long samples() {
        return samples;
    }

    int steps() {
        return steps;
    }

    /** Whether this holds tensors of a float32 model ({@link Blocks#areFloats}). */
    boolean floatTensors() {
        return tensors != null && tensors.areFloats();
    }

    /** Each tensor's sample-weighted mean. */
    Blocks meanTensors() {
        return tensors.divide(samples);
    }

    /** The logs' sample-weighted means. */
    double[] meanLogs() {
        return divide(logs, samples);
    }

    private static double[] divide(double[] a, double divisor) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] / divisor;
        }
        return out;
    }
}
