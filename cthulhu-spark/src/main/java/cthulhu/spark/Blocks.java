package cthulhu.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Blocks of doubles as Spark ships them: serialised as float32 — half the bytes — when that loses
 * nothing, i.e. when every value is a float times a common scale (the values of a float32 model,
 * or their sum weighted by one sample count), else as float64. Decoding computes exactly the
 * product the encoder checked, so the values arrive bit for bit.
 */
final class Blocks implements Serializable {

    private static final long serialVersionUID = 1L;

    private transient double[][] values;

    /** A serialisable holder of {@code values} (not copied: the caller hands them over). */
    Blocks(double[][] values) {
        this.values = values;
    }

    double[][] values() {
        return values;
    }

    /**
     * Writes {@code values}, as floats times {@code scale} when every value is exactly such a
     * product; each block as one run of bytes, which the stream copies whole rather than value by value.
     */
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
        }
        for (double[] block : values) {
            ByteBuffer bytes = ByteBuffer.allocate(block.length * (floats ? Float.BYTES : Double.BYTES));
            if (floats) {
                FloatBuffer f = bytes.asFloatBuffer();
                for (double v : block) {
                    f.put((float) (v / scale));
                }
            } else {
                bytes.asDoubleBuffer().put(block);
            }
            out.writeInt(block.length);
            out.write(bytes.array());
        }
    }

    /** Reads what {@link #write} wrote. */
    static double[][] read(ObjectInputStream in) throws IOException {
        double[][] values = new double[in.readInt()][];
        boolean floats = in.readBoolean();
        double scale = floats ? in.readDouble() : 1;
        for (int i = 0; i < values.length; i++) {
            double[] block = new double[in.readInt()];
            byte[] bytes = new byte[block.length * (floats ? Float.BYTES : Double.BYTES)];
            in.readFully(bytes);
            if (floats) {
                FloatBuffer f = ByteBuffer.wrap(bytes).asFloatBuffer();
                for (int j = 0; j < block.length; j++) {
                    block[j] = (double) f.get(j) * scale;
                }
            } else {
                ByteBuffer.wrap(bytes).asDoubleBuffer().get(block);
            }
            values[i] = block;
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
