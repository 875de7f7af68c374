package cthulhu.spark;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Blocks of values as Spark ships them: floats times a common scale when every value is such a
 * product (the values of a float32 model, or their sum weighted by one sample count) — kept so
 * from the tensors to the bytes and back, half the bytes of doubles and copied in bulk — else
 * doubles. Decoding computes exactly the product the encoder checked, so the values arrive bit
 * for bit.
 */
final class Blocks implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The size of the buffer values are converted through on their way to and from bytes. */
    private static final int CHUNK_BYTES = 1 << 16;

    /** The values as floats, each times {@link #scale}; null when they are {@link #doubles}. */
    private transient float[][] floats;
    private transient double scale;
    private transient double[][] doubles;

    /** A serialisable holder of {@code values} (not copied: the caller hands them over). */
    private Blocks(double[][] values) {
        this.doubles = values;
    }

    private Blocks(float[][] floats, double scale) {
        this.floats = floats;
        this.scale = scale;
    }

    /**
     * Copies of the values of {@code tensors}, each times {@code scale}: as floats when every
     * tensor is float32, else as doubles.
     */
    static Blocks of(List<Tensor> tensors, double scale) {
        if (tensors.stream().allMatch(t -> t.dtype() == DType.FLOAT32)) {
            return new Blocks(tensors.stream().map(Tensor::toFloatArray).toArray(float[][]::new), scale);
        }
        double[][] values = new double[tensors.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensors.get(i).toDoubleArray();
            for (int j = 0; j < values[i].length; j++) {
                values[i][j] *= scale;
            }
        }
        return new Blocks(values);
    }

    int size() {
        return floats != null ? floats.length : doubles.length;
    }

    /** Block {@code i} as doubles (a new array when the blocks are floats). */
    double[] values(int i) {
        if (floats == null) {
            return doubles[i];
        }
        double[] out = new double[floats[i].length];
        copyInto(out, i, 0, out.length);
        return out;
    }

    /** Block {@code i} as a new tensor of {@code dtype} and {@code shape}, in the open scope. */
    Tensor tensor(int i, DType dtype, int[] shape) {
        if (floats != null && scale == 1) {
            return K.constant(dtype, floats[i], shape);
        }
        return K.constant(dtype, values(i), shape);
    }

    /** Whether the values are floats times a scale (the values of a float32 model, or their sum weighted by one sample count). */
    boolean areFloats() {
        return floats != null;
    }

    /**
     * Writes the sum of {@code parts}, added in their order, divided by {@code divisor} and rounded
     * to floats, as {@link #write} writes floats times the scale {@code divisor}: of float32
     * models' values weighted by their sample counts, with the total count as divisor, the mean
     * those models restore ({@link #read}, {@link #divide}, then {@link #tensor} as float32 give
     * these floats exactly), in half the bytes of the sum's doubles. One pass over the values,
     * computing each sum exactly as {@link #add} does, with no array of the whole sum.
     */
    static void writeMean(DataOutput out, List<Blocks> parts, double divisor) throws IOException {
        Blocks first = parts.get(0);
        int[] lengths = first.lengths();
        out.writeInt(lengths.length);
        out.writeBoolean(true);
        out.writeDouble(divisor);
        byte[] chunk = new byte[CHUNK_BYTES];
        FloatBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        double[] sums = new double[view.capacity()];
        for (int i = 0; i < lengths.length; i++) {
            out.writeInt(lengths[i]);
            for (int from = 0; from < lengths[i]; from += sums.length) {
                int n = Math.min(sums.length, lengths[i] - from);
                first.copyInto(sums, i, from, n);
                for (int p = 1; p < parts.size(); p++) {
                    parts.get(p).addInto(sums, i, from, n);
                }
                for (int j = 0; j < n; j++) {
                    view.put(j, (float) (sums[j] / divisor));
                }
                out.write(chunk, 0, n * Float.BYTES);
            }
        }
    }

    /** Sets {@code sums[0 … n)} to values {@code from … from + n} of block {@code i}, as doubles. */
    private void copyInto(double[] sums, int i, int from, int n) {
        if (floats != null) {
            float[] f = floats[i];
            for (int j = 0; j < n; j++) {
                sums[j] = (double) f[from + j] * scale;
            }
        } else {
            System.arraycopy(doubles[i], from, sums, 0, n);
        }
    }

    /** Adds values {@code from … from + n} of block {@code i} to {@code sums[0 … n)}. */
    private void addInto(double[] sums, int i, int from, int n) {
        if (floats != null) {
            float[] f = floats[i];
            for (int j = 0; j < n; j++) {
                sums[j] += (double) f[from + j] * scale;
            }
        } else {
            double[] d = doubles[i];
            for (int j = 0; j < n; j++) {
                sums[j] += d[from + j];
            }
        }
    }

    /** These values divided by {@code divisor}; the same floats when the scale is the divisor, since {@code (f · s) / s = f}. */
    Blocks divide(double divisor) {
        if (floats != null && scale == divisor) {
            return new Blocks(floats, 1);
        }
        double[][] out = new double[size()][];
        for (int i = 0; i < out.length; i++) {
            double[] a = values(i);
            out[i] = floats != null ? a : a.clone();
            for (int j = 0; j < a.length; j++) {
                out[i][j] = a[j] / divisor;
            }
        }
        return new Blocks(out);
    }

    /** These values plus {@code other}'s, as doubles: this holder's own when it has them, else new ones. */
    Blocks add(Blocks other) {
        double[][] sums = doubles;
        if (sums == null) {
            sums = new double[floats.length][];
            for (int i = 0; i < sums.length; i++) {
                sums[i] = values(i);
            }
        }
        for (int i = 0; i < sums.length; i++) {
            other.addInto(sums[i], i, 0, sums[i].length);
        }
        return new Blocks(sums);
    }

    /** The number of values in each block. */
    int[] lengths() {
        int[] lengths = new int[size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = floats != null ? floats[i].length : doubles[i].length;
        }
        return lengths;
    }

    /**
     * Writes these values: floats as they are; doubles as floats times {@code scale} when every
     * value is exactly such a product, else as doubles. The bytes go out in chunks of a small
     * buffer, so that no copy of a whole block is made on the way.
     */
    void write(DataOutput out, double scale) throws IOException {
        float[][] f = floats;
        double s = this.scale;
        if (f == null && scale != 0 && Double.isFinite(scale)) {
            f = asFloats(doubles, scale);
            s = scale;
        }
        out.writeInt(size());
        out.writeBoolean(f != null);
        byte[] chunk = new byte[CHUNK_BYTES];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        if (f != null) {
            out.writeDouble(s);
            for (float[] block : f) {
                out.writeInt(block.length);
                for (int from = 0; from < block.length; from += CHUNK_BYTES / Float.BYTES) {
                    int n = Math.min(CHUNK_BYTES / Float.BYTES, block.length - from);
                    view.clear();
                    view.asFloatBuffer().put(block, from, n);
                    out.write(chunk, 0, n * Float.BYTES);
                }
            }
        } else {
            for (double[] block : doubles) {
                out.writeInt(block.length);
                for (int from = 0; from < block.length; from += CHUNK_BYTES / Double.BYTES) {
                    int n = Math.min(CHUNK_BYTES / Double.BYTES, block.length - from);
                    view.clear();
                    view.asDoubleBuffer().put(block, from, n);
                    out.write(chunk, 0, n * Double.BYTES);
                }
            }
        }
    }

    /** {@code values} divided by {@code scale} as floats when every value is exactly such a float times {@code scale}, else null. */
    private static float[][] asFloats(double[][] values, double scale) {
        float[][] out = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            double[] block = values[i];
            float[] f = new float[block.length];
            for (int j = 0; j < block.length; j++) {
                f[j] = (float) (block[j] / scale);
                if ((double) f[j] * scale != block[j]) {
                    return null;
                }
            }
            out[i] = f;
        }
        return out;
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param lengths the number of values each block must have, or null to take what comes
     * @throws IOException when the blocks are not of those lengths
     */
    static Blocks read(DataInput in, int[] lengths) throws IOException {
        int size = in.readInt();
        if (lengths != null && size != lengths.length) {
            throw new IOException(size + " blocks of values arrived where " + lengths.length + " were expected");
        }
        boolean asFloats = in.readBoolean();
        double scale = asFloats ? in.readDouble() : 0;
        float[][] floats = asFloats ? new float[size][] : null;
        double[][] doubles = asFloats ? null : new double[size][];
        byte[] chunk = new byte[CHUNK_BYTES];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("Block " + i + " claims " + length + " values");
            }
            if (lengths != null && length != lengths[i]) {
                throw new IOException("Block " + i + " has " + length + " values where " + lengths[i] + " were expected");
            }
            int width = asFloats ? Float.BYTES : Double.BYTES;
            if (asFloats) {
                floats[i] = new float[length];
            } else {
                doubles[i] = new double[length];
            }
            for (int from = 0; from < length; from += CHUNK_BYTES / width) {
                int n = Math.min(CHUNK_BYTES / width, length - from);
                in.readFully(chunk, 0, n * width);
                view.clear();
                if (asFloats) {
                    view.asFloatBuffer().get(floats[i], from, n);
                } else {
                    view.asDoubleBuffer().get(doubles[i], from, n);
                }
            }
        }
        return asFloats ? new Blocks(floats, scale) : new Blocks(doubles);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        write(out, 1);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        Blocks read = read(in, null);
        floats = read.floats;
        scale = read.scale;
        doubles = read.doubles;
    }
}
