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
 *   <li>gradients: libtorch's autograd, one {@code convolution_backward} for the input's and the
 *       kernel's gradient together. The forward runs on autograd leaves sharing the operands'
 *       memory and keeps its graph ({@link Graph}), so the first request for both gradients
 *       propagates back through that graph; any other runs the convolution again on new
 *       leaves. Alone, either gradient has zeros standing in for the operand it does not read;
 *   <li>pooling: {@code max_pool2d}/{@code avg_pool2d} on an explicitly padded input (−∞ for the
 *       maximum; an average is then rescaled by taps over real cells, {@link Window#counts}),
 *       and their gradients by libtorch's autograd, through the forward's kept graph as for the
 *       convolution. libtorch's pooling has no dilation: a dilated pooling window is left to the
 *       composite.
 * </ul>
 * Every temporary is closed before a method returns, but for a kept graph, which its result's
 * tensor closes; the results are the caller's.
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

    /**
     * The autograd graph of one forward convolution or pooling, kept by the tensor of its result
     * (which closes it) so that the gradient propagates back through it instead of running the
     * forward again: the leaves on the operands' memory and the {@code NCHW} result they led to.
     * libtorch frees a graph's buffers as the gradient passes, so the first gradient asked of the
     * graph takes it ({@link #take}); a later one runs the forward again.
     */
    static final class Graph implements AutoCloseable {
        private final Temporaries arrays;
        private final PoolOp op;
        private final PtNDArray input;
        private final PtNDArray kernel;
        private final PtNDArray bias;
        private final Window window;
        private final PtNDArray inputLeaf;
        private final boolean inputGradient;
        private final PtNDArray kernelLeaf;
        private final PtNDArray biasLeaf;
        private final PtNDArray result;
        private boolean open = true;

        private Graph(Temporaries arrays, PoolOp op, PtNDArray input, PtNDArray kernel, PtNDArray bias, Window window,
                PtNDArray inputLeaf, boolean inputGradient, PtNDArray kernelLeaf, PtNDArray biasLeaf, PtNDArray result) {
            this.arrays = arrays;
            this.op = op;
            this.input = input;
            this.kernel = kernel;
            this.bias = bias;
            this.window = window;
            this.inputLeaf = inputLeaf;
            this.inputGradient = inputGradient;
            this.kernelLeaf = kernelLeaf;
            this.biasLeaf = biasLeaf;
            this.result = result;
        }

        /**
         * Whether this is the graph of {@code op} (null for a convolution) of {@code input} (by
         * {@code kernel}, plus {@code bias}) over {@code window}, not yet taken nor closed, whose
         * input records a gradient exactly when {@code inputGradient} (one that does not cannot
         * give it; one that does would compute it unasked); if so it is taken.
         */
        synchronized boolean take(PoolOp op, PtNDArray input, PtNDArray kernel, PtNDArray bias, Window window,
                boolean inputGradient) {
            if (!open || this.op != op || this.input != input || this.kernel != kernel || this.bias != bias
                    || this.inputGradient != inputGradient || !this.window.equals(window)) {
                return false;
            }
            open = false;
            return true;
        }

        /** Whether the graph can still serve a gradient. */
        synchronized boolean isOpen() {
            return open;
        }

        @Override
        public synchronized void close() {
            open = false;
            arrays.close();
        }
    }

    /** A forward result and the graph that made it ({@link Graph}). */
    record Forward(PtNDArray result, Graph graph) {
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

    /**
     * The convolution of channels-last {@code x} with a Keras-layout {@code kernel}, plus
     * {@code bias} {@code (out)} unless null (libtorch adds it inside the convolution), run on
     * autograd leaves whose graph it keeps for {@link #convGradients}; the input's leaf records a
     * gradient only if {@code inputGradient}, so that a gradient through the graph computes none
     * for an input that needs none (libtorch decides which gradients a backward computes when the
     * graph is recorded).
     */
    static Forward conv(PtNDArray x, PtNDArray kernel, PtNDArray bias, Window original, boolean inputGradient) {
        long[] shape = resultShape(x.getShape().getShape(), original, kernel.getShape().get(kernel.getShape().dimension() - 1));
        return recorded(null, x, kernel, bias, original, inputGradient, shape);
    }

    /**
     * {@code op} of {@code x} (a convolution by {@code kernel} plus {@code bias} when null) over
     * the window, run in grad mode on leaves on the operands' memory: the result as channels-last
     * {@code shape}, and the graph that made it.
     */
    private static Forward recorded(PoolOp op, PtNDArray x, PtNDArray kernel, PtNDArray bias, Window original,
            boolean inputGradient, long[] shape) {
        Temporaries kept = new Temporaries();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            PtNDArray xLeaf = leaf(x, inputGradient, kept);
            PtNDArray kernelLeaf = op == null ? leaf(kernel, true, kept) : null;
            PtNDArray biasLeaf = bias == null ? null : leaf(bias, true, kept);
            PtNDArray y = op == null ? convNchw(xLeaf, autogradWeight(kernelLeaf, kept), biasLeaf, lift(original), kept)
                    : kept.add(poolNchw(op, nchw(xLeaf, kept), original, kept));
            // The result's views are made without recording: only the graph up to y is kept.
            JniUtils.setGradMode(grad);
            try (Temporaries t = new Temporaries()) {
                return new Forward(channelsLast(y, shape, t),
                        new Graph(kept, op, x, kernel, bias, original, xLeaf, inputGradient, kernelLeaf, biasLeaf, y));
            }
        } catch (RuntimeException | Error e) {
            kept.close();
            throw e;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * A Keras-layout kernel leaf as libtorch's weight, dense: libtorch's own (not oneDNN's)
     * backward refuses a weight that is a permuted view.
     */
    private static PtNDArray autogradWeight(PtNDArray kernelLeaf, Temporaries t) {
        PtNDArray weight = weight(kernelLeaf, t);
        return t.add(JniUtils.reshape(t.add(JniUtils.reshape(weight, new long[] {-1})), weight.getShape().getShape()));
    }

    /**
     * The convolution by a libtorch {@code weight}, plus {@code bias} unless null, as its
     * {@code NCHW} result (a temporary of {@code t}).
     */
    private static PtNDArray convNchw(PtNDArray x, PtNDArray weight, PtNDArray bias, Window w, Temporaries t) {
        PtNDArray in = padded(nchw(x, t), w, 0, t);
        return t.add(JniUtils.convolution(in, weight, bias, pair(w.strides()),
                nativePadding(w, symmetric(w)), pair(w.dilation()), 1));
    }

    /**
     * The gradients of {@link #conv} asked for — {@code [dx, dk, db]}, null where not asked — by
     * libtorch's autograd, one {@code convolution_backward} for all: {@code g} is propagated back
     * through {@code recorded}, the forward's graph taken for this call, or when null through the
     * convolution run again on leaves that share the memory of {@code x}, {@code kernel} and
     * {@code bias} (only those asked for record a gradient; the bias, which no other gradient
     * reads, is left out unless asked for). Written directly as convolutions, the input's gradient
     * (the spread gradient by the flipped kernel) gets wrong sums from oneDNN's float32 kernels for
     * some geometries, and the kernel's (the input with batch and channels swapped, by the
     * gradient as a kernel as large as the image) misses oneDNN and first copies the gradient into
     * another layout, over ten times the backward's time.
     */
    static PtNDArray[] convGradients(PtNDArray x, PtNDArray kernel, PtNDArray bias, PtNDArray g, Window original,
            boolean inputGradient, boolean kernelGradient, boolean biasGradient, Graph recorded) {
        if (!inputGradient && !kernelGradient && !biasGradient) {
            return new PtNDArray[3];
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (Temporaries t = new Temporaries()) {
            PtNDArray xLeaf;
            PtNDArray kernelLeaf;
            PtNDArray biasLeaf;
            PtNDArray y;
            if (recorded != null) {
                xLeaf = recorded.inputLeaf;
                kernelLeaf = recorded.kernelLeaf;
                biasLeaf = recorded.biasLeaf;
                y = recorded.result;
            } else {
                xLeaf = leaf(x, inputGradient, t);
                kernelLeaf = leaf(kernel, kernelGradient, t);
                biasLeaf = biasGradient ? leaf(bias, true, t) : null;
                y = convNchw(xLeaf, autogradWeight(kernelLeaf, t), biasLeaf, lift(original), t);
            }
            JniUtils.backward(y, nchw(g, t), false, false);
            return new PtNDArray[] {
                inputGradient ? JniUtils.getGradient(xLeaf) : null,
                kernelGradient ? JniUtils.getGradient(kernelLeaf) : null,
                biasGradient ? JniUtils.getGradient(biasLeaf) : null
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
            return convGradients(x, kernel, null, g, original, true, false, false, null)[0];
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
            return convGradients(x, kernel, null, g, original, false, true, false, null)[1];
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

    /**
     * Max or average pooling of channels-last {@code x}, run on an autograd leaf whose graph it
     * keeps for {@link #poolGradient}; the window has no dilation ({@link #pools}).
     */
    static Forward pool(PoolOp op, PtNDArray x, Window original) {
        long[] shape = resultShape(x.getShape().getShape(), original, x.getShape().get(x.getShape().dimension() - 1));
        return recorded(op, x, null, null, original, true, shape);
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
     * The gradient of {@link #pool} with respect to {@code x}, by libtorch's autograd: {@code g}
     * is propagated back through {@code recorded}, the forward's graph taken for this call, or
     * when null through the pooling run again on a leaf on {@code x}'s memory
     * ({@code max_pool2d}'s backward sends each window's gradient to its first maximum).
     */
    static PtNDArray poolGradient(PoolOp op, PtNDArray x, PtNDArray g, Window original, Graph recorded) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (Temporaries t = new Temporaries()) {
            PtNDArray leaf = recorded != null ? recorded.inputLeaf : leaf(x, true, t);
            PtNDArray y = recorded != null ? recorded.result : t.add(poolNchw(op, nchw(leaf, t), original, t));
            JniUtils.backward(y, nchw(g, t), false, false);
            return JniUtils.getGradient(leaf);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }
}
