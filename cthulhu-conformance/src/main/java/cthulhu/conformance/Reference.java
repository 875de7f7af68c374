package cthulhu.conformance;

import cthulhu.backend.DType;
import cthulhu.backend.K;

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

    /**
     * NumPy broadcasting of a binary function over row-major arrays, the reference for the
     * backends' broadcasting: {@code out[i] = f(a[ia], b[ib])} with the shapes aligned from the
     * last axis and size-1 axes repeated.
     */
    public static double[] broadcast(double[] a, int[] shapeA, double[] b, int[] shapeB, int[] shapeOut,
                                     DoubleBinaryOperator f) {
        int rank = shapeOut.length;
        int size = 1;
        for (int d : shapeOut) {
            size *= d;
        }
        double[] out = new double[size];
        int[] index = new int[rank];
        double[] sa = stored(a);
        double[] sb = stored(b);
        for (int i = 0; i < size; i++) {
            int rem = i;
            for (int axis = rank - 1; axis >= 0; axis--) {
                index[axis] = rem % shapeOut[axis];
                rem /= shapeOut[axis];
            }
            out[i] = f.applyAsDouble(sa[offset(index, shapeA)], sb[offset(index, shapeB)]);
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
