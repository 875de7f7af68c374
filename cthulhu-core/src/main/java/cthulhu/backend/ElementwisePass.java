package cthulhu.backend;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs an {@link ElementKernel} over tensors' storage given as NIO buffers (heap arrays or native
 * memory), for {@link Backend#mapElements}. The elements move between the buffers and the heap in
 * chunks that stay in the core's cache, so the JIT compiles the kernel's arithmetic over plain
 * arrays; from {@value #PARALLEL_FROM} elements on, the second half of the elements runs on the
 * common fork-join pool. Float32 storage runs the kernel's float32 form when it has one
 * ({@link ElementKernel#floats()}), else is widened to double and rounded back.
 */
public final class ElementwisePass {

    /** Elements moved between a buffer and the heap at a time. */
    private static final int CHUNK = 2048;

    /** From this many elements on, the pass is split over two threads. */
    private static final int PARALLEL_FROM = 1 << 16;

    private ElementwisePass() {
    }

    /**
     * Runs {@code kernel} over {@code n} elements of float32 or float64 storage.
     *
     * @param in the inputs: all {@link FloatBuffer}s or all {@link DoubleBuffer}s, of at least
     *     {@code n} elements from index 0, in row-major order
     * @param out the outputs, of the same buffer type and length
     * @throws IllegalArgumentException if there is no input, or the buffers are not all float or
     *     all double buffers
     */
    public static void run(ElementKernel kernel, Buffer[] in, Buffer[] out, int n) {
        if (in.length == 0) {
            throw new IllegalArgumentException("An element-wise pass needs at least one input buffer");
        }
        Class<?> type = in[0] instanceof FloatBuffer ? FloatBuffer.class : DoubleBuffer.class;
        for (Buffer b : concat(in, out)) {
            if (!type.isInstance(b)) {
                throw new IllegalArgumentException("An element-wise pass takes buffers of one type, FloatBuffer or DoubleBuffer; got "
                        + type.getSimpleName() + " and " + b.getClass().getSimpleName());
            }
        }
        split(n, (start, end) -> chunks(kernel, in, out, start, end));
    }

    /**
     * Runs {@code kernel} over {@code n} elements of native memory handed out as byte buffers in
     * native byte order (the form in which native libraries expose their arrays).
     */
    public static void run(ElementKernel kernel, DType dtype, ByteBuffer[] in, ByteBuffer[] out, int n) {
        run(kernel, typed(dtype, in), typed(dtype, out), n);
    }

    /**
     * {@link Backend#mapElements} over the primitives: copies the inputs to Java arrays, runs the
     * pass on them and makes the outputs with {@link Backend#fromArray}.
     */
    public static Tensor[] copying(Backend backend, ElementKernel kernel, List<Tensor> inputs, int outputs) {
        Tensor first = inputs.get(0);
        int n = Math.toIntExact(first.size());
        Tensor[] results = new Tensor[outputs];
        if (first.dtype() == DType.FLOAT32) {
            Buffer[] in = inputs.stream().map(x -> FloatBuffer.wrap(x.toFloatArray())).toArray(Buffer[]::new);
            float[][] out = new float[outputs][n];
            run(kernel, in, wrap(out), n);
            for (int k = 0; k < outputs; k++) {
                results[k] = backend.fromArray(out[k], first.shape(), DType.FLOAT32);
            }
        } else {
            Buffer[] in = inputs.stream().map(x -> DoubleBuffer.wrap(x.toDoubleArray())).toArray(Buffer[]::new);
            double[][] out = new double[outputs][n];
            run(kernel, in, wrap(out), n);
            for (int k = 0; k < outputs; k++) {
                results[k] = backend.fromArray(out[k], first.shape(), DType.FLOAT64);
            }
        }
        return results;
    }

    /** Heap arrays as buffers for {@link #run(ElementKernel, Buffer[], Buffer[], int)}. */
    public static Buffer[] wrap(float[]... arrays) {
        Buffer[] buffers = new Buffer[arrays.length];
        for (int k = 0; k < arrays.length; k++) {
            buffers[k] = FloatBuffer.wrap(arrays[k]);
        }
        return buffers;
    }

    /** Heap arrays as buffers for {@link #run(ElementKernel, Buffer[], Buffer[], int)}. */
    public static Buffer[] wrap(double[]... arrays) {
        Buffer[] buffers = new Buffer[arrays.length];
        for (int k = 0; k < arrays.length; k++) {
            buffers[k] = DoubleBuffer.wrap(arrays[k]);
        }
        return buffers;
    }

    private static Buffer[] typed(DType dtype, ByteBuffer[] bytes) {
        Buffer[] buffers = new Buffer[bytes.length];
        for (int k = 0; k < bytes.length; k++) {
            buffers[k] = dtype == DType.FLOAT32 ? bytes[k].asFloatBuffer() : bytes[k].asDoubleBuffer();
        }
        return buffers;
    }

    private static Buffer[] concat(Buffer[] a, Buffer[] b) {
        Buffer[] all = new Buffer[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
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

    private static void chunks(ElementKernel kernel, Buffer[] in, Buffer[] out, int start, int end) {
        ElementKernel.FloatKernel floats = kernel.floats();
        if (in[0] instanceof FloatBuffer && floats != null) {
            floatChunks(floats, in, out, start, end);
            return;
        }
        int size = Math.min(end - start, CHUNK);
        double[][] a = new double[in.length][size];
        double[][] b = new double[out.length][size];
        float[] staging = in[0] instanceof FloatBuffer ? new float[size] : null;
        for (int from = start; from < end; from += CHUNK) {
            int len = Math.min(CHUNK, end - from);
            for (int k = 0; k < in.length; k++) {
                if (staging == null) {
                    ((DoubleBuffer) in[k]).get(from, a[k], 0, len);
                } else {
                    ((FloatBuffer) in[k]).get(from, staging, 0, len);
                    widen(staging, a[k], len);
                }
            }
            kernel.apply(a, b, len);
            for (int k = 0; k < out.length; k++) {
                if (staging == null) {
                    ((DoubleBuffer) out[k]).put(from, b[k], 0, len);
                } else {
                    narrow(b[k], staging, len);
                    ((FloatBuffer) out[k]).put(from, staging, 0, len);
                }
            }
        }
    }

    /** The chunks of a kernel's float32 form: the elements move as they are, never widened. */
    private static void floatChunks(ElementKernel.FloatKernel kernel, Buffer[] in, Buffer[] out, int start, int end) {
        int size = Math.min(end - start, CHUNK);
        float[][] a = new float[in.length][size];
        float[][] b = new float[out.length][size];
        for (int from = start; from < end; from += CHUNK) {
            int len = Math.min(CHUNK, end - from);
            for (int k = 0; k < in.length; k++) {
                ((FloatBuffer) in[k]).get(from, a[k], 0, len);
            }
            kernel.apply(a, b, len);
            for (int k = 0; k < out.length; k++) {
                ((FloatBuffer) out[k]).put(from, b[k], 0, len);
            }
        }
    }

    private static void widen(float[] from, double[] to, int len) {
        for (int i = 0; i < len; i++) {
            to[i] = from[i];
        }
    }

    private static void narrow(double[] from, float[] to, int len) {
        for (int i = 0; i < len; i++) {
            to[i] = (float) from[i];
        }
    }
}
