package cthulhu.spark;

import cthulhu.backend.Tensor;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
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

    private transient Blocks tensors;
    private double[] logs;
    private long samples;
    private int steps;

    private Sums(Blocks tensors, double[] logs, long samples, int steps) {
        this.tensors = tensors;
        this.logs = logs;
        this.samples = samples;
        this.steps = steps;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeBoolean(tensors != null);
        if (tensors != null) {
            tensors.write(out, samples);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        tensors = in.readBoolean() ? Blocks.read(in) : null;
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

    /**
     * This sum with its tensors replaced by their mean rounded to floats ({@link Blocks#meanAsFloats}):
     * for a sum of float32 tensors, the same {@link #meanTensors} a float32 model restores.
     */
    Sums withFloatMean() {
        return new Sums(tensors.meanAsFloats(samples), logs, samples, steps);
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
