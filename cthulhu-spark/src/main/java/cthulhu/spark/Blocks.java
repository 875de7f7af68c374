package cthulhu.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * Blocks of doubles as Spark ships them: serialised as float32 — half the bytes — when that loses
 * nothing, i.e. when every value is a float times a common scale (the values of a float32 model,
 * or their sum weighted by one sample count), else as float64. Decoding computes exactly the
 * product the encoder checked, so the values arrive bit for bit.
 */
final class Blocks implements Serializable {

    private static final long serialVersionUID = 1L;

    private transient double[][] values;

    /** A broadcastable copy of {@code values} (not copied: the caller hands them over). */
    Blocks(double[][] values) {
        this.values = values;
    }

    double[][] values() {
        return values;
    }

    /** Writes {@code values}, as floats times {@code scale} when every value is exactly such a product. */
    static void write(ObjectOutputStream out, double[][] values, double scale) throws IOException {
        boolean floats = scale != 0 && Double.isFinite(scale);
        for (int i = 0; i < values.length && floats; i++) {
            for (double v : values[i]) {
                if ((double) (float) (v / scale) * scale != v) {
                    floats = false;
                    break;
                }
            }
        }
        out.writeInt(values.length);
        out.writeBoolean(floats);
        if (floats) {
            out.writeDouble(scale);
            for (double[] block : values) {
                float[] f = new float[block.length];
                for (int j = 0; j < f.length; j++) {
                    f[j] = (float) (block[j] / scale);
                }
                out.writeObject(f);
            }
        } else {
            for (double[] block : values) {
                out.writeObject(block);
            }
        }
    }

    /** Reads what {@link #write} wrote. */
    static double[][] read(ObjectInputStream in) throws IOException, ClassNotFoundException {
        double[][] values = new double[in.readInt()][];
        if (in.readBoolean()) {
            double scale = in.readDouble();
            for (int i = 0; i < values.length; i++) {
                float[] f = (float[]) in.readObject();
                double[] block = new double[f.length];
                for (int j = 0; j < f.length; j++) {
                    block[j] = (double) f[j] * scale;
                }
                values[i] = block;
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = (double[]) in.readObject();
            }
        }
        return values;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        write(out, values, 1);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        values = read(in);
    }
}
