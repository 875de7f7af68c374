package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.PoolOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;
import java.util.Arrays;

/**
 * Picks, per call, the {@code float[]} loop that runs fastest on this JVM: the vector-module
 * kernels when {@link VectorSupport#ENABLED}; otherwise the plain loops, in their aligned form
 * (one index for every array) when the offsets agree, because only that form is vectorised by the
 * JIT.
 *
 * <p>Template of the double twin: the build generates {@link DoubleDispatch}, the same choice on
 * {@code double[]}, from this source (see {@code src/build/java/DoubleTwins.java}).
 */
final class FloatDispatch {

    private FloatDispatch() {
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        if (VectorSupport.ENABLED && VectorFloatKernels.vectorises(op)) {
            VectorFloatKernels.unary(op, x, out, from, to);
        } else {
            FloatKernels.unary(op, x, out, from, to);
        }
    }

    /**
     * Softmax of the row {@code x[off .. off + len)}, {@code len > 0}, into {@code out} at the
     * same offsets: fused in {@link VectorFloatKernels#softmaxRow} when enabled, otherwise the
     * operations of {@link cthulhu.backend.Composites#softmax} one after another on the row.
     */
    static void softmaxRow(float[] x, float[] out, int off, int len) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.softmaxRow(x, out, off, len);
            return;
        }
        float[] scalar = new float[1];
        reduce(ReduceOp.MAX, x, off, 1, len, 1, scalar, 0);
        binary(BinaryOp.SUBTRACT, x, off, scalar[0], out, off, len);
        unary(UnaryOp.EXP, out, out, off, off + len);
        reduce(ReduceOp.SUM, out, off, 1, len, 1, scalar, 0);
        binary(BinaryOp.DIVIDE, out, off, scalar[0], out, off, len);
    }

    /** {@link FloatKernels#where}, in vector lanes when enabled. */
    static void where(float[] c, boolean cScalar, float[] a, boolean aScalar, float[] b, boolean bScalar, float[] out,
            int from, int to) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.where(c, cScalar, a, aScalar, b, bScalar, out, from, to);
        } else {
            FloatKernels.where(c, cScalar, a, aScalar, b, bScalar, out, from, to);
        }
    }

    /** {@link FloatKernels#relu}, in vector lanes when enabled. */
    static void relu(float[] x, float[] out, int from, int to) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.relu(x, out, from, to);
        } else {
            FloatKernels.relu(x, out, from, to);
        }
    }

    /**
     * Copies {@code x[from, from + len)} to {@code out[to, to + len)} and may overwrite up to
     * one vector of {@code out} after them: a run no longer than a vector, with a whole vector
     * to read and write, is copied as one vector rather than by a call of
     * {@code System.arraycopy}, which costs more than the copy for the few channels of an image.
     */
    static void copyRun(float[] x, int from, float[] out, int to, int len) {
        if (VectorSupport.ENABLED && VectorFloatKernels.copyVector(x, from, out, to, len)) {
            return;
        }
        System.arraycopy(x, from, out, to, len);
    }

    /**
     * {@link #copyRun} of the runs {@code k} of {@code count} rows {@code q}, in order: from
     * {@code x[base + q · step + from[k]]} to {@code out[row + q · width + to[k]]}, {@code len[k]}
     * elements each, where each run lies after the previous in {@code out}.
     */
    static void copyRuns(float[] x, int base, int step, int[] from, int[] to, int[] len, float[] out, int row, int width,
            int count) {
        for (int q = 0; q < count; q++, base += step, row += width) {
            for (int k = 0; k < from.length; k++) {
                copyRun(x, base + from[k], out, row + to[k], len[k]);
            }
        }
    }

    /** {@link FloatKernels#poolRow}, a maximum in vector lanes when enabled. */
    static void poolRow(PoolOp op, float[] x, int[] src, int c, float[] y, int yo) {
        if (VectorSupport.ENABLED && op == PoolOp.MAX) {
            VectorFloatKernels.maxPoolRow(x, src, c, y, yo);
        } else {
            FloatKernels.poolRow(op, x, src, c, y, yo);
        }
    }

    /** {@link FloatKernels#poolGradientRow}, a maximum's in vector lanes when enabled. */
    static void poolGradientRow(PoolOp op, float[] x, int[] src, int c, float[] y, float[] g, int yo, float[] dx) {
        if (VectorSupport.ENABLED && op == PoolOp.MAX) {
            VectorFloatKernels.maxPoolGradientRow(x, src, c, y, g, yo, dx);
        } else {
            FloatKernels.poolGradientRow(op, x, src, c, y, g, yo, dx);
        }
    }

    /** {@code out[oo + i] = op(a[ao + i], b[bo + i])} for {@code i} in {@code [0, n)}. */
    static void binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.binaryAt(op, a, ao, b, bo, out, oo, n);
        } else if (ao == oo && bo == oo) {
            FloatKernels.binary(op, a, b, out, oo, oo + n);
        } else {
            FloatKernels.binaryAt(op, a, ao, b, bo, out, oo, n);
        }
    }

    /** {@code out[oo + i] = op(a[ao + i], s)} for {@code i} in {@code [0, n)}. */
    static void binary(BinaryOp op, float[] a, int ao, float s, float[] out, int oo, int n) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.binaryAt(op, a, ao, s, out, oo, n);
        } else if (ao == oo) {
            FloatKernels.binary(op, a, s, out, oo, oo + n);
        } else {
            FloatKernels.binaryAt(op, a, ao, s, out, oo, n);
        }
    }

    /** {@code out[oo + i] = op(s, b[bo + i])} for {@code i} in {@code [0, n)}. */
    static void binary(BinaryOp op, float s, float[] b, int bo, float[] out, int oo, int n) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.binaryAt(op, s, b, bo, out, oo, n);
        } else if (bo == oo) {
            FloatKernels.binary(op, s, b, out, oo, oo + n);
        } else {
            FloatKernels.binaryAt(op, s, b, bo, out, oo, n);
        }
    }

    /**
     * {@code out[o + i] = op(x[ox + i · sx], y[oy + i · sy])} for {@code i} in {@code [0, len)}, where
     * each stride is 1, or 0 for one element that stands for all: a run of a broadcasting binary.
     */
    static void binaryRun(BinaryOp op, float[] x, int ox, int sx, float[] y, int oy, int sy, float[] out, int o, int len) {
        if (sx != 0 && sy != 0) {
            binary(op, x, ox, y, oy, out, o, len);
        } else if (sx != 0) {
            binary(op, x, ox, y[oy], out, o, len);
        } else if (sy != 0) {
            binary(op, x[ox], y, oy, out, o, len);
        } else {
            binary(op, x, ox, y[oy], out, o, 1);
            Arrays.fill(out, o + 1, o + len, out[o]);
        }
    }

    /** {@link FloatKernels#reduce}, in vector lanes when enabled. */
    static void reduce(ReduceOp op, float[] x, int base, int stride, int count, int width, float[] dst, int dOff) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.reduce(op, x, base, stride, count, width, dst, dOff);
        } else {
            FloatKernels.reduce(op, x, base, stride, count, width, dst, dOff);
        }
    }
}
