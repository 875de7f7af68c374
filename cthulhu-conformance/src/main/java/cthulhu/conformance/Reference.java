package cthulhu.conformance;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Shapes;

import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Building blocks for reference values computed in double precision in the test: input
 * generators, and the rounding a float32 tensor applies to its inputs so that a reference is
 * evaluated at the very point the backend saw.
 */
public final class Reference {

    private Reference() {
    }

    /**
     * The values as the active float type stores them: rounded to the nearest float in float32,
     * unchanged in float64.
     */
    public static double[] stored(double... x) {
        if (K.dtype() == DType.FLOAT64) {
            return x.clone();
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    /** {@code f} applied to every element of {@code x} as stored ({@link #stored}). */
    public static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] s = stored(x);
        for (int i = 0; i < s.length; i++) {
            s[i] = f.applyAsDouble(s[i]);
        }
        return s;
    }

    /** {@code n} evenly spaced values from {@code from} to {@code to}, both included. */
    public static double[] linspace(double from, double to, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = n == 1 ? from : from + (to - from) * i / (n - 1);
        }
        return out;
    }

    /** {@code n} pseudo-random values uniform in {@code [min, max)}, the same for the same seed. */
    public static double[] uniform(int n, double min, double max, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = min + (max - min) * random.nextDouble();
        }
        return out;
    }

    /** Pseudo-random values uniform in {@code [min, max)}, as many as {@code shape} holds, the same for the same seed. */
    public static double[] uniform(int[] shape, double min, double max, long seed) {
        return uniform((int) Shapes.size(shape), min, max, seed);
    }

    /**
     * NumPy broadcasting of a binary function over row-major arrays, the reference for the
     * backends' broadcasting: {@code out[i] = f(a[ia], b[ib])} with the shapes aligned from the
     * last axis and size-1 axes repeated. The values are used as given: pass {@link #stored} inputs
     * to compare with a backend's result.
     */
    public static double[] broadcast(double[] a, int[] shapeA, double[] b, int[] shapeB, int[] shapeOut,
                                     DoubleBinaryOperator f) {
        int rank = shapeOut.length;
        int size = (int) Shapes.size(shapeOut);
        double[] out = new double[size];
        int[] index = new int[rank];
        for (int i = 0; i < size; i++) {
            int rem = i;
            for (int axis = rank - 1; axis >= 0; axis--) {
                index[axis] = rem % shapeOut[axis];
                rem /= shapeOut[axis];
            }
            out[i] = f.applyAsDouble(a[offset(index, shapeA)], b[offset(index, shapeB)]);
        }
        return out;
    }

    /**
     * Reduces a row-major array of {@code shape} along {@code axis} (in {@code [0, rank)}) with
     * {@code op} starting from {@code identity}; the result is row-major without that axis.
     */
    public static double[] reduce(double[] x, int[] shape, int axis, DoubleBinaryOperator op, double identity) {
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int n = shape[axis];
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = identity;
                for (int k = 0; k < n; k++) {
                    acc = op.applyAsDouble(acc, x[(o * n + k) * inner + i]);
                }
                out[o * inner + i] = acc;
            }
        }
        return out;
    }

    /** The shape without {@code axis} (in {@code [0, rank)}), or with it set to 1 when {@code keepdims}. */
    public static int[] reducedShape(int[] shape, int axis, boolean keepdims) {
        return Shapes.reduced(shape, axis, keepdims);
    }

    /** Softmax of a row-major array of {@code shape} along {@code axis} (in {@code [0, rank)}): {@code exp(x - max) / Σ exp(x - max)}. */
    public static double[] softmax(double[] x, int[] shape, int axis) {
        double[] max = reduce(x, shape, axis, Math::max, Double.NEGATIVE_INFINITY);
        int[] kept = Shapes.reduced(shape, axis, true);
        double[] e = broadcast(x, shape, max, kept, shape, (v, m) -> Math.exp(v - m));
        double[] sum = reduce(e, shape, axis, Double::sum, 0);
        return broadcast(e, shape, sum, kept, shape, (v, t) -> v / t);
    }

    /** The row-major matrix product {@code a [m × k] · b [k × n]}. */
    public static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }

    /** The row-major transpose of an {@code m × n} matrix. */
    public static double[] transpose(double[] a, int m, int n) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[j * m + i] = a[i * n + j];
            }
        }
        return out;
    }

    private static int offset(int[] index, int[] shape) {
        int skip = index.length - shape.length;
        int off = 0;
        for (int axis = 0; axis < shape.length; axis++) {
            off = off * shape[axis] + (shape[axis] == 1 ? 0 : index[axis + skip]);
        }
        return off;
    }
}
