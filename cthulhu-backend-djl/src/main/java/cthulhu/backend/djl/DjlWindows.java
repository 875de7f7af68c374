package cthulhu.backend.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import cthulhu.backend.PoolOp;
import cthulhu.backend.Window;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Convolution and pooling on libtorch's kernels. libtorch works on {@code NCHW}; a channels-last
 * tensor is handed over permuted (a strided view, which libtorch reads as its channels-last
 * memory format) and the result permuted back, as a view. A 1-D window runs as a 2-D one of height 1.
 *
 * <ul>
 *   <li>forward: {@code convolution}, padding passed to libtorch when it is the same on both
 *       sides of each axis, else done first with {@code constant_pad_nd};
 *   <li>gradients: libtorch's autograd through that convolution run again on leaves sharing the
 *       operands' memory, one {@code convolution_backward} for the input's and the kernel's
 *       gradient together; alone, either has zeros standing in for the operand it does not read;
 *   <li>pooling: {@code max_pool2d}/{@code avg_pool2d} on an explicitly padded input (−∞ for the
 *       maximum; an average is then rescaled by taps over real cells, {@link Window#counts}),
 *       and their gradients by libtorch's autograd on a leaf made for the call. libtorch's
 *       pooling has no dilation: a dilated pooling window is left to the composite.
 * </ul>
 * Every temporary is closed before a method returns; the results are the caller's.
 */
final class DjlWindows {

    private DjlWindows() {
    }

    /** Closes the temporaries of one call, last made first closed. */
    private static final class Temporaries implements AutoCloseable {
        private final Deque<PtNDArray> arrays = new ArrayDeque<>();

        PtNDArray add(PtNDArray a) {
            arrays.push(a);
            return a;
        }

        @Override
        public void close() {
            while (!arrays.isEmpty()) {
                arrays.pop().close();
            }
        }
    }

    /** The window over two spatial axes (height 1 for a 1-D window). */
    private static Window lift(Window w) {
        if (w.rank() == 2) {
            return w;
        }
        return new Window(new int[] {1, w.size()[0]}, new int[] {1, w.strides()[0]}, new int[] {1, w.dilation()[0]},
                new int[] {0, w.padBefore()[0]}, new int[] {0, w.padAfter()[0]});
    }

    /** A channels-last {@code (n, spatial…, c)} array as {@code (n, c, h, w)}: views only. */
    private static PtNDArray nchw(PtNDArray x, Temporaries t) {
        long[] s = x.getShape().getShape();
        PtNDArray x4 = s.length == 4 ? x : t.add(JniUtils.reshape(x, new long[] {s[0], 1, s[1], s[2]}));
        return t.add(JniUtils.permute(x4, new long[] {0, 3, 1, 2}));
    }

    /**
     * An {@code (n, c, h, w)} result as channels-last {@code shape} (rank 3 or 4): a view, not a
     * copy. libtorch's kernels write a channels-last input's result channels-last, so the view
     * is contiguous; a copy would only duplicate it (a clone keeps a dense view's strides).
     */
    private static PtNDArray channelsLast(PtNDArray y, long[] shape, Temporaries t) {
        PtNDArray nhwc = t.add(JniUtils.permute(y, new long[] {0, 2, 3, 1}));
        return JniUtils.reshape(nhwc, shape);
    }

    /** A kernel {@code (size…, in, out)} as libtorch's {@code (out, in, kh, kw)}. */
    private static PtNDArray weight(PtNDArray kernel, Temporaries t) {
        long[] s = kernel.getShape().getShape();
        PtNDArray k4 = s.length == 4 ? kernel : t.add(JniUtils.reshape(kernel, new long[] {1, s[0], s[1], s[2]}));
        return t.add(JniUtils.permute(k4, new long[] {3, 2, 0, 1}));
    }

    /** {@code constant_pad_nd}'s list for the two spatial axes of NCHW: width first; negative amounts crop. */
    private static long[] padList(long hBefore, long hAfter, long wBefore, long wAfter) {
        return new long[] {wBefore, wAfter, hBefore, hAfter};
    }

    private static boolean symmetric(Window w) {
        return Arrays.equals(w.padBefore(), w.padAfter());
    }

    private static Shape pair(int[] v) {
        return new Shape(v[0], v[1]);
    }

    /** {@code x} padded by the window with {@code value} when libtorch cannot pad it (asymmetric), else {@code x}. */
    private static PtNDArray padded(PtNDArray x, Window w, double value, Temporaries t) {
        if (symmetric(w) && value == 0) {
            return x;
        }
        int[] b = w.padBefore();
        int[] a = w.padAfter();
        return t.add(JniUtils.pad(x, padList(b[0], a[0], b[1], a[1]), value));
    }

    /** The padding libtorch applies itself: the window's when symmetric (and {@code x} was not padded), else 0. */
    private static Shape nativePadding(Window w, boolean padsItself) {
        return padsItself ? pair(w.padBefore()) : new Shape(0, 0);
    }

    private static long[] resultShape(long[] xShape, Window original, long channels) {
        int r = original.rank();
        int[] spatial = new int[r];
        for (int i = 0; i < r; i++) {
            spatial[i] = (int) xShape[i + 1];
        }
        int[] out = original.outputSpatial(spatial);
        long[] shape = new long[r + 2];
        shape[0] = xShape[0];
        for (int i = 0; i < r; i++) {
            shape[i + 1] = out[i];
        }
        shape[r + 1] = channels;
        return shape;
    }

    /** The convolution of channels-last {@code x} with a Keras-layout {@code kernel}. */
    static PtNDArray conv(PtNDArray x, PtNDArray kernel, Window original) {
        Window w = lift(original);
        long[] shape = resultShape(x.getShape().getShape(), original, kernel.getShape().get(kernel.getShape().dimension() - 1));
        try (Temporaries t = new Temporaries()) {
            return channelsLast(convNchw(x, weight(kernel, t), w, t), shape, t);
        }
    }

    /** The convolution by a libtorch {@code weight} as its {@code NCHW} result (a temporary of {@code t}). */
    private static PtNDArray convNchw(PtNDArray x, PtNDArray weight, Window w, Temporaries t) {
        PtNDArray in = padded(nchw(x, t), w, 0, t);
        return t.add(JniUtils.convolution(in, weight, null, pair(w.strides()),
                nativePadding(w, symmetric(w)), pair(w.dilation()), 1));
    }

    /**
     * The gradients of {@link #conv} asked for — {@code [dx, dk]}, null where not asked — by
     * libtorch's autograd: the convolution is run again on leaves that share the memory of
     * {@code x} and {@code kernel} (only those asked for record a gradient), and {@code g} is
     * propagated back through it, one {@code convolution_backward} for both. Written directly as
     * convolutions, the input's (the spread gradient by the flipped kernel) gets wrong sums from
     * oneDNN's float32 kernels for some geometries, and the kernel's (the input with batch and
     * channels swapped, by the gradient as a kernel as large as the image) misses oneDNN and
     * first copies the gradient into another layout, over ten times the backward's time.
     */
    static PtNDArray[] convGradients(PtNDArray x, PtNDArray kernel, PtNDArray g, Window original, boolean inputGradient,
            boolean kernelGradient) {
        if (!inputGradient && !kernelGradient) {
            return new PtNDArray[2];
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (Temporaries t = new Temporaries()) {
            PtNDArray xLeaf = leaf(x, inputGradient, t);
            PtNDArray kernelLeaf = leaf(kernel, kernelGradient, t);
            // libtorch's own (not oneDNN's) backward refuses a weight that is a permuted view: it gets a copy.
            PtNDArray weight = weight(kernelLeaf, t);
            PtNDArray dense = t.add(JniUtils.reshape(t.add(JniUtils.reshape(weight, new long[] {-1})),
                    weight.getShape().getShape()));
            JniUtils.backward(convNchw(xLeaf, dense, lift(original), t), nchw(g, t), false, false);
            return new PtNDArray[] {
                inputGradient ? JniUtils.getGradient(xLeaf) : null,
                kernelGradient ? JniUtils.getGradient(kernelLeaf) : null
            };
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * A leaf of autograd on {@code a}'s memory ({@code detach}, no copy), recording its gradient
     * if asked; its gradient is a new array, so it can be handed out as it is.
     */
    private static PtNDArray leaf(PtNDArray a, boolean recordsGradient, Temporaries t) {
        PtNDArray leaf = t.add(JniUtils.detachGradient(a));
        JniUtils.attachGradient(leaf, recordsGradient);
        return leaf;
    }

    /**
     * The gradient of {@link #conv} with respect to its input {@code (n, spatial…, in)}:
     * {@link #convGradients} with zeros standing in for the input, whose values it does not read.
     */
    static PtNDArray convTranspose(PtNDArray g, PtNDArray kernel, Window original, int[] spatial) {
        long[] gs = g.getShape().getShape();
        long[] ks = kernel.getShape().getShape();
        int r = original.rank();
        long[] xShape = new long[r + 2];
        xShape[0] = gs[0];
        for (int i = 0; i < r; i++) {
            xShape[i + 1] = spatial[i];
        }
        xShape[r + 1] = ks[ks.length - 2];
        try (PtNDArray x = zeros(g, xShape)) {
            return convGradients(x, kernel, g, original, true, false)[0];
        }
    }

    /**
     * The gradient of {@link #conv} with respect to its kernel {@code (size…, in, out)}:
     * {@link #convGradients} with zeros standing in for the kernel, whose values it does not read.
     */
    static PtNDArray convKernelGradient(PtNDArray x, PtNDArray g, Window original) {
        long[] xs = x.getShape().getShape();
        int r = original.rank();
        long[] shape = new long[r + 2];
        for (int i = 0; i < r; i++) {
            shape[i] = original.size()[i];
        }
        shape[r] = xs[xs.length - 1];
        shape[r + 1] = g.getShape().get(g.getShape().dimension() - 1);
        try (PtNDArray kernel = zeros(g, shape)) {
            return convGradients(x, kernel, g, original, false, true)[1];
        }
    }

    private static PtNDArray zeros(PtNDArray like, long[] shape) {
        return JniUtils.createZerosNdArray(like.getManager(), new Shape(shape), like.getDataType(), like.getDevice(),
                SparseFormat.DENSE);
    }

    /** Whether libtorch pools this window: it has no dilated pooling. */
    static boolean pools(Window w) {
        return Arrays.stream(w.dilation()).allMatch(d -> d == 1);
    }

    /** Max or average pooling of channels-last {@code x}; the window has no dilation ({@link #pools}). */
    static PtNDArray pool(PoolOp op, PtNDArray x, Window original) {
        long[] shape = resultShape(x.getShape().getShape(), original, x.getShape().get(x.getShape().dimension() - 1));
        try (Temporaries t = new Temporaries()) {
            PtNDArray y = t.add(poolNchw(op, nchw(x, t), original, t));
            return channelsLast(y, shape, t);
        }
    }

    /** Pooling of an {@code NCHW} array, padded explicitly; the average rescaled to count only real cells. */
    private static PtNDArray poolNchw(PoolOp op, PtNDArray xc, Window original, Temporaries t) {
        Window w = lift(original);
        boolean max = op == PoolOp.MAX;
        boolean unpadded = Arrays.stream(w.padBefore()).allMatch(p -> p == 0) && Arrays.stream(w.padAfter()).allMatch(p -> p == 0);
        PtNDArray in = unpadded ? xc : t.add(JniUtils.pad(xc, padList(w.padBefore()[0], w.padAfter()[0], w.padBefore()[1], w.padAfter()[1]),
                max ? Double.NEGATIVE_INFINITY : 0));
        if (max) {
            return JniUtils.maxPool(in, pair(w.size()), pair(w.strides()), new Shape(0, 0), false);
        }
        if (unpadded) {
            return JniUtils.avgPool(in, pair(w.size()), pair(w.strides()), new Shape(0, 0), false, true);
        }
        PtNDArray mean = t.add(JniUtils.avgPool(in, pair(w.size()), pair(w.strides()), new Shape(0, 0), false, true));
        long[] spatial = {xc.getShape().get(2), xc.getShape().get(3)};
        int[] in2 = original.rank() == 2 ? new int[] {(int) spatial[0], (int) spatial[1]} : new int[] {(int) spatial[1]};
        double[] counts = original.counts(in2);
        double[] scale = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            scale[i] = original.taps() / counts[i];
        }
        long[] out = {mean.getShape().get(2), mean.getShape().get(3)};
        PtNDArray factors = t.add(JniUtils.to(t.add((PtNDArray) xc.getManager().create(scale, new Shape(1, 1, out[0], out[1]))),
                xc.getDataType(), xc.getDevice()));
        return JniUtils.mul(mean, factors);
    }

    /**
     * The gradient of {@link #pool} with respect to {@code x}, by libtorch's autograd: the
     * pooling is run again on a leaf on {@code x}'s memory that records its gradient, and
     * {@code g} is propagated back ({@code max_pool2d}'s backward sends each window's gradient
     * to its first maximum).
     */
    static PtNDArray poolGradient(PoolOp op, PtNDArray x, PtNDArray g, Window original) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (Temporaries t = new Temporaries()) {
            PtNDArray leaf = leaf(x, true, t);
            PtNDArray y = t.add(poolNchw(op, nchw(leaf, t), original, t));
            JniUtils.backward(y, nchw(g, t), false, false);
            return JniUtils.getGradient(leaf);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }
}
