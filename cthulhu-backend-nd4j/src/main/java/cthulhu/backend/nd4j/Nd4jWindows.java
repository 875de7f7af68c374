package cthulhu.backend.nd4j;

import cthulhu.backend.PoolOp;
import cthulhu.backend.Window;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Convolution and pooling on libnd4j's kernels, channels-last ({@code NHWC}) with Keras's kernel
 * layout ({@code [kH, kW, in, out]}, libnd4j's weight format 0): {@code conv2d} forward,
 * {@code deconv2d_tf} for the input gradient, {@code im2col} and one {@code gemm} for the kernel
 * gradient, {@code maxpool2d}/{@code avgpool2d} and their {@code _bp} ops for pooling.
 *
 * <p>A 1-D window runs as a 2-D one over a height of 1. libnd4j pads each spatial axis by the same
 * amount before and after; a window padded the same on both sides passes its padding to the op,
 * which never lets padding win a maximum and, with {@code extraParam0 = 0}, does not count it in
 * an average. A window padded asymmetrically (TensorFlow's {@code same} with an even overhang,
 * causal padding) runs on an explicitly padded copy — zeros, or −∞ for a maximum — and an
 * average is then the padded sum divided by the count of real cells ({@link Window#counts}).
 * All methods return new arrays the caller owns and close their temporaries.
 */
final class Nd4jWindows {

    private Nd4jWindows() {
    }

    /** A window lifted to two spatial axes, with the padding libnd4j gets and the padding done explicitly. */
    private record Plan(Window w, int[] native_, boolean explicit) {

        static Plan of(Window original) {
            Window w = original.rank() == 2 ? original : new Window(
                    new int[] {1, original.size()[0]}, new int[] {1, original.strides()[0]},
                    new int[] {1, original.dilation()[0]}, new int[] {0, original.padBefore()[0]},
                    new int[] {0, original.padAfter()[0]});
            boolean explicit = !Arrays.equals(w.padBefore(), w.padAfter());
            return new Plan(w, explicit ? new int[2] : w.padBefore(), explicit);
        }

        int[] iArgs(int... tail) {
            int[] size = w.size();
            int[] s = w.strides();
            int[] d = w.dilation();
            int[] head = {size[0], size[1], s[0], s[1], native_[0], native_[1], d[0], d[1], 0};
            int[] all = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, all, head.length, tail.length);
            return all;
        }
    }

    /** {@code x (n, spatial…, c)} as {@code (n, h, w, c)}: a view for rank 3 (height 1). */
    private static INDArray lift(INDArray x) {
        if (x.rank() == 4) {
            return x;
        }
        long[] s = x.shape();
        return x.reshape('c', s[0], 1, s[1], s[2]);
    }

    /** A kernel {@code (size…, in, out)} as {@code (kh, kw, in, out)}. */
    private static INDArray liftKernel(INDArray k) {
        if (k.rank() == 4) {
            return k;
        }
        long[] s = k.shape();
        return k.reshape('c', 1, s[0], s[1], s[2]);
    }

    /** {@code x4} padded explicitly by the plan's window with {@code value}, or {@code x4} itself when the op pads. */
    private static INDArray input(Plan p, INDArray x4, double value) {
        if (!p.explicit) {
            return x4;
        }
        int[] before = p.w.padBefore();
        int[] after = p.w.padAfter();
        long[] s = x4.shape();
        INDArray padded = Nd4j.valueArrayOf(new long[] {s[0], s[1] + before[0] + after[0], s[2] + before[1] + after[1], s[3]},
                value, x4.dataType());
        padded.get(interior(p, s)).assign(x4);
        return padded;
    }

    private static INDArrayIndex[] interior(Plan p, long[] s) {
        int[] before = p.w.padBefore();
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(before[0], before[0] + s[1]),
                NDArrayIndex.interval(before[1], before[1] + s[2]), NDArrayIndex.all()};
    }

    private static void closeIfOwned(INDArray temporary, INDArray original) {
        if (temporary != original) {
            temporary.close();
        }
    }

    /** The result array of shape {@code (n, out…, c)} in the caller's rank. */
    private static long[] outShape(Window original, long[] xShape, long c) {
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
        shape[r + 1] = c;
        return shape;
    }

    private static long[] lifted(long[] shape) {
        return shape.length == 4 ? shape : new long[] {shape[0], 1, shape[1], shape[2]};
    }

    private static void exec(String op, INDArray[] inputs, INDArray output, int[] iArgs, Double... tArgs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(op).addInputs(inputs).addOutputs(output)
                .addIntegerArguments(iArgs);
        if (tArgs.length > 0) {
            b.addFloatingPointArguments(tArgs);
        }
        Nd4j.exec(b.build());
    }

    /** The convolution of {@code x} with {@code kernel}: libnd4j's {@code conv2d}. */
    static INDArray conv(INDArray x, INDArray kernel, Window window) {
        Plan p = Plan.of(window);
        long[] shape = outShape(window, x.shape(), kernel.size(kernel.rank() - 1));
        INDArray y = Nd4j.createUninitialized(x.dataType(), shape);
        INDArray x4 = lift(x);
        INDArray in = input(p, x4, 0);
        try {
            exec("conv2d", new INDArray[] {in, liftKernel(kernel)}, lift(y), p.iArgs(1, 0));
        } finally {
            closeIfOwned(in, x4);
        }
        return y;
    }

    /**
     * The gradient of {@link #conv} with respect to its input, of shape {@code (n, spatial…, in)}:
     * libnd4j's {@code deconv2d_tf} (the input gradient of {@code conv2d}). That op accepts only
     * inputs every window position covers exactly, {@code (out − 1)·stride + extent = padded};
     * otherwise (explicit padding, cells a stride skips) it runs unpadded onto the extent the
     * windows cover, whose cells inside the input are then copied into a zero gradient.
     */
    static INDArray convTranspose(INDArray g, INDArray kernel, Window window, int[] spatial) {
        Plan p = Plan.of(window);
        int r = window.rank();
        long[] xShape = new long[r + 2];
        xShape[0] = g.size(0);
        for (int i = 0; i < r; i++) {
            xShape[i + 1] = spatial[i];
        }
        xShape[r + 1] = kernel.size(kernel.rank() - 2);
        long[] x4 = lifted(xShape);
        long[] g4 = lifted(g.shape());
        int[] before = p.w.padBefore();
        int[] after = p.w.padAfter();
        long[] covered = x4.clone();
        boolean exact = !p.explicit;
        for (int i = 0; i < 2; i++) {
            covered[i + 1] = (g4[i + 1] - 1) * p.w.strides()[i] + p.w.extent(i);
            exact &= covered[i + 1] == x4[i + 1] + before[i] + after[i];
        }
        long[] target = exact ? x4 : covered;
        INDArray result = exact ? Nd4j.zeros(g.dataType(), xShape) : null;
        INDArray full = exact ? lift(result) : Nd4j.zeros(g.dataType(), target);
        try (INDArray targetShape = Nd4j.createFromArray(Arrays.stream(target).mapToInt(v -> (int) v).toArray())) {
            exec("deconv2d_tf", new INDArray[] {targetShape, liftKernel(kernel), lift(g)}, full,
                    exact ? p.iArgs(1, 0) : Plan.of(unpadded(p.w)).iArgs(1, 0));
        }
        if (exact) {
            return result;
        }
        try (full) {
            INDArray dx = Nd4j.zeros(g.dataType(), xShape);
            INDArrayIndex[] from = new INDArrayIndex[] {NDArrayIndex.all(), null, null, NDArrayIndex.all()};
            INDArrayIndex[] to = from.clone();
            for (int i = 0; i < 2; i++) {
                long end = Math.min(covered[i + 1], before[i] + x4[i + 1]);
                if (end <= before[i]) {
                    return dx;
                }
                from[i + 1] = NDArrayIndex.interval(before[i], end);
                to[i + 1] = NDArrayIndex.interval(0, end - before[i]);
            }
            lift(dx).get(to).assign(full.get(from));
            return dx;
        }
    }

    private static Window unpadded(Window w) {
        return new Window(w.size(), w.strides(), w.dilation(), new int[w.rank()], new int[w.rank()]);
    }

    /**
     * The gradient of {@link #conv} with respect to its kernel: libnd4j's {@code im2col} of the
     * input, its columns ordered {@code (kh, kw, in)} by rows {@code (n, oh, ow)}, times the
     * output gradient seen as {@code (n·oh·ow) × out}: one {@code gemm}.
     */
    static INDArray convKernelGradient(INDArray x, INDArray g, Window window) {
        Plan p = Plan.of(window);
        INDArray x4 = lift(x);
        INDArray in = input(p, x4, 0);
        long[] g4 = lifted(g.shape());
        int[] size = p.w.size();
        long cin = x4.size(3);
        long cout = g4[3];
        INDArray cols = Nd4j.createUninitialized(x.dataType(), g4[0], cin, size[0], size[1], g4[1], g4[2]);
        try (INDArray nchw = in.permute(0, 3, 1, 2).dup('c')) {
            exec("im2col", new INDArray[] {nchw}, cols, p.iArgs(), 0.0);
        } finally {
            closeIfOwned(in, x4);
        }
        long rows = g4[0] * g4[1] * g4[2];
        long taps = (long) size[0] * size[1] * cin;
        INDArray dk = Nd4j.createUninitialized(x.dataType(), taps, cout);
        try (cols; dk; INDArray ordered = cols.permute(2, 3, 1, 0, 4, 5).dup('c')) {
            Nd4j.gemm(ordered.reshape('c', taps, rows), g.reshape('c', rows, cout), dk, false, false, 1.0, 0.0);
            return Nd4j.createUninitialized(x.dataType(), kernelShape(window, cin, cout)).assign(dk.reshape('c', kernelShape(window, cin, cout)));
        }
    }

    private static long[] kernelShape(Window window, long cin, long cout) {
        long[] shape = new long[window.rank() + 2];
        for (int i = 0; i < window.rank(); i++) {
            shape[i] = window.size()[i];
        }
        shape[window.rank()] = cin;
        shape[window.rank() + 1] = cout;
        return shape;
    }

    /** Max or average pooling: libnd4j's {@code maxpool2d}/{@code avgpool2d}. */
    static INDArray pool(PoolOp op, INDArray x, Window window) {
        Plan p = Plan.of(window);
        long[] shape = outShape(window, x.shape(), x.size(x.rank() - 1));
        INDArray y = Nd4j.createUninitialized(x.dataType(), shape);
        boolean max = op == PoolOp.MAX;
        INDArray x4 = lift(x);
        INDArray in = input(p, x4, max ? Double.NEGATIVE_INFINITY : 0);
        try {
            exec(max ? "maxpool2d" : "avgpool2d", new INDArray[] {in}, lift(y), p.iArgs(0, 1));
        } finally {
            closeIfOwned(in, x4);
        }
        if (!max && p.explicit) {
            // The op divided each padded window's sum by its taps; divide by the real cells instead.
            try (INDArray scale = realCellScale(window, x, shape)) {
                y.muli(scale);
            }
        }
        return y;
    }

    /**
     * The gradient of {@link #pool}: libnd4j's {@code maxpool2d_bp} (the first maximum of each
     * window takes its gradient) or {@code avgpool2d_bp}, over the padded input when padding is
     * explicit, then cropped.
     */
    static INDArray poolGradient(PoolOp op, INDArray x, INDArray g, Window window) {
        Plan p = Plan.of(window);
        boolean max = op == PoolOp.MAX;
        INDArray x4 = lift(x);
        INDArray in = input(p, x4, max ? Double.NEGATIVE_INFINITY : 0);
        INDArray grad = g;
        if (!max && p.explicit) {
            try (INDArray scale = realCellScale(window, x, g.shape())) {
                grad = g.mul(scale);
            }
        }
        INDArray result = Nd4j.zeros(x.dataType(), x.shape());
        INDArray result4 = lift(result);
        INDArray dx = p.explicit ? Nd4j.zeros(x.dataType(), in.shape()) : result4;
        try {
            exec(max ? "maxpool2d_bp" : "avgpool2d_bp", new INDArray[] {in, lift(grad)}, dx, p.iArgs(0, 1));
            if (p.explicit) {
                result4.assign(dx.get(interior(p, x4.shape())));
            }
        } finally {
            closeIfOwned(in, x4);
            closeIfOwned(grad, g);
            closeIfOwned(dx, result4);
        }
        return result;
    }

    /** {@code taps / count} of real cells for each output position, shaped to broadcast over batch and channels. */
    private static INDArray realCellScale(Window window, INDArray x, long[] outShape) {
        int r = window.rank();
        int[] spatial = new int[r];
        for (int i = 0; i < r; i++) {
            spatial[i] = (int) x.size(i + 1);
        }
        double[] counts = window.counts(spatial);
        for (int i = 0; i < counts.length; i++) {
            counts[i] = window.taps() / counts[i];
        }
        long[] shape = outShape.clone();
        shape[0] = 1;
        shape[r + 1] = 1;
        try (INDArray inDouble = Nd4j.create(counts, shape, 'c');
             INDArray scale = inDouble.castTo(x.dataType()).dup('c')) {
            return scale.broadcast(outShape).dup('c');
        }
    }
}
