package cthulhu.backend.nd4j;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.function.DoubleUnaryOperator;

/**
 * Element-wise maps computed on the CPU in Java over the native buffers, where libnd4j's kernels
 * are not accurate enough or are slow. Inaccurate: libnd4j computes {@code expm1} as
 * {@code exp(x) - 1} and {@code log1p} as {@code log(1 + x)} (all digits lost for tiny
 * {@code |x|}; in float32 {@code expm1(1e-10)} is 0), its ELU inherits that, its softplus
 * {@code log(1 + e^x)} overflows to infinity for {@code x > 88} in float32, and its tanh loses
 * relative accuracy near 0 (tanh(1e-30) is 0; at 1e-4 the float32 error is 3e-5). Slow: its sqrt
 * runs at about 2 ns per element, four times slower than the loop here; and every libnd4j call
 * costs 15–20 µs or more whatever its size, so relu and softmax of small tensors (one sample's
 * activations) run here in a fraction of that. Each map is evaluated in double with {@link Math}
 * and rounded once to the array's type.
 *
 * <p>The data moves between the native buffer and the Java heap in chunks that stay in the L1
 * cache, so that the JIT compiles the loops over plain arrays (vectorised where it can) instead of
 * per-element buffer calls.
 */
final class HostKernels {

    /** Elements moved between a native buffer and the heap at a time: 16 KiB of floats. */
    private static final int CHUNK = 4096;

    /** Up to this many elements, reading the buffers element by element is cheaper than wrapping them. */
    private static final int SMALL = 32;

    private HostKernels() {
    }

    /** Writes {@code out[i]} from {@code x[i]} and {@code y[i]} for {@code i < n}; {@code y} may be unused. */
    @FunctionalInterface
    private interface FloatChunk {
        void apply(float[] x, float[] y, float[] out, int n);
    }

    /** Writes {@code out[i]} from {@code x[i]} and {@code y[i]} for {@code i < n}; {@code y} may be unused. */
    @FunctionalInterface
    private interface DoubleChunk {
        void apply(double[] x, double[] y, double[] out, int n);
    }

    /**
     * Writes {@code f} of each element of {@code x}, evaluated in double and rounded once to the
     * array's type, into {@code out}, and returns {@code out}.
     *
     * @param x a dense row-major array spanning its whole buffer, not empty
     * @param out an array of the same shape and type
     */
    static INDArray map(INDArray x, INDArray out, DoubleUnaryOperator f) {
        return chunks(x, null, out, (a, unused, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = (float) f.applyAsDouble(a[i]);
            }
        }, (a, unused, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = f.applyAsDouble(a[i]);
            }
        });
    }

    /**
     * Writes the correctly rounded square root of each element of {@code x} into {@code out} (in
     * float32 the double root rounded to float, which is the correctly rounded float root), and
     * returns {@code out}.
     */
    static INDArray sqrt(INDArray x, INDArray out) {
        return chunks(x, null, out, (a, unused, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = (float) Math.sqrt(a[i]);
            }
        }, (a, unused, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = Math.sqrt(a[i]);
            }
        });
    }

    /**
     * Writes {@code x > 0 ? min(x, cap) : 0} of each element of {@code x} into {@code out} (NaN
     * and -0 give 0), and returns {@code out}.
     *
     * @param cap at least 0; infinity for no cap
     */
    static INDArray relu(INDArray x, INDArray out, double cap) {
        float capF = (float) cap;
        return chunks(x, null, out, (a, unused, o, n) -> {
            for (int i = 0; i < n; i++) {
                float v = a[i];
                o[i] = v > 0 ? Math.min(v, capF) : 0;
            }
        }, (a, unused, o, n) -> {
            for (int i = 0; i < n; i++) {
                double v = a[i];
                o[i] = v > 0 ? Math.min(v, cap) : 0;
            }
        });
    }

    /**
     * Writes the softmax of {@code x} along {@code axis} into {@code out} and returns {@code out}:
     * {@code e^(x - max) / Σ e^(x - max)} over each slice, in double, rounded once to the array's
     * type. A slice holding NaN becomes all NaN, as in {@code Composites.softmax}.
     *
     * @param x a dense row-major array of {@code shape} spanning its whole buffer, not empty
     * @param out an array of the same shape and type
     */
    static INDArray softmax(INDArray x, INDArray out, int[] shape, int axis) {
        int length = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        double[] v = read(x);
        double[] e = new double[length];
        for (int base0 = 0; base0 < v.length; base0 += length * inner) {
            for (int j = 0; j < inner; j++) {
                int base = base0 + j;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < length; k++) {
                    max = Math.max(max, v[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < length; k++) {
                    e[k] = Math.exp(v[base + k * inner] - max);
                    sum += e[k];
                }
                for (int k = 0; k < length; k++) {
                    v[base + k * inner] = e[k] / sum;
                }
            }
        }
        return write(v, out);
    }

    /** Copies {@code bias}, of {@code n} elements, into each row of the {@code m × n} array {@code out}. */
    static void fillRows(INDArray out, INDArray bias) {
        int n = Math.toIntExact(bias.length());
        int m = Math.toIntExact(out.length() / Math.max(n, 1));
        if (out.dataType() == DataType.FLOAT) {
            FloatBuffer src = bias.data().asNioFloat();
            FloatBuffer dst = out.data().asNioFloat();
            for (int r = 0; r < m; r++) {
                dst.put(r * n, src, 0, n);
            }
        } else {
            DoubleBuffer src = bias.data().asNioDouble();
            DoubleBuffer dst = out.data().asNioDouble();
            for (int r = 0; r < m; r++) {
                dst.put(r * n, src, 0, n);
            }
        }
    }

    /** The elements of a dense row-major array spanning its buffer, widened to double. */
    private static double[] read(INDArray x) {
        int n = Math.toIntExact(x.length());
        double[] v = new double[n];
        if (x.dataType() == DataType.FLOAT) {
            float[] f = new float[n];
            x.data().asNioFloat().get(0, f);
            for (int i = 0; i < n; i++) {
                v[i] = f[i];
            }
        } else {
            x.data().asNioDouble().get(0, v);
        }
        return v;
    }

    /** Writes {@code v}, rounded once to the array's type, into {@code out}'s buffer; returns {@code out}. */
    private static INDArray write(double[] v, INDArray out) {
        if (out.dataType() == DataType.FLOAT) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            out.data().asNioFloat().put(0, f);
        } else {
            out.data().asNioDouble().put(0, v);
        }
        return out;
    }

    /**
     * Recomputes {@code out[i] = f(x[i])} on the host wherever {@code |x[i]| < bound}, leaving the
     * other elements of {@code out} as the native kernel wrote them.
     *
     * @param x the input, a dense row-major array spanning its whole buffer, not empty
     * @param out an array of the same shape and type
     */
    static void refineNearZero(INDArray x, INDArray out, double bound, DoubleUnaryOperator f) {
        long n = x.length();
        if (n <= SMALL) {
            DataBuffer in = x.data();
            DataBuffer dst = out.data();
            for (long i = 0; i < n; i++) {
                double v = in.getDouble(i);
                if (Math.abs(v) < bound) {
                    dst.put(i, f.applyAsDouble(v));
                }
            }
            return;
        }
        // out is read as the native kernel left it and written back with the small elements recomputed.
        chunks(x, out, out, (a, kernel, o, len) -> {
            for (int i = 0; i < len; i++) {
                o[i] = Math.abs(a[i]) < bound ? (float) f.applyAsDouble(a[i]) : kernel[i];
            }
        }, (a, kernel, o, len) -> {
            for (int i = 0; i < len; i++) {
                o[i] = Math.abs(a[i]) < bound ? f.applyAsDouble(a[i]) : kernel[i];
            }
        });
    }

    /**
     * Runs {@code f32} or {@code f64}, by the arrays' type, chunk by chunk over {@code x} and
     * {@code y} (when not null) into {@code out}; returns {@code out}.
     */
    private static INDArray chunks(INDArray x, INDArray y, INDArray out, FloatChunk f32, DoubleChunk f64) {
        int n = Math.toIntExact(x.length());
        int chunk = Math.min(n, CHUNK);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xs = x.data().asNioFloat();
            FloatBuffer ys = y == null ? null : y.data().asNioFloat();
            FloatBuffer dst = out.data().asNioFloat();
            float[] a = new float[chunk];
            float[] b = new float[y == null ? 0 : chunk];
            float[] o = new float[chunk];
            for (int from = 0; from < n; from += chunk) {
                int len = Math.min(chunk, n - from);
                xs.get(from, a, 0, len);
                if (ys != null) {
                    ys.get(from, b, 0, len);
                }
                f32.apply(a, b, o, len);
                dst.put(from, o, 0, len);
            }
        } else {
            DoubleBuffer xs = x.data().asNioDouble();
            DoubleBuffer ys = y == null ? null : y.data().asNioDouble();
            DoubleBuffer dst = out.data().asNioDouble();
            double[] a = new double[chunk];
            double[] b = new double[y == null ? 0 : chunk];
            double[] o = new double[chunk];
            for (int from = 0; from < n; from += chunk) {
                int len = Math.min(chunk, n - from);
                xs.get(from, a, 0, len);
                if (ys != null) {
                    ys.get(from, b, 0, len);
                }
                f64.apply(a, b, o, len);
                dst.put(from, o, 0, len);
            }
        }
        return out;
    }

    /**
     * The index of the largest element along {@code axis} of row-major {@code values} of the given
     * shape, NumPy's way: the first on ties, and the first NaN when the slice holds one.
     */
    static double[] argmax(double[] values, int[] shape, int axis) {
        int length = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = values.length / (length * inner);
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * length * inner + j;
                double best = values[base];
                int index = 0;
                for (int k = 1; k < length && !Double.isNaN(best); k++) {
                    double v = values[base + k * inner];
                    if (v > best || Double.isNaN(v)) {
                        best = v;
                        index = k;
                    }
                }
                out[o * inner + j] = index;
            }
        }
        return out;
    }

    /** Softplus {@code max(x, 0) + log1p(e^-|x|)}, the form of {@code Composites.softplus}. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
