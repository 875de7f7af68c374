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
 * runs at about 2 ns per element, four times slower than the loop here. Each map is evaluated in
 * double with {@link Math} and rounded once to the array's type.
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
