package cthulhu.spark;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        float[] f = floats[i];
        double[] out = new double[f.length];
        for (int j = 0; j < f.length; j++) {
            out[j] = (double) f[j] * scale;
        }
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
     * These values divided by {@code divisor} and rounded to floats, held as those floats times
     * {@code divisor}: of a sum of a float32 model's values, the mean that model restores
     * ({@link #divide} then {@link #tensor} as float32 give these floats exactly), in half the
     * bytes of the sum's doubles.
     */
    Blocks meanAsFloats(double divisor) {
        float[][] out = new float[size()][];
        for (int i = 0; i < out.length; i++) {
            double[] a = values(i);
            out[i] = new float[a.length];
            for (int j = 0; j < a.length; j++) {
                out[i][j] = (float) (a[j] / divisor);
            }
        }
        return new Blocks(out, divisor);
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
            double[] a = sums[i];
            if (other.floats != null) {
                float[] b = other.floats[i];
                double s = other.scale;
                for (int j = 0; j < a.length; j++) {
                    a[j] += (double) b[j] * s;
                }
            } else {
                double[] b = other.doubles[i];
                for (int j = 0; j < a.length; j++) {
                    a[j] += b[j];
                }
            }
        }
        return new Blocks(sums);
    }

    /**
     * Writes these values: floats as they are; doubles as floats times {@code scale} when every
     * value is exactly such a product, else as doubles. Each block is one run of bytes, which the
     * stream copies whole rather than value by value.
     */
    void write(ObjectOutputStream out, double scale) throws IOException {
        float[][] f = floats;
        double s = this.scale;
        if (f == null && scale != 0 && Double.isFinite(scale)) {
            f = asFloats(doubles, scale);
            s = scale;
        }
        out.writeInt(size());
        out.writeBoolean(f != null);
        if (f != null) {
            out.writeDouble(s);
            for (float[] block : f) {
                ByteBuffer bytes = ByteBuffer.allocate(block.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(block);
                out.writeInt(block.length);
                out.write(bytes.array());
            }
        } else {
            for (double[] block : doubles) {
                ByteBuffer bytes = ByteBuffer.allocate(block.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asDoubleBuffer().put(block);
                out.writeInt(block.length);
                out.write(bytes.array());
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

    /** Reads what {@link #write} wrote. */
    static Blocks read(ObjectInputStream in) throws IOException {
        int size = in.readInt();
        if (in.readBoolean()) {
            double scale = in.readDouble();
            float[][] floats = new float[size][];
            for (int i = 0; i < size; i++) {
                floats[i] = new float[in.readInt()];
                byte[] bytes = new byte[floats[i].length * Float.BYTES];
                in.readFully(bytes);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats[i]);
            }
            return new Blocks(floats, scale);
        }
        double[][] doubles = new double[size][];
        for (int i = 0; i < size; i++) {
            doubles[i] = new double[in.readInt()];
            byte[] bytes = new byte[doubles[i].length * Double.BYTES];
            in.readFully(bytes);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(doubles[i]);
        }
        return new Blocks(doubles);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        write(out, 1);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        Blocks read = read(in);
        floats = read.floats;
        scale = read.scale;
        doubles = read.doubles;
    }
}
