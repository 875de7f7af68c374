package cthulhu.backend;

import java.util.Arrays;

/**
 * The geometry of a sliding window over the spatial axes of a channels-last tensor
 * {@code (batch, spatial…, channels)}: the window's size, its strides, the dilation of its taps
 * and the explicit zero padding before and after each spatial axis (which may differ, as in
 * TensorFlow's {@code same} padding). Convolutions ({@link Backend#conv}) and pooling
 * ({@link Backend#pool}) take one.
 *
 * <p>Along a spatial axis of size {@code n}, the window's extent is {@code e = (size − 1)·dilation + 1}
 * and output position {@code o} reads input positions {@code o·stride + k·dilation − padBefore}
 * for {@code k < size}; the output has {@code ⌊(n + padBefore + padAfter − e) / stride⌋ + 1}
 * positions.
 *
 * @param size the window's size along each spatial axis, positive
 * @param strides the step between windows, positive
 * @param dilation the step between taps of a window, positive
 * @param padBefore the padding before each axis, non-negative
 * @param padAfter the padding after each axis, non-negative
 */
public record Window(int[] size, int[] strides, int[] dilation, int[] padBefore, int[] padAfter) {

    /**
     * Checks the arrays' lengths and signs and keeps copies.
     *
     * @throws IllegalArgumentException naming the argument and its values when lengths differ, a
     *     size, stride or dilation is not positive, or a padding is negative
     */
    public Window {
        int rank = size.length;
        if (rank == 0 || strides.length != rank || dilation.length != rank || padBefore.length != rank
                || padAfter.length != rank) {
            throw new IllegalArgumentException("A window needs one size, stride, dilation and padding per spatial axis; got size "
                    + Arrays.toString(size) + ", strides " + Arrays.toString(strides) + ", dilation "
                    + Arrays.toString(dilation) + ", padding " + Arrays.toString(padBefore) + "/" + Arrays.toString(padAfter));
        }
        positive("size", size);
        positive("strides", strides);
        positive("dilation", dilation);
        for (int i = 0; i < rank; i++) {
            if (padBefore[i] < 0 || padAfter[i] < 0) {
                throw new IllegalArgumentException("A window's padding must not be negative; got "
                        + Arrays.toString(padBefore) + " before and " + Arrays.toString(padAfter) + " after");
            }
        }
        size = size.clone();
        strides = strides.clone();
        dilation = dilation.clone();
        padBefore = padBefore.clone();
        padAfter = padAfter.clone();
    }

    private static void positive(String what, int[] values) {
        for (int v : values) {
            if (v <= 0) {
                throw new IllegalArgumentException("A window's " + what + " must be positive, got " + Arrays.toString(values));
            }
        }
    }

    @Override
    public int[] size() {
        return size.clone();
    }

    @Override
    public int[] strides() {
        return strides.clone();
    }

    @Override
    public int[] dilation() {
        return dilation.clone();
    }

    @Override
    public int[] padBefore() {
        return padBefore.clone();
    }

    @Override
    public int[] padAfter() {
        return padAfter.clone();
    }

    /** An unpadded window with unit strides and dilation. */
    public static Window of(int... size) {
        int[] ones = new int[size.length];
        Arrays.fill(ones, 1);
        return new Window(size, ones, ones, new int[size.length], new int[size.length]);
    }

    /** The number of spatial axes. */
    public int rank() {
        return size.length;
    }

    /** The window's extent along axis {@code i}: {@code (size − 1)·dilation + 1}. */
    public int extent(int i) {
        return (size[i] - 1) * dilation[i] + 1;
    }

    /** The product of the window's sizes: the number of taps. */
    public int taps() {
        int n = 1;
        for (int s : size) {
            n *= s;
        }
        return n;
    }

    /**
     * The output's spatial shape for an input of spatial shape {@code spatial}.
     *
     * @throws IllegalArgumentException naming both when the window is larger than the padded input
     */
    public int[] outputSpatial(int[] spatial) {
        if (spatial.length != rank()) {
            throw new IllegalArgumentException("A window over " + rank() + " spatial axes cannot slide over spatial shape "
                    + Arrays.toString(spatial));
        }
        int[] out = new int[spatial.length];
        for (int i = 0; i < out.length; i++) {
            int padded = spatial[i] + padBefore[i] + padAfter[i];
            if (padded < extent(i)) {
                throw new IllegalArgumentException("A window of extent " + extent(i) + " (size " + size[i] + ", dilation "
                        + dilation[i] + ") is larger than the padded input (" + spatial[i] + " + " + padBefore[i] + " + "
                        + padAfter[i] + " = " + padded + ") along spatial axis " + i);
            }
            out[i] = (padded - extent(i)) / strides[i] + 1;
        }
        return out;
    }

    /**
     * The number of the window's cells that fall inside an input of spatial shape
     * {@code spatial} (not in its padding), for each output position, row-major over the output:
     * the divisor of an average pooling that counts only real cells.
     *
     * @throws IllegalArgumentException as {@link #outputSpatial}
     */
    public double[] counts(int[] spatial) {
        int[] out = outputSpatial(spatial);
        int r = rank();
        int[][] perAxis = new int[r][];
        for (int i = 0; i < r; i++) {
            perAxis[i] = new int[out[i]];
            for (int o = 0; o < out[i]; o++) {
                for (int k = 0; k < size[i]; k++) {
                    int p = o * strides[i] + k * dilation[i] - padBefore[i];
                    if (p >= 0 && p < spatial[i]) {
                        perAxis[i][o]++;
                    }
                }
            }
        }
        double[] counts = new double[(int) Shapes.size(out)];
        for (int j = 0; j < counts.length; j++) {
            int rest = j;
            double c = 1;
            for (int i = r - 1; i >= 0; i--) {
                c *= perAxis[i][rest % out[i]];
                rest /= out[i];
            }
            counts[j] = c;
        }
        return counts;
    }

    /** The window with {@code size} replaced (for a kernel whose size is given by its tensor). */
    public Window withSize(int... newSize) {
        return new Window(newSize, strides, dilation, padBefore, padAfter);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Window w && Arrays.equals(size, w.size) && Arrays.equals(strides, w.strides)
                && Arrays.equals(dilation, w.dilation) && Arrays.equals(padBefore, w.padBefore)
                && Arrays.equals(padAfter, w.padAfter);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {size, strides, dilation, padBefore, padAfter});
    }

    @Override
    public String toString() {
        return "Window(size=" + Arrays.toString(size) + ", strides=" + Arrays.toString(strides) + ", dilation="
                + Arrays.toString(dilation) + ", padding=" + Arrays.toString(padBefore) + "/" + Arrays.toString(padAfter) + ")";
    }
}
