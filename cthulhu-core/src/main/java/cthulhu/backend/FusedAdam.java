package cthulhu.backend;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * {@link Composites#adam} as one pass over the elements, for backends whose tensors Java can read
 * and write as NIO buffers (heap arrays or native memory). It performs the composite's operations
 * in the composite's order with the same rounding — every product, sum, root and quotient rounded
 * to the tensors' type, and the constants {@code β}, {@code 1 − β}, {@code lr_t} and {@code ε}
 * rounded to that type first, as a backend's scalar kernels do — so its results are the
 * composite's:
 * <pre>
 * m' = m·β1 + g·(1 − β1)
 * v' = v·β2 + g²·(1 − β2)
 * v̂' = max(v̂, v')                         (AMSGrad only)
 * p' = p − m'·lr_t / (√(v̂' or v') + ε)
 * </pre>
 * where the twelve separate kernels of the composite read and write every element a dozen times.
 *
 * <p>The data moves between the buffers and the heap in chunks that stay in the L1 cache, so the
 * JIT compiles the arithmetic over plain arrays; from {@value #PARALLEL_FROM} elements the second
 * half of the elements runs on the common fork-join pool.
 */
public final class FusedAdam {

    /** Elements moved between a buffer and the heap at a time: 16 KiB of floats. */
    private static final int CHUNK = 4096;

    /** From this many elements on, the pass is split over two threads. */
    private static final int PARALLEL_FROM = 1 << 16;

    private FusedAdam() {
    }

    /**
     * One update of float32 tensors.
     *
     * @param in {@code p, g, m, v} and, for AMSGrad, {@code v̂}: buffers of {@code n} elements from
     *     index 0, in row-major order
     * @param out {@code p', m', v'} and, for AMSGrad, {@code v̂'}: buffers of {@code n} elements
     * @param lrT the step size, {@link Composites#adamStepSize}
     * @throws IllegalArgumentException if {@code out} does not hold one buffer fewer than {@code in}
     *     ({@code g} has no successor) or {@code in} holds neither four nor five buffers
     */
    public static void update(FloatBuffer[] in, FloatBuffer[] out, int n, double lrT, double beta1, double beta2,
            double epsilon) {
        check(in, out);
        split(n, (start, end) -> floats(in, out, start, end, lrT, beta1, beta2, epsilon));
    }

    /**
     * One update of float64 tensors; as {@link #update(FloatBuffer[], FloatBuffer[], int, double,
     * double, double, double)}.
     */
    public static void update(DoubleBuffer[] in, DoubleBuffer[] out, int n, double lrT, double beta1, double beta2,
            double epsilon) {
        check(in, out);
        split(n, (start, end) -> doubles(in, out, start, end, lrT, beta1, beta2, epsilon));
    }

    /**
     * One update of tensors of type {@code dtype} whose memory is given as byte buffers in native
     * byte order (the form in which native libraries hand out their memory); as
     * {@link #update(FloatBuffer[], FloatBuffer[], int, double, double, double, double)}.
     */
    public static void update(DType dtype, ByteBuffer[] in, ByteBuffer[] out, int n, double lrT, double beta1,
            double beta2, double epsilon) {
        if (dtype == DType.FLOAT32) {
            update(Arrays.stream(in).map(ByteBuffer::asFloatBuffer).toArray(FloatBuffer[]::new),
                    Arrays.stream(out).map(ByteBuffer::asFloatBuffer).toArray(FloatBuffer[]::new), n, lrT, beta1, beta2,
                    epsilon);
        } else {
            update(Arrays.stream(in).map(ByteBuffer::asDoubleBuffer).toArray(DoubleBuffer[]::new),
                    Arrays.stream(out).map(ByteBuffer::asDoubleBuffer).toArray(DoubleBuffer[]::new), n, lrT, beta1, beta2,
                    epsilon);
        }
    }

    private static void check(Buffer[] in, Buffer[] out) {
        if ((in.length != 4 && in.length != 5) || out.length != in.length - 1) {
            throw new IllegalArgumentException("Adam takes p, g, m, v (and v̂ for AMSGrad) and gives p', m', v' (and v̂'); got "
                    + in.length + " inputs and " + out.length + " outputs");
        }
    }

    @FunctionalInterface
    private interface Range {
        void run(int start, int end);
    }

    private static void split(int n, Range range) {
        if (n < PARALLEL_FROM) {
            range.run(0, n);
            return;
        }
        int half = n / 2 / CHUNK * CHUNK;
        ForkJoinTask<?> second = ForkJoinPool.commonPool().submit(() -> range.run(half, n));
        range.run(0, half);
        second.join();
    }

    private static void floats(FloatBuffer[] in, FloatBuffer[] out, int start, int end, double lrT, double beta1,
            double beta2, double epsilon) {
        boolean amsgrad = in.length == 5;
        float[][] a = new float[in.length][Math.min(end - start, CHUNK)];
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
        for (int from = start; from < end; from += CHUNK) {
            int len = Math.min(CHUNK, end - from);
            for (int k = 0; k < in.length; k++) {
                in[k].get(from, a[k], 0, len);
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
            // out is {p', m', v'[, v̂']}: the chunks of in without g.
            for (int k = 0; k < out.length; k++) {
                out[k].put(from, a[k == 0 ? 0 : k + 1], 0, len);
            }
        }
    }

    private static void doubles(DoubleBuffer[] in, DoubleBuffer[] out, int start, int end, double lrT, double beta1,
            double beta2, double epsilon) {
        boolean amsgrad = in.length == 5;
        double[][] a = new double[in.length][Math.min(end - start, CHUNK)];
        double c1 = 1 - beta1;
        double c2 = 1 - beta2;
        double[] p = a[0];
        double[] g = a[1];
        double[] m = a[2];
        double[] v = a[3];
        double[] vhat = amsgrad ? a[4] : v;
        for (int from = start; from < end; from += CHUNK) {
            int len = Math.min(CHUNK, end - from);
            for (int k = 0; k < in.length; k++) {
                in[k].get(from, a[k], 0, len);
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
                out[k].put(from, a[k == 0 ? 0 : k + 1], 0, len);
            }
        }
    }
}
