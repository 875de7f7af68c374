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

    private transient double[][] tensors;
    private double[] logs;
    private long samples;
    private int steps;

    private Sums(double[][] tensors, double[] logs, long samples, int steps) {
        this.tensors = tensors;
        this.logs = logs;
        this.samples = samples;
        this.steps = steps;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeBoolean(tensors != null);
        if (tensors != null) {
            Blocks.write(out, tensors, samples);
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
        double[][] t = new double[tensors.size()][];
        for (int i = 0; i < t.length; i++) {
            t[i] = tensors.get(i).toDoubleArray();
            scale(t[i], samples);
        }
        double[] l = logs.clone();
        scale(l, samples);
        return new Sums(t, l, samples, steps);
    }

    /** Adds {@code other} into this one and returns this. */
    Sums add(Sums other) {
        if (other.samples == 0) {
            return this;
        }
        if (samples == 0) {
            return other;
        }
        for (int i = 0; i < tensors.length; i++) {
            double[] a = tensors[i];
            double[] b = other.tensors[i];
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
        }
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

    /** Each tensor's sample-weighted mean. */
    double[][] meanTensors() {
        double[][] out = new double[tensors.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = divide(tensors[i], samples);
        }
        return out;
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

    private static void scale(double[] a, double factor) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= factor;
        }
    }
}
