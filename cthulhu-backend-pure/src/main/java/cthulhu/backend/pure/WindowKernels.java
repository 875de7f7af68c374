package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.PoolOp;
import cthulhu.backend.Window;
import java.util.Arrays;

/**
 * Convolution, its two gradients, pooling and its gradient on row-major {@code float[]} or
 * {@code double[]} storage, the same values as {@link cthulhu.backend.ConvComposites} computes
 * over the primitives.
 *
 * <p>A convolution is an implicit GEMM: the output rows are taken a block at a time, the block's
 * patches are gathered ({@code im2col}, whole runs of adjacent taps copied at once) into a buffer
 * that stays in the cache, and multiplied by the kernel with the packed, register-tiled kernel
 * of {@link Matmul#accumulate} straight into the output; the blocks are split over the cores.
 * The kernel gradient multiplies the same buffers, transposed, by the output gradient read in
 * place, one partial sum per core; the input gradient multiplies the output gradient by the
 * transposed kernel and adds the columns back where they were gathered from, one image per
 * core at a time. Pooling and its gradient are loops over the taps of each window
 * ({@link Patches}).
 */
final class WindowKernels {

    /** Elements of one block's gathered columns: small enough for the L2 cache with the kernel. */
    private static final int BLOCK_ELEMENTS = 1 << 15;

    /** Work (multiply-adds or element visits) below which a call stays on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1 << 20;

    private WindowKernels() {
    }

    /** Scratch of one thread: a block's columns and a row of zeros. */
    private static final class Buffers {
        final Object cols;
        final Object zeros;

        Buffers(Object like, Patches p, int blockRows) {
            int width = p.taps * p.channels;
            cols = newArray(like, blockRows * width);
            zeros = newArray(like, width);
        }
    }

    /**
     * The convolution of {@code x} {@code (n, spatial…, cin)} with {@code kernel}
     * {@code (size…, cin, cout)}: storage of shape {@code (n, out…, cout)}.
     */
    static Object conv(Object x, int[] xShape, Object kernel, int cout, Window w) {
        Patches p = new Patches(xShape, w);
        int width = p.taps * p.channels;
        int blockRows = blockRows(width);
        int blocks = (p.rows + blockRows - 1) / blockRows;
        Object y = newArray(x, p.rows * cout);
        int[][] runs = p.rowRuns();
        Parallel.forChunks(blocks, chunks((long) p.rows * width * cout), (from, to) -> {
            Buffers buf = new Buffers(x, p, blockRows);
            for (int block = from; block < to; block++) {
                int r0 = block * blockRows;
                int n = Math.min(blockRows, p.rows - r0);
                gather(p, runs, x, r0, n, buf);
                Matmul.accumulate(buf.cols, 0, kernel, 0, y, r0 * cout, n, cout, width, false, false, true);
            }
        });
        return y;
    }

    /**
     * The gradient of {@link #conv} with respect to its kernel: {@code Σ cols(x)ᵀ · g} over every
     * output row, storage of shape {@code (size…, cin, cout)}, one partial sum per core. The
     * matrix kernel copies a transposed left operand element by element while it reads a
     * row-major right operand in place, so when the columns are wider than {@code g} each part
     * sums the transpose {@code gᵀ · cols(x)} instead, transposed once at the end.
     */
    static Object convKernelGradient(Object x, int[] xShape, Object g, int cout, Window w) {
        Patches p = new Patches(xShape, w);
        int width = p.taps * p.channels;
        int blockRows = blockRows(width);
        int blocks = (p.rows + blockRows - 1) / blockRows;
        int parts = Math.max(1, Math.min(blocks, chunks((long) p.rows * width * cout)));
        boolean transposed = width > cout;
        Object[] partial = new Object[parts];
        int[][] runs = p.rowRuns();
        Parallel.forChunks(parts, parts, (first, last) -> {
            for (int part = first; part < last; part++) {
                Object dk = newArray(x, width * cout);
                Buffers buf = new Buffers(x, p, blockRows);
                for (int block = blocks * part / parts; block < blocks * (part + 1) / parts; block++) {
                    int r0 = block * blockRows;
                    int n = Math.min(blockRows, p.rows - r0);
                    gather(p, runs, x, r0, n, buf);
                    if (transposed) {
                        Matmul.accumulate(g, r0 * cout, buf.cols, 0, dk, 0, cout, width, n, true, false, false);
                    } else {
                        Matmul.accumulate(buf.cols, 0, g, r0 * cout, dk, 0, width, cout, n, true, false, false);
                    }
                }
                partial[part] = dk;
            }
        });
        return transposed ? transpose(sum(partial), cout, width) : sum(partial);
    }

    /**
     * The gradient of {@link #conv} with respect to its input {@code (n, spatial…, cin)} for the
     * output gradient {@code g} {@code (n, out…, cout)}: {@code g · kernelᵀ} added back where
     * each column was gathered from.
     *
     * @throws IllegalArgumentException when {@code g}'s spatial shape is not the window's output
     *     over {@code xShape}
     */
    static Object convTranspose(Object g, int[] gShape, Object kernel, int[] xShape, Window w) {
        Patches p = new Patches(xShape, w);
        int[] expected = p.outShape(xShape[0], gShape[gShape.length - 1]);
        if (!Arrays.equals(expected, gShape)) {
            throw new IllegalArgumentException("convTranspose: a gradient of shape " + Arrays.toString(gShape)
                    + " does not fit a convolution of input " + Arrays.toString(xShape) + " by " + w
                    + ", whose output is " + Arrays.toString(expected));
        }
        int cout = gShape[gShape.length - 1];
        int width = p.taps * p.channels;
        int blockRows = blockRows(width);
        Object dx = newArray(g, (int) ((long) xShape[0] * sizeOfImage(xShape)));
        // Transposed once here, the kernel is read row-major in place by every block's product
        // rather than copied element by element into packed panels for each.
        Object kernelT = transpose(kernel, width, cout);
        int[][] runs = p.rowRuns();
        // Windows of one image overlap, so each image is added to by one thread only.
        Parallel.forChunks(xShape[0], chunks((long) p.rows * width * cout), (from, to) -> {
            Buffers buf = new Buffers(g, p, blockRows);
            Patches.Cursor cursor = p.cursor(from * p.rowsPerImage);
            for (int r0 = from * p.rowsPerImage; r0 < to * p.rowsPerImage; r0 += blockRows) {
                int n = Math.min(blockRows, to * p.rowsPerImage - r0);
                clear(buf.cols, n * width);
                Matmul.accumulate(g, r0 * cout, kernelT, 0, buf.cols, 0, n, width, cout, false, false, true);
                for (int r = 0; r < n; r++, cursor.advance()) {
                    scatter(runs[(r0 + r) % p.rowsPerImage], buf.cols, r * width, cursor.base(), dx);
                }
            }
        });
        return dx;
    }

    /** Max or average pooling of {@code x} {@code (n, spatial…, c)}: storage of shape {@code (n, out…, c)}. */
    static Object pool(PoolOp op, Object x, int[] xShape, Window w) {
        Patches p = new Patches(xShape, w);
        Object y = newArray(x, p.rows * p.channels);
        Parallel.forChunks(p.rows, chunks((long) p.rows * p.taps * p.channels), (from, to) -> {
            int[] src = new int[p.taps];
            Patches.Cursor cursor = p.cursor(from);
            for (int row = from; row < to; row++) {
                cursor.next(src);
                if (x instanceof float[] xf) {
                    FloatDispatch.poolRow(op, xf, src, p.channels, (float[]) y, row * p.channels);
                } else {
                    DoubleDispatch.poolRow(op, (double[]) x, src, p.channels, (double[]) y, row * p.channels);
                }
            }
        });
        return y;
    }

    /**
     * The gradient of {@link #pool} with respect to {@code x}, given its output {@code y} and the
     * output gradient {@code g}: the maximum's gradient to the first tap that holds it, the
     * average's shared among the window's cells inside the input.
     */
    static Object poolGradient(PoolOp op, Object x, int[] xShape, Object y, Object g, Window w) {
        Patches p = new Patches(xShape, w);
        Object dx = newArray(x, (int) ((long) xShape[0] * sizeOfImage(xShape)));
        Parallel.forChunks(xShape[0], chunks((long) p.rows * p.taps * p.channels), (from, to) -> {
            int[] src = new int[p.taps];
            Patches.Cursor cursor = p.cursor(from * p.rowsPerImage);
            for (int row = from * p.rowsPerImage; row < to * p.rowsPerImage; row++) {
                cursor.next(src);
                if (x instanceof float[] xf) {
                    FloatDispatch.poolGradientRow(op, xf, src, p.channels, (float[]) y, (float[]) g, row * p.channels, (float[]) dx);
                } else {
                    DoubleDispatch.poolGradientRow(op, (double[]) x, src, p.channels, (double[]) y, (double[]) g, row * p.channels,
                            (double[]) dx);
                }
            }
        });
        return dx;
    }

    // ---- helpers --------------------------------------------------------------------------

    private static int blockRows(int width) {
        int rows = BLOCK_ELEMENTS / Math.max(1, width);
        return Math.max(VectorFloatGemm.MR, rows - rows % VectorFloatGemm.MR);
    }

    private static int chunks(long work) {
        return work < MIN_PARALLEL_WORK ? 1 : Parallel.threads();
    }

    private static long sizeOfImage(int[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /**
     * Rows {@code [r0, r0 + n)} of the columns into {@code buf.cols}: zeros for padding, adjacent
     * taps copied as one run ({@code runs}, from {@link Patches#rowRuns}), and neighbouring
     * interior windows along the last axis copied by one loop ({@link FloatDispatch#copyRuns}).
     * The runs are written in order, so that {@link FloatDispatch#copyRun} may write past a run's
     * end what a later run overwrites.
     */
    private static void gather(Patches p, int[][] runs, Object x, int r0, int n, Buffers buf) {
        int width = p.taps * p.channels;
        Patches.Cursor cursor = p.cursor(r0);
        for (int r = 0; r < n; r++, cursor.advance()) {
            int row = r * width;
            if (cursor.interior()) {
                int count = Math.min(n - r, cursor.interiorRows());
                if (x instanceof float[] xf) {
                    FloatDispatch.copyRuns(xf, cursor.base(), cursor.step(), p.runFrom, p.runTo, p.runLength, (float[]) buf.cols,
                            row, width, count);
                } else {
                    DoubleDispatch.copyRuns((double[]) x, cursor.base(), cursor.step(), p.runFrom, p.runTo, p.runLength,
                            (double[]) buf.cols, row, width, count);
                }
                for (int q = 1; q < count; q++) {
                    cursor.advance();
                }
                r += count - 1;
                continue;
            }
            int[] edge = runs[(r0 + r) % p.rowsPerImage];
            for (int k = 0; k < edge.length; k += 3) {
                if (edge[k] < 0) {
                    System.arraycopy(buf.zeros, 0, buf.cols, row + edge[k + 1], edge[k + 2]);
                } else {
                    copyRun(x, cursor.base() + edge[k], buf.cols, row + edge[k + 1], edge[k + 2]);
                }
            }
        }
    }

    private static void copyRun(Object x, int from, Object cols, int to, int len) {
        if (x instanceof float[] xf) {
            FloatDispatch.copyRun(xf, from, (float[]) cols, to, len);
        } else {
            DoubleDispatch.copyRun((double[]) x, from, (double[]) cols, to, len);
        }
    }

    /**
     * Adds one row of columns, from {@code off}, to {@code dx} where its window, whose origin
     * lies at {@code base}, gathered them from: by the window's {@code runs}
     * ({@link Patches#rowRuns}), runs of padding dropped.
     */
    private static void scatter(int[] runs, Object cols, int off, int base, Object dx) {
        for (int k = 0; k < runs.length; k += 3) {
            if (runs[k] < 0) {
                continue;
            }
            int at = base + runs[k];
            if (dx instanceof float[] dxf) {
                FloatDispatch.binary(BinaryOp.ADD, dxf, at, (float[]) cols, off + runs[k + 1], dxf, at, runs[k + 2]);
            } else {
                DoubleDispatch.binary(BinaryOp.ADD, (double[]) dx, at, (double[]) cols, off + runs[k + 1], (double[]) dx, at,
                        runs[k + 2]);
            }
        }
    }

    private static Object newArray(Object like, int n) {
        return like instanceof float[] ? new float[n] : new double[n];
    }

    private static void clear(Object a, int n) {
        if (a instanceof float[] f) {
            Arrays.fill(f, 0, n, 0f);
        } else {
            Arrays.fill((double[]) a, 0, n, 0d);
        }
    }

    /** {@code parts[0]} with the other parts, arrays of the same length, added to it. */
    private static Object sum(Object[] parts) {
        for (int part = 1; part < parts.length; part++) {
            if (parts[0] instanceof float[] acc) {
                FloatDispatch.binary(BinaryOp.ADD, acc, 0, (float[]) parts[part], 0, acc, 0, acc.length);
            } else {
                double[] acc = (double[]) parts[0];
                DoubleDispatch.binary(BinaryOp.ADD, acc, 0, (double[]) parts[part], 0, acc, 0, acc.length);
            }
        }
        return parts[0];
    }

    /** The {@code cols × rows} transpose of the row-major {@code rows × cols} matrix {@code a}. */
    private static Object transpose(Object a, int rows, int cols) {
        Object t = newArray(a, rows * cols);
        if (a instanceof float[] af) {
            FloatKernels.addTransposed(af, rows, cols, (float[]) t);
        } else {
            DoubleKernels.addTransposed((double[]) a, rows, cols, (double[]) t);
        }
        return t;
    }
}
