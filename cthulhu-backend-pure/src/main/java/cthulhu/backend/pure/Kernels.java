package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;

/**
 * Picks, per call, the loop that runs fastest on this JVM: the vector-module kernels when
 * {@link VectorSupport#ENABLED}; otherwise the plain loops, in their aligned form (one index for
 * every array) when the offsets agree, because only that form is vectorised by the JIT.
 */
final class Kernels {

    private Kernels() {
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        if (VectorSupport.ENABLED && VectorFloatKernels.vectorises(op)) {
            VectorFloatKernels.unary(op, x, out, from, to);
        } else {
            FloatKernels.unary(op, x, out, from, to);
        }
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

    /** {@link FloatKernels#reduce}, in vector lanes when enabled. */
    static void reduce(ReduceOp op, float[] x, int base, int stride, int count, int width, float[] dst, int dOff) {
        if (VectorSupport.ENABLED) {
            VectorFloatKernels.reduce(op, x, base, stride, count, width, dst, dOff);
        } else {
            FloatKernels.reduce(op, x, base, stride, count, width, dst, dOff);
        }
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, double[] x, double[] out, int from, int to) {
        if (VectorSupport.ENABLED && VectorDoubleKernels.vectorises(op)) {
            VectorDoubleKernels.unary(op, x, out, from, to);
        } else {
            DoubleKernels.unary(op, x, out, from, to);
        }
    }

    /** {@link DoubleKernels#where}, in vector lanes when enabled. */
    static void where(double[] c, boolean cScalar, double[] a, boolean aScalar, double[] b, boolean bScalar, double[] out,
            int from, int to) {
        if (VectorSupport.ENABLED) {
            VectorDoubleKernels.where(c, cScalar, a, aScalar, b, bScalar, out, from, to);
        } else {
            DoubleKernels.where(c, cScalar, a, aScalar, b, bScalar, out, from, to);
        }
    }

    /** {@link DoubleKernels#relu}, in vector lanes when enabled. */
    static void relu(double[] x, double[] out, int from, int to) {
        if (VectorSupport.ENABLED) {
            VectorDoubleKernels.relu(x, out, from, to);
        } else {
            DoubleKernels.relu(x, out, from, to);
        }
    }

    /** {@code out[oo + i] = op(a[ao + i], b[bo + i])} for {@code i} in {@code [0, n)}. */
    static void binary(BinaryOp op, double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        if (VectorSupport.ENABLED) {
            VectorDoubleKernels.binaryAt(op, a, ao, b, bo, out, oo, n);
        } else if (ao == oo && bo == oo) {
            DoubleKernels.binary(op, a, b, out, oo, oo + n);
        } else {
            DoubleKernels.binaryAt(op, a, ao, b, bo, out, oo, n);
        }
    }

    /** {@code out[oo + i] = op(a[ao + i], s)} for {@code i} in {@code [0, n)}. */
    static void binary(BinaryOp op, double[] a, int ao, double s, double[] out, int oo, int n) {
        if (VectorSupport.ENABLED) {
            VectorDoubleKernels.binaryAt(op, a, ao, s, out, oo, n);
        } else if (ao == oo) {
            DoubleKernels.binary(op, a, s, out, oo, oo + n);
        } else {
            DoubleKernels.binaryAt(op, a, ao, s, out, oo, n);
        }
    }

    /** {@code out[oo + i] = op(s, b[bo + i])} for {@code i} in {@code [0, n)}. */
    static void binary(BinaryOp op, double s, double[] b, int bo, double[] out, int oo, int n) {
        if (VectorSupport.ENABLED) {
            VectorDoubleKernels.binaryAt(op, s, b, bo, out, oo, n);
        } else if (bo == oo) {
            DoubleKernels.binary(op, s, b, out, oo, oo + n);
        } else {
            DoubleKernels.binaryAt(op, s, b, bo, out, oo, n);
        }
    }

    /** {@link DoubleKernels#reduce}, in vector lanes when enabled. */
    static void reduce(ReduceOp op, double[] x, int base, int stride, int count, int width, double[] dst, int dOff) {
        if (VectorSupport.ENABLED) {
            VectorDoubleKernels.reduce(op, x, base, stride, count, width, dst, dOff);
        } else {
            DoubleKernels.reduce(op, x, base, stride, count, width, dst, dOff);
        }
    }
}
