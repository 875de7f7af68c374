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
 * memory format) and the result permuted back. A 1-D window runs as a 2-D one of height 1.
 *
 * <ul>
 *   <li>forward: {@code convolution}, padding passed to libtorch when it is the same on both
 *       sides of each axis, else done first with {@code constant_pad_nd};
 *   <li>input gradient: libtorch's autograd through that convolution of a zero leaf of the
 *       input's shape ({@code convolution_backward} for the input alone);
 *   <li>kernel gradient: a convolution of the padded input, batch and channel axes swapped, with
 *       the output gradient as its kernel: stride the forward's dilation, dilation the forward's
 *       stride, cropped to the kernel's size;
 *   <li>pooling: {@code max_pool2d}/{@code avg_pool2d} on an explicitly padded input (−∞ for the
 *       maximum; an average is then rescaled by taps over real cells, {@link Window#counts}),
 *       and their gradients by libtorch's autograd on a leaf made for the call. libtorch's
 *       pooling has no dilation: a dilated pooling window is left to the composite.
 * </ul>
 * Every temporary is closed before a method returns; the result is the caller's.
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

    /** An {@code (n, c, h, w)} result as channels-last {@code shape} (rank 3 or 4), contiguous. */
    private static PtNDArray channelsLast(PtNDArray y, long[] shape, Temporaries t) {
        PtNDArray nhwc = t.add(JniUtils.permute(y, new long[] {0, 2, 3, 1}));
        try (PtNDArray dense = JniUtils.clone(nhwc)) {
            return JniUtils.reshape(dense, shape);
        }
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
            return channelsLast(convNchw(x, kernel, w, t), shape, t);
        }
    }

    /** The convolution as libtorch's {@code NCHW} result (a temporary of {@code t}). */
    private static PtNDArray convNchw(PtNDArray x, PtNDArray kernel, Window w, Temporaries t) {
        PtNDArray in = padded(nchw(x, t), w, 0, t);
        return t.add(JniUtils.convolution(in, weight(kernel, t), null, pair(w.strides()),
                nativePadding(w, symmetric(w)), pair(w.dilation()), 1));
    }

    /**
     * The gradient of {@link #conv} with respect to its input {@code (n, spatial…, in)}, by
     * libtorch's autograd: a convolution of a zero leaf of the input's shape that records its
     * gradient, and {@code g} propagated back through it ({@code convolution_backward} for the
     * input alone). Written directly as a convolution of the spread gradient with the flipped
     * kernel, oneDNN's float32 kernels return wrong sums for some geometries.
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
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (Temporaries t = new Temporaries()) {
            PtNDArray leaf = t.add(JniUtils.createZerosNdArray(g.getManager(), new Shape(xShape), g.getDataType(),
                    g.getDevice(), SparseFormat.DENSE));
            JniUtils.attachGradient(leaf, true);
            PtNDArray y = convNchw(leaf, kernel, lift(original), t);
            JniUtils.backward(y, nchw(g, t), false, false);
            return JniUtils.clone(t.add(JniUtils.getGradient(leaf)));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** The gradient of {@link #conv} with respect to its kernel {@code (size…, in, out)}, as one convolution. */
    static PtNDArray convKernelGradient(PtNDArray x, PtNDArray g, Window original) {
        Window w = lift(original);
        int[] size = w.size();
        try (Temporaries t = new Temporaries()) {
            // Batch and channels swap places: the input becomes (in, n, h, w), the gradient (out, n, oh, ow).
            PtNDArray xs = t.add(JniUtils.permute(nchw(x, t), new long[] {1, 0, 2, 3}));
            PtNDArray in = padded(xs, w, 0, t);
            PtNDArray gs = t.add(JniUtils.permute(nchw(g, t), new long[] {1, 0, 2, 3}));
            PtNDArray full = t.add(JniUtils.convolution(in, gs, null, pair(w.dilation()), nativePadding(w, symmetric(w)),
                    pair(w.strides()), 1));
            PtNDArray dk = t.add(JniUtils.slice(t.add(JniUtils.slice(full, 2, 0, size[0], 1)), 3, 0, size[1], 1));
            PtNDArray ordered = t.add(JniUtils.permute(dk, new long[] {2, 3, 0, 1}));
            long[] xs4 = x.getShape().getShape();
            long[] shape = Arrays.copyOf(Arrays.stream(original.size()).asLongStream().toArray(), original.rank() + 2);
            shape[original.rank()] = xs4[xs4.length - 1];
            shape[original.rank() + 1] = g.getShape().get(g.getShape().dimension() - 1);
            try (PtNDArray dense = JniUtils.clone(ordered)) {
                return JniUtils.reshape(dense, shape);
            }
        }
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
     * pooling is run again on a leaf copy of {@code x} that records its gradient, and {@code g}
     * is propagated back ({@code max_pool2d}'s backward sends each window's gradient to its first
     * maximum).
     */
    static PtNDArray poolGradient(PoolOp op, PtNDArray x, PtNDArray g, Window original) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (Temporaries t = new Temporaries()) {
            PtNDArray leaf = t.add(JniUtils.clone(x));
            JniUtils.attachGradient(leaf, true);
            PtNDArray y = t.add(poolNchw(op, nchw(leaf, t), original, t));
            PtNDArray gc = nchw(g, t);
            JniUtils.backward(y, gc, false, false);
            PtNDArray dx = t.add(JniUtils.getGradient(leaf));
            return JniUtils.clone(dx);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }
}
