package cthulhu.backend.nd4j;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
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

    /** From this many elements on, the Adam pass is split over two threads. */
    private static final int PARALLEL_FROM = 1 << 16;

    /** Up to this many elements, reading the buffers element by element is cheaper than wrapping them. */
    private static final int SMALL = 32;

    private HostKernels() {
    }

    /** A map over the first {@code n} elements of {@code in}, into {@code out}. */
    @FunctionalInterface
    interface FloatChunk {
        void apply(float[] in, float[] out, int n);
    }

    /** A map over the first {@code n} elements of {@code in}, into {@code out}. */
    @FunctionalInterface
    interface DoubleChunk {
        void apply(double[] in, double[] out, int n);
    }

    /**
     * Writes {@code f} of each element of {@code x}, evaluated in double and rounded once to the
     * array's type, into {@code out}, and returns {@code out}.
     *
     * @param x a dense row-major array spanning its whole buffer, not empty
     * @param out an array of the same shape and type
     */
    static INDArray map(INDArray x, INDArray out, DoubleUnaryOperator f) {
        return map(x, out, (in, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = (float) f.applyAsDouble(in[i]);
            }
        }, (in, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = f.applyAsDouble(in[i]);
            }
        });
    }

    /**
     * Writes the correctly rounded square root of each element of {@code x} into {@code out} (in
     * float32 the double root rounded to float, which is the correctly rounded float root), and
     * returns {@code out}.
     */
    static INDArray sqrt(INDArray x, INDArray out) {
        return map(x, out, (in, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = (float) Math.sqrt(in[i]);
            }
        }, (in, o, n) -> {
            for (int i = 0; i < n; i++) {
                o[i] = Math.sqrt(in[i]);
            }
        });
    }

    /** Runs {@code f32} or {@code f64}, by the arrays' type, over {@code x} chunk by chunk into {@code out}. */
    private static INDArray map(INDArray x, INDArray out, FloatChunk f32, DoubleChunk f64) {
        int n = Math.toIntExact(x.length());
        int chunk = Math.min(n, CHUNK);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer in = x.data().asNioFloat();
            FloatBuffer dst = out.data().asNioFloat();
            float[] a = new float[chunk];
            float[] b = new float[chunk];
            for (int from = 0; from < n; from += chunk) {
                int len = Math.min(chunk, n - from);
                in.get(from, a, 0, len);
                f32.apply(a, b, len);
                dst.put(from, b, 0, len);
            }
        } else {
            DoubleBuffer in = x.data().asNioDouble();
            DoubleBuffer dst = out.data().asNioDouble();
            double[] a = new double[chunk];
            double[] b = new double[chunk];
            for (int from = 0; from < n; from += chunk) {
                int len = Math.min(chunk, n - from);
                in.get(from, a, 0, len);
                f64.apply(a, b, len);
                dst.put(from, b, 0, len);
            }
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
        int size = Math.toIntExact(n);
        int chunk = Math.min(size, CHUNK);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer in = x.data().asNioFloat();
            FloatBuffer dst = out.data().asNioFloat();
            float[] a = new float[chunk];
            float[] b = new float[chunk];
            for (int from = 0; from < size; from += chunk) {
                int len = Math.min(chunk, size - from);
                in.get(from, a, 0, len);
                dst.get(from, b, 0, len);
                boolean changed = false;
                for (int i = 0; i < len; i++) {
                    if (Math.abs(a[i]) < bound) {
                        b[i] = (float) f.applyAsDouble(a[i]);
                        changed = true;
                    }
                }
                if (changed) {
                    dst.put(from, b, 0, len);
                }
            }
        } else {
            DoubleBuffer in = x.data().asNioDouble();
            DoubleBuffer dst = out.data().asNioDouble();
            double[] a = new double[chunk];
            double[] b = new double[chunk];
            for (int from = 0; from < size; from += chunk) {
                int len = Math.min(chunk, size - from);
                in.get(from, a, 0, len);
                dst.get(from, b, 0, len);
                boolean changed = false;
                for (int i = 0; i < len; i++) {
                    if (Math.abs(a[i]) < bound) {
                        b[i] = f.applyAsDouble(a[i]);
                        changed = true;
                    }
                }
                if (changed) {
                    dst.put(from, b, 0, len);
                }
            }
        }
    }

    /**
     * One Adam (or AMSGrad) update in one pass, with the operations, their order and their
     * rounding of {@code cthulhu.backend.Composites#adam} — each product, sum, root and quotient
     * rounded to the arrays' type, the constants {@code β}, {@code 1 − β}, {@code lr_t} and
     * {@code ε} rounded to it first, as libnd4j's scalar kernels do — so the results are those of
     * the composite, bit for bit:
     * {@code m' = m·β1 + g·(1 − β1)}, {@code v' = v·β2 + g²·(1 − β2)}, {@code v̂' = max(v̂, v')},
     * {@code p' = p − m'·lr_t / (√(v̂' or v') + ε)}.
     *
     * @param in {@code p, g, m, v} and, for AMSGrad, {@code v̂}: dense row-major arrays of one
     *     shape and type, not empty
     * @param out {@code p', m', v'} and, for AMSGrad, {@code v̂'}: arrays of that shape and type
     */
    static void adam(INDArray[] in, INDArray[] out, double lrT, double beta1, double beta2, double epsilon) {
        int n = Math.toIntExact(in[0].length());
        if (n < PARALLEL_FROM) {
            adam(in, out, 0, n, lrT, beta1, beta2, epsilon);
            return;
        }
        // Two halves, one on the common pool: the pass is bound by arithmetic, not memory.
        int half = n / 2 / CHUNK * CHUNK;
        ForkJoinTask<?> second = ForkJoinPool.commonPool().submit(() -> adam(in, out, half, n, lrT, beta1, beta2, epsilon));
        adam(in, out, 0, half, lrT, beta1, beta2, epsilon);
        second.join();
    }

    /** {@link #adam(INDArray[], INDArray[], double, double, double, double)} over elements {@code [start, end)}. */
    private static void adam(INDArray[] in, INDArray[] out, int start, int end, double lrT, double beta1, double beta2,
            double epsilon) {
        int chunk = Math.min(end - start, CHUNK);
        boolean amsgrad = in.length == 5;
        if (in[0].dataType() == DataType.FLOAT) {
            FloatBuffer[] src = new FloatBuffer[in.length];
            FloatBuffer[] dst = new FloatBuffer[out.length];
            float[][] a = new float[in.length][chunk];
            for (int k = 0; k < in.length; k++) {
                src[k] = in[k].data().asNioFloat();
            }
            for (int k = 0; k < out.length; k++) {
                dst[k] = out[k].data().asNioFloat();
            }
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            float step = (float) lrT;
            float eps = (float) epsilon;
            float[] p = a[0];
            float[] g = a[1];
            float[] m = a[2];
            float[] v = a[3];
            float[] vhat = amsgrad ? a[4] : v;
            for (int from = start; from < end; from += chunk) {
                int len = Math.min(chunk, end - from);
                for (int k = 0; k < in.length; k++) {
                    src[k].get(from, a[k], 0, len);
                }
                for (int i = 0; i < len; i++) {
                    float gi = g[i];
                    float mi = m[i] * b1 + gi * c1;
                    float vi = v[i] * b2 + (gi * gi) * c2;
                    m[i] = mi;
                    v[i] = vi;
                    float di = amsgrad ? Math.max(vhat[i], vi) : vi;
                    vhat[i] = di;
                    p[i] = p[i] - (mi * step) / ((float) Math.sqrt(di) + eps);
                }
                // out is {p', m', v'[, v̂']}, in the order of in without g.
                for (int k = 0; k < out.length; k++) {
                    dst[k].put(from, a[k == 0 ? 0 : k + 1], 0, len);
                }
            }
        } else {
            DoubleBuffer[] src = new DoubleBuffer[in.length];
            DoubleBuffer[] dst = new DoubleBuffer[out.length];
            double[][] a = new double[in.length][chunk];
            for (int k = 0; k < in.length; k++) {
                src[k] = in[k].data().asNioDouble();
            }
            for (int k = 0; k < out.length; k++) {
                dst[k] = out[k].data().asNioDouble();
            }
            double c1 = 1 - beta1;
            double c2 = 1 - beta2;
            double[] p = a[0];
            double[] g = a[1];
            double[] m = a[2];
            double[] v = a[3];
            double[] vhat = amsgrad ? a[4] : v;
            for (int from = start; from < end; from += chunk) {
                int len = Math.min(chunk, end - from);
                for (int k = 0; k < in.length; k++) {
                    src[k].get(from, a[k], 0, len);
                }
                for (int i = 0; i < len; i++) {
                    double gi = g[i];
                    double mi = m[i] * beta1 + gi * c1;
                    double vi = v[i] * beta2 + (gi * gi) * c2;
                    m[i] = mi;
                    v[i] = vi;
                    double di = amsgrad ? Math.max(vhat[i], vi) : vi;
                    vhat[i] = di;
                    p[i] = p[i] - (mi * lrT) / (Math.sqrt(di) + epsilon);
                }
                for (int k = 0; k < out.length; k++) {
                    dst[k].put(from, a[k == 0 ? 0 : k + 1], 0, len);
                }
            }
        }
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
