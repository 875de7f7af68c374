package cthulhu.backend;

import java.util.Arrays;

/**
 * Shape arithmetic shared by core and the backends: element counts, axis normalisation and
 * NumPy broadcasting.
 */
public final class Shapes {

    private Shapes() {
    }

    /**
     * The number of elements of a shape.
     *
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    /**
     * Normalises an axis: {@code -1} is the last of {@code rank} axes.
     *
     * @throws IllegalArgumentException if the axis is outside {@code [-rank, rank)}
     */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("Axis " + axis + " is out of range for a tensor of rank " + rank
                    + "; valid axes are " + (-rank) + " to " + (rank - 1));
        }
        return a;
    }

    /**
     * The NumPy broadcast of two shapes: aligned at the last axis, each pair of dimensions must
     * be equal or one of them 1.
     *
     * @throws IllegalArgumentException naming both shapes when they do not broadcast
     */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("Shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast: dimension " + da + " vs " + db
                        + "; aligned from the last axis each pair must be equal or 1");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Row-major strides of a shape, in elements. */
    public static long[] strides(int[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /** The shape with {@code axis} removed, or set to 1 when {@code keepdims}. */
    public static int[] reduced(int[] shape, int axis, boolean keepdims) {
        int a = axis(axis, shape.length);
        if (keepdims) {
            int[] out = shape.clone();
            out[a] = 1;
            return out;
        }
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != a) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /**
     * Resolves a reshape target in which at most one dimension is {@code -1}.
     *
     * @throws IllegalArgumentException if the element counts differ or more than one {@code -1}
     */
    public static int[] reshape(int[] from, int[] to) {
        long n = size(from);
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < to.length; i++) {
            if (to[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("Only one dimension may be -1 in reshape target " + Arrays.toString(to));
                }
                unknown = i;
            } else if (to[i] < 0) {
                throw new IllegalArgumentException("Negative dimension in reshape target " + Arrays.toString(to));
            } else {
                known *= to[i];
            }
        }
        int[] out = to.clone();
        if (unknown >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("Cannot reshape " + Arrays.toString(from) + " (" + n
                        + " elements) to " + Arrays.toString(to));
            }
            out[unknown] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("Cannot reshape " + Arrays.toString(from) + " (" + n
                    + " elements) to " + Arrays.toString(to) + " (" + known + " elements)");
        }
        return out;
    }

    /**
     * Checks a permutation of {@code rank} axes.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static int[] permutation(int[] perm, int rank) {
        if (perm.length != rank) {
            throw new IllegalArgumentException("Permutation " + Arrays.toString(perm) + " has " + perm.length
                    + " axes, the tensor " + rank);
        }
        boolean[] seen = new boolean[rank];
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int a = axis(perm[i], rank);
            if (seen[a]) {
                throw new IllegalArgumentException("Axis " + perm[i] + " repeats in permutation " + Arrays.toString(perm));
            }
            seen[a] = true;
            out[i] = a;
        }
        return out;
    }

    /**
     * Whether the axes {@code from, from + 1, …} of {@code x} fit {@code expected} as
     * {@link #fits(int[], int[])} says, read in place rather than from a copy of the shape: a
     * model checks every request's input this way.
     */
    public static boolean fits(int[] expected, Tensor x, int from) {
        if (x.rank() - from != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && expected[i] != x.dim(from + i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a shape fits an expected one of the same rank: each expected dimension either
     * equals the actual one or is negative (unknown).
     */
    public static boolean fits(int[] expected, int[] actual) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }
}
