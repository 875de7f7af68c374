package cthulhu.backend.nd4j;

import cthulhu.backend.PoolOp;
import cthulhu.backend.Window;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Convolution and pooling, channels-last ({@code NHWC}) with Keras's kernel layout
 * ({@code [kh, kw, in, out]}): a convolution is an {@code im2col} on the host — each output
 * position's taps copied into one row {@code (kh, kw, in)} — times the kernel seen as a
 * {@code (taps·in) × out} matrix, one BLAS {@code gemm}; its kernel gradient is the same columns
 * transposed times the output gradient, one {@code gemm}; its input gradient is the output
 * gradient times the kernel transposed, one {@code gemm}, whose rows a {@code col2im} on the host
 * adds back onto the cells they came from. Pooling and its gradient are loops on the host over
 * the same table of taps.
 *
 * <p>Why not libnd4j's own kernels: its {@code conv2d} ran at 9 GFLOP/s where OpenBLAS's
 * {@code gemm} runs at about 180, its {@code conv2d_bp}/{@code deconv2d_tf} and
 * {@code maxpool2d_bp} were slower still (a {@code maxpool2d_bp} of a {@code (64, 32, 32, 32)}
 * input took longer than the {@code gemm} of the convolution before it), and its {@code im2col}
 * works on {@code NCHW} only (two transposing copies around it); a strided view copied by libnd4j
 * takes its generic per-element path, 4 to 70 times slower than the host loop. The host loops
 * read and write each batch sample's cells as one block between the native buffer and the Java
 * heap, and copy or add runs of taps that lie on consecutive cells at once.
 *
 * <p>Padding, strides and dilation are handled by the table ({@link Taps}): a tap in the padding
 * reads zero, adds nothing back, never wins a maximum and does not count in an average, so
 * padding before and after may differ and no padded copy is made. A 1-D window runs as a 2-D one
 * over a height of 1. All methods return new arrays the caller owns and give their temporaries
 * back to the pool.
 */
final class Nd4jWindows {

    private Nd4jWindows() {
    }

    /**
     * Where the taps of each output position read the input: runs of taps that lie on consecutive
     * input cells (or all in the padding), position after position, taps in row-major window
     * order. Cells are numbered row-major over one sample's spatial axes.
     */
    private static final class Taps {
        /** Input cells of one sample. */
        final int inCells;
        /** Output positions of one sample. */
        final int outCells;
        /** Taps of the window. */
        final int taps;
        /** The runs of position {@code p} are {@code first[p]} to {@code first[p + 1]}. */
        final int[] first;
        /** The first tap of each run, in the window's row-major order. */
        final int[] tap;
        /** The input cell of the run's first tap; -1 for a run in the padding. */
        final int[] cell;
        /** The taps in each run. */
        final int[] length;
        /** The taps of each position that lie inside the input. */
        final int[] inside;

        Taps(Window original, long[] inputShape) {
            Window w = lifted(original);
            int[] spatial = {(int) lifted(inputShape)[1], (int) lifted(inputShape)[2]};
            int[] out = w.outputSpatial(spatial);
            int[] size = w.size();
            int[] s = w.strides();
            int[] d = w.dilation();
            int[] pad = w.padBefore();
            inCells = spatial[0] * spatial[1];
            outCells = out[0] * out[1];
            taps = w.taps();
            first = new int[outCells + 1];
            inside = new int[outCells];
            int[] tap = new int[outCells * taps];
            int[] cell = new int[outCells * taps];
            int[] length = new int[outCells * taps];
            int runs = 0;
            for (int p = 0; p < outCells; p++) {
                first[p] = runs;
                for (int t = 0; t < taps; t++) {
                    int row = (p / out[1]) * s[0] + (t / size[1]) * d[0] - pad[0];
                    int col = (p % out[1]) * s[1] + (t % size[1]) * d[1] - pad[1];
                    boolean in = row >= 0 && row < spatial[0] && col >= 0 && col < spatial[1];
                    int c = in ? row * spatial[1] + col : -1;
                    inside[p] += in ? 1 : 0;
                    int last = runs - 1;
                    if (runs > first[p] && (c < 0 ? cell[last] < 0 : cell[last] >= 0 && cell[last] + length[last] == c)) {
                        length[last]++;
                    } else {
                        tap[runs] = t;
                        cell[runs] = c;
                        length[runs] = 1;
                        runs++;
                    }
                }
            }
            first[outCells] = runs;
            this.tap = Arrays.copyOf(tap, runs);
            this.cell = Arrays.copyOf(cell, runs);
            this.length = Arrays.copyOf(length, runs);
        }

        /** Whether every position reads exactly its own cell: the columns are the input itself. */
        boolean identity() {
            if (taps != 1 || outCells != inCells) {
                return false;
            }
            for (int p = 0; p < outCells; p++) {
                if (cell[first[p]] != p) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A window over one spatial axis as a 2-D window over a height of 1. */
    private static Window lifted(Window w) {
        return w.rank() == 2 ? w : new Window(
                new int[] {1, w.size()[0]}, new int[] {1, w.strides()[0]}, new int[] {1, w.dilation()[0]},
                new int[] {0, w.padBefore()[0]}, new int[] {0, w.padAfter()[0]});
    }

    /** A shape {@code (n, spatial…, c)} with two spatial axes. */
    private static long[] lifted(long[] shape) {
        return shape.length == 4 ? shape : new long[] {shape[0], 1, shape[1], shape[2]};
    }

    /** The shape {@code (n, out…, c)} of a windowed operation's result, in the caller's rank. */
    private static long[] outShape(Window w, long[] xShape, long c) {
        int r = w.rank();
        int[] spatial = new int[r];
        for (int i = 0; i < r; i++) {
            spatial[i] = (int) xShape[i + 1];
        }
        int[] out = w.outputSpatial(spatial);
        long[] shape = new long[r + 2];
        shape[0] = xShape[0];
        for (int i = 0; i < r; i++) {
            shape[i + 1] = out[i];
        }
        shape[r + 1] = c;
        return shape;
    }

    /** The convolution of {@code x} with {@code kernel}: the input's columns times the kernel, one {@code gemm}. */
    static INDArray conv(ArrayPool pool, INDArray x, INDArray kernel, Window w) {
        long cout = kernel.size(kernel.rank() - 1);
        INDArray y = pool.take(x.dataType(), outShape(w, x.shape(), cout));
        Taps taps = new Taps(w, x.shape());
        INDArray cols = columns(pool, taps, x);
        try {
            long rows = x.size(0) * taps.outCells;
            Nd4j.gemm(cols.reshape('c', rows, cols.length() / rows), kernel.reshape('c', kernel.length() / cout, cout),
                    y.reshape('c', rows, cout), false, false, 1.0, 0.0);
        } finally {
            releaseColumns(pool, cols, x);
        }
        return y;
    }

    /**
     * The gradient of {@link #conv} with respect to its input, of shape {@code (n, spatial…, in)}:
     * the output gradient times the kernel transposed, one {@code gemm} into columns, added back
     * onto the cells each column came from. Cells no window reads get 0.
     */
    static INDArray convTranspose(ArrayPool pool, INDArray g, INDArray kernel, Window w, int[] spatial) {
        int r = w.rank();
        long cin = kernel.size(r);
        long cout = kernel.size(r + 1);
        long[] xShape = new long[r + 2];
        xShape[0] = g.size(0);
        for (int i = 0; i < r; i++) {
            xShape[i + 1] = spatial[i];
        }
        xShape[r + 1] = cin;
        Taps taps = new Taps(w, xShape);
        long rows = g.size(0) * taps.outCells;
        long width = taps.taps * cin;
        INDArray cols = pool.take(g.dataType(), new long[] {rows, width});
        INDArray dense = dense(g);
        try {
            Nd4j.gemm(dense.reshape('c', rows, cout), kernel.reshape('c', width, cout), cols, false, true, 1.0, 0.0);
        } finally {
            closeIfCopy(dense, g);
        }
        INDArray dx = pool.take(g.dataType(), xShape);
        try {
            addBack(taps, cols, dx, (int) cin);
        } finally {
            pool.release(cols);
        }
        return dx;
    }

    /**
     * The gradient of {@link #conv} with respect to its kernel: the input's columns transposed
     * times the output gradient seen as {@code (n·out…) × out}, one {@code gemm}.
     */
    static INDArray convKernelGradient(ArrayPool pool, INDArray x, INDArray g, Window w) {
        int r = w.rank();
        long cin = x.size(r + 1);
        long cout = g.size(r + 1);
        long[] kernelShape = new long[r + 2];
        for (int i = 0; i < r; i++) {
            kernelShape[i] = w.size()[i];
        }
        kernelShape[r] = cin;
        kernelShape[r + 1] = cout;
        INDArray dk = pool.take(x.dataType(), kernelShape);
        Taps taps = new Taps(w, x.shape());
        INDArray cols = columns(pool, taps, x);
        INDArray dense = dense(g);
        try {
            long rows = x.size(0) * taps.outCells;
            Nd4j.gemm(cols.reshape('c', rows, taps.taps * cin), dense.reshape('c', rows, cout),
                    dk.reshape('c', taps.taps * cin, cout), true, false, 1.0, 0.0);
        } finally {
            closeIfCopy(dense, g);
            releaseColumns(pool, cols, x);
        }
        return dk;
    }

    /** Max or average pooling of each channel over the window's taps inside the input. */
    static INDArray pool(ArrayPool pool, PoolOp op, INDArray x, Window w) {
        int c = (int) x.size(x.rank() - 1);
        INDArray y = pool.take(x.dataType(), outShape(w, x.shape(), c));
        Taps taps = new Taps(w, x.shape());
        INDArray in = dense(x);
        try {
            new Samples(x.size(0)).input(in, (long) taps.inCells * c).output(y, (long) taps.outCells * c)
                    .compute((xs, ys) -> pool(op, taps, xs[0], ys[0], c));
        } finally {
            closeIfCopy(in, x);
        }
        return y;
    }

    /**
     * The gradient of {@link #pool} given its output {@code y}: a maximum's gradient goes to the
     * first tap (in row-major window order) that holds it, as TensorFlow does; an average's is
     * shared equally among the taps inside the input.
     */
    static INDArray poolGradient(ArrayPool pool, PoolOp op, INDArray x, INDArray y, INDArray g, Window w) {
        int c = (int) x.size(x.rank() - 1);
        INDArray dx = pool.take(x.dataType(), x.shape());
        Taps taps = new Taps(w, x.shape());
        INDArray gs = dense(g);
        boolean max = op == PoolOp.MAX;
        INDArray xs = max ? dense(x) : null;
        INDArray ys = max ? dense(y) : null;
        try {
            long in = (long) taps.inCells * c;
            long out = (long) taps.outCells * c;
            Samples io = new Samples(x.size(0)).input(gs, out);
            if (max) {
                io.input(xs, in).input(ys, out);
            }
            io.output(dx, in).compute((a, b) -> poolGradient(max, taps, a, b[0], c));
        } finally {
            closeIfCopy(gs, g);
            if (max) {
                closeIfCopy(xs, x);
                closeIfCopy(ys, y);
            }
        }
        return dx;
    }

    // ---- im2col and col2im ------------------------------------------------------------------

    /**
     * The columns of {@code x} {@code (n, spatial…, in)}: for each sample and output position,
     * the {@code in} channels of every tap side by side, zeros for a tap in the padding; an array
     * {@code (n·out…, taps·in)}, or {@code x} itself for a window that reads each cell once in place.
     */
    private static INDArray columns(ArrayPool pool, Taps taps, INDArray x) {
        if (taps.identity()) {
            return x;
        }
        int c = (int) x.size(x.rank() - 1);
        INDArray cols = pool.take(x.dataType(), new long[] {x.size(0) * taps.outCells, (long) taps.taps * c});
        INDArray in = dense(x);
        try {
            Object zeros = x.dataType() == DataType.FLOAT ? new float[taps.taps * c] : new double[taps.taps * c];
            new Samples(x.size(0)).input(in, (long) taps.inCells * c).output(cols, (long) taps.outCells * taps.taps * c)
                    .copy((xs, rows) -> {
                        for (int p = 0; p < taps.outCells; p++) {
                            int row = p * taps.taps * c;
                            for (int run = taps.first[p]; run < taps.first[p + 1]; run++) {
                                int cell = taps.cell[run];
                                System.arraycopy(cell < 0 ? zeros : xs[0], cell < 0 ? 0 : cell * c, rows[0],
                                        row + taps.tap[run] * c, taps.length[run] * c);
                            }
                        }
                    });
        } finally {
            closeIfCopy(in, x);
        }
        return cols;
    }

    private static void releaseColumns(ArrayPool pool, INDArray cols, INDArray x) {
        if (cols != x) {
            pool.release(cols);
        }
    }

    /** {@code dx} set to the sum of the columns of {@code cols} added onto the cells they were gathered from. */
    private static void addBack(Taps taps, INDArray cols, INDArray dx, int c) {
        new Samples(dx.size(0)).input(cols, (long) taps.outCells * taps.taps * c).output(dx, (long) taps.inCells * c)
                .compute((rows, xs) -> {
                    double[] acc = xs[0];
                    double[] from = rows[0];
                    Arrays.fill(acc, 0);
                    for (int p = 0; p < taps.outCells; p++) {
                        for (int run = taps.first[p]; run < taps.first[p + 1]; run++) {
                            if (taps.cell[run] >= 0) {
                                int to = taps.cell[run] * c;
                                int at = (p * taps.taps + taps.tap[run]) * c;
                                for (int i = 0, len = taps.length[run] * c; i < len; i++) {
                                    acc[to + i] += from[at + i];
                                }
                            }
                        }
                    }
                });
    }

    // ---- pooling on one sample --------------------------------------------------------------

    /** {@code y} of one sample: the maximum (NaN if any tap is NaN) or the mean of each window's taps inside the input. */
    private static void pool(PoolOp op, Taps taps, double[] x, double[] y, int c) {
        boolean max = op == PoolOp.MAX;
        Arrays.fill(y, max ? Double.NEGATIVE_INFINITY : 0);
        for (int p = 0; p < taps.outCells; p++) {
            int o = p * c;
            for (int run = taps.first[p]; run < taps.first[p + 1]; run++) {
                for (int cell = taps.cell[run], end = cell < 0 ? cell : cell + taps.length[run]; cell < end; cell++) {
                    for (int k = 0, i = cell * c; k < c; k++, i++) {
                        y[o + k] = max ? Math.max(y[o + k], x[i]) : y[o + k] + x[i];
                    }
                }
            }
            if (!max) {
                for (int k = 0; k < c; k++) {
                    y[o + k] /= taps.inside[p];
                }
            }
        }
    }

    /**
     * {@code dx} of one sample from {@code in}: its output gradient, and for a maximum its input
     * and pooled output, whose first equal tap in each window takes the window's gradient.
     */
    private static void poolGradient(boolean max, Taps taps, double[][] in, double[] dx, int c) {
        double[] g = in[0];
        double[] open = new double[c];
        Arrays.fill(dx, 0);
        for (int p = 0; p < taps.outCells; p++) {
            int o = p * c;
            if (!max) {
                for (int run = taps.first[p]; run < taps.first[p + 1]; run++) {
                    for (int cell = taps.cell[run], end = cell < 0 ? cell : cell + taps.length[run]; cell < end; cell++) {
                        for (int k = 0, i = cell * c; k < c; k++, i++) {
                            dx[i] += g[o + k] / taps.inside[p];
                        }
                    }
                }
                continue;
            }
            double[] x = in[1];
            // The pooled maximum of each channel, until a tap takes it; NaN, which equals nothing, after.
            System.arraycopy(in[2], o, open, 0, c);
            for (int run = taps.first[p]; run < taps.first[p + 1]; run++) {
                for (int cell = taps.cell[run], end = cell < 0 ? cell : cell + taps.length[run]; cell < end; cell++) {
                    for (int k = 0, i = cell * c; k < c; k++, i++) {
                        if (x[i] == open[k]) {
                            dx[i] += g[o + k];
                            open[k] = Double.NaN;
                        }
                    }
                }
            }
        }
    }

    // ---- moving samples between native buffers and the heap ---------------------------------

    /**
     * A loop over the batch: for each sample, its block of every input array is read into the
     * heap, a loop computes the sample's blocks of the output arrays, and those are written back.
     * Arrays are dense and row-major, of one type, the sample their slowest axis.
     */
    private static final class Samples {
        private final long n;
        private final List<INDArray> arrays = new ArrayList<>();
        private final List<Integer> sizes = new ArrayList<>();
        private int inputs;

        Samples(long n) {
            this.n = n;
        }

        Samples input(INDArray array, long perSample) {
            arrays.add(inputs++, array);
            sizes.add(inputs - 1, Math.toIntExact(perSample));
            return this;
        }

        Samples output(INDArray array, long perSample) {
            arrays.add(array);
            sizes.add(Math.toIntExact(perSample));
            return this;
        }

        /** Runs {@code loop} on heap arrays of the arrays' own type ({@code float[]} or {@code double[]}): for copies. */
        void copy(BiConsumer<Object[], Object[]> loop) {
            run(arrays.get(0).dataType() == DataType.DOUBLE, loop);
        }

        /**
         * Runs {@code loop} on {@code double[]} heap arrays, float32 samples widened on the way in
         * and rounded on the way out: arithmetic written once for both types.
         */
        void compute(BiConsumer<double[][], double[][]> loop) {
            run(true, (in, out) -> loop.accept((double[][]) in, (double[][]) out));
        }

        private void run(boolean asDouble, BiConsumer<Object[], Object[]> loop) {
            int count = arrays.size();
            Object[] heap = asDouble ? new double[count][] : new float[count][];
            float[][] staging = new float[count][];
            for (int i = 0; i < count; i++) {
                heap[i] = asDouble ? new double[sizes.get(i)] : new float[sizes.get(i)];
                if (asDouble && arrays.get(i).dataType() == DataType.FLOAT) {
                    staging[i] = new float[sizes.get(i)];
                }
            }
            // Copies keep the runtime type, double[][] or float[][], that compute's cast relies on.
            Object[] in = Arrays.copyOfRange(heap, 0, inputs);
            Object[] out = Arrays.copyOfRange(heap, inputs, count);
            for (long b = 0; b < n; b++) {
                for (int i = 0; i < inputs; i++) {
                    transfer(arrays.get(i), b * sizes.get(i), heap[i], staging[i], true);
                }
                loop.accept(in, out);
                for (int i = inputs; i < count; i++) {
                    transfer(arrays.get(i), b * sizes.get(i), heap[i], staging[i], false);
                }
            }
        }

        /** Reads {@code array}'s elements from {@code at} into {@code heap} (or writes them from it), through {@code staging} when widening. */
        private static void transfer(INDArray array, long at, Object heap, float[] staging, boolean read) {
            int from = Math.toIntExact(at);
            if (array.dataType() == DataType.DOUBLE) {
                DoubleBuffer buffer = array.data().asNioDouble();
                if (read) {
                    buffer.get(from, (double[]) heap);
                } else {
                    buffer.put(from, (double[]) heap);
                }
                return;
            }
            FloatBuffer buffer = array.data().asNioFloat();
            if (staging == null) {
                if (read) {
                    buffer.get(from, (float[]) heap);
                } else {
                    buffer.put(from, (float[]) heap);
                }
                return;
            }
            double[] wide = (double[]) heap;
            if (read) {
                buffer.get(from, staging);
                for (int i = 0; i < wide.length; i++) {
                    wide[i] = staging[i];
                }
            } else {
                for (int i = 0; i < wide.length; i++) {
                    staging[i] = (float) wide[i];
                }
                buffer.put(from, staging);
            }
        }
    }

    /** {@code a} itself when its elements are its whole buffer in row-major order, else a row-major copy. */
    private static INDArray dense(INDArray a) {
        return Nd4jBackend.dense(a) ? a : a.dup('c');
    }

    private static void closeIfCopy(INDArray copy, INDArray original) {
        if (copy != original) {
            copy.close();
        }
    }
}
