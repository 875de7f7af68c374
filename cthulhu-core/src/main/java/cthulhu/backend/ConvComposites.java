package cthulhu.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The default implementation of the windowed operations of {@link Backend} — convolution, its
 * two gradients, pooling and its gradient — written over the backend's primitives (slice,
 * reshape, concat, matmul, the element-wise operations). A backend that overrides one for speed
 * must agree with these; the conformance suite checks it.
 *
 * <p>Tensors are channels-last: an input {@code (batch, spatial…, channels)} and a kernel
 * {@code (size…, in, out)}, Keras's layout. A convolution is an {@code im2col} — the window's
 * taps gathered by strided slices of the padded input and joined along the channel axis — times
 * the kernel seen as a {@code (taps·in) × out} matrix; the gradients scatter the columns back by
 * the inverse of each strided slice (zeros interleaved, then padded into place).
 * Intermediates are closed as soon as they are used.
 */
public final class ConvComposites {

    private ConvComposites() {
    }

    /**
     * The convolution (TensorFlow's, a cross-correlation) of {@code x} {@code (n, spatial…, in)}
     * with {@code kernel} {@code (w.size…, in, out)}:
     * {@code y[b, o…, co] = Σ_{k…, ci} xp[b, o·stride + k·dilation…, ci] · kernel[k…, ci, co]},
     * where {@code xp} is {@code x} zero-padded by the window; shape {@code (n, w.outputSpatial…, out)}.
     */
    public static Tensor conv(Backend b, Tensor x, Tensor kernel, Window w) {
        int r = w.rank();
        int[] out = w.outputSpatial(spatial(x, r));
        int cin = x.dim(r + 1);
        int cout = kernel.dim(r + 1);
        try (Tensor cols = im2col(b, x, w, out);
             Tensor k2 = b.reshape(kernel, new int[] {w.taps() * cin, cout});
             Tensor y = b.matmul(cols, k2, false, false)) {
            return b.reshape(y, batchShape(x.dim(0), out, cout));
        }
    }

    /**
     * The gradient of {@link #conv} with respect to its input (a transposed convolution): for the
     * output gradient {@code g} {@code (n, o…, out)}, {@code dx[b, i…, ci] = Σ g[b, o…, co] ·
     * kernel[k…, ci, co]} over the {@code o, k} with {@code o·stride + k·dilation − padBefore = i};
     * shape {@code (n, spatial…, in)}. Input positions no window reads get 0.
     *
     * @param spatial the spatial shape of the convolution's input
     */
    public static Tensor convTranspose(Backend b, Tensor g, Tensor kernel, Window w, int[] spatial) {
        int r = w.rank();
        int[] out = spatial(g, r);
        int cin = kernel.dim(r);
        int cout = kernel.dim(r + 1);
        try (Tensor g2 = b.reshape(g, new int[] {rows(g, r), cout});
             Tensor k2 = b.reshape(kernel, new int[] {w.taps() * cin, cout});
             Tensor cols = b.matmul(g2, k2, false, true);
             Tensor shaped = b.reshape(cols, batchShape(g.dim(0), out, w.taps() * cin))) {
            List<Tensor> taps = new ArrayList<>();
            try {
                for (int t = 0; t < w.taps(); t++) {
                    taps.add(b.slice(shaped, r + 1, t * cin, (t + 1) * cin));
                }
                return col2im(b, taps, w, spatial);
            } finally {
                taps.forEach(Tensor::close);
            }
        }
    }

    /**
     * The gradient of {@link #conv} with respect to its kernel: for the output gradient {@code g},
     * {@code dk[k…, ci, co] = Σ_{b, o…} xp[b, o·stride + k·dilation…, ci] · g[b, o…, co]};
     * shape {@code (w.size…, in, out)}.
     */
    public static Tensor convKernelGradient(Backend b, Tensor x, Tensor g, Window w) {
        int r = w.rank();
        int[] out = spatial(g, r);
        int cin = x.dim(r + 1);
        int cout = g.dim(r + 1);
        try (Tensor cols = im2col(b, x, w, out);
             Tensor g2 = b.reshape(g, new int[] {rows(g, r), cout});
             Tensor dk = b.matmul(cols, g2, true, false)) {
            int[] shape = Arrays.copyOf(w.size(), r + 2);
            shape[r] = cin;
            shape[r + 1] = cout;
            return b.reshape(dk, shape);
        }
    }

    /**
     * Both gradients of {@link #conv} for the output gradient {@code g}, each where asked for:
     * {@code [dx, dk]} with {@code dx} = {@link Backend#convTranspose}{@code (g, kernel, w, x's
     * spatial shape)} if {@code inputGradient}, else null, and {@code dk} =
     * {@link Backend#convKernelGradient}{@code (x, g, w)} if {@code kernelGradient}, else null.
     */
    public static Tensor[] convGradients(Backend b, Tensor x, Tensor kernel, Tensor g, Window w, boolean inputGradient,
            boolean kernelGradient) {
        return new Tensor[] {
            inputGradient ? b.convTranspose(g, kernel, w, spatial(x, w.rank())) : null,
            kernelGradient ? b.convKernelGradient(x, g, w) : null
        };
    }

    /**
     * {@link Backend#conv(Tensor, Tensor, Window)} of {@code x} by {@code kernel} plus
     * {@code bias} {@code (out)} on the last axis:
     * {@code y[b, o…, co] = conv(x, kernel)[b, o…, co] + bias[co]}; the convolution alone when
     * {@code bias} is null.
     */
    public static Tensor conv(Backend b, Tensor x, Tensor kernel, Tensor bias, Window w) {
        Tensor y = b.conv(x, kernel, w);
        if (bias == null) {
            return y;
        }
        try (y) {
            return b.binary(BinaryOp.ADD, y, bias);
        }
    }

    /**
     * The gradients of {@link #conv(Backend, Tensor, Tensor, Tensor, Window)} for the output
     * gradient {@code g}, each where asked for: {@code [dx, dk, db]}, {@code dx} and {@code dk}
     * from {@link Backend#convGradients(Tensor, Tensor, Tensor, Window, boolean, boolean)}, and
     * {@code db[co] = Σ g[b, o…, co]} (every axis but the last summed); null where not asked.
     */
    public static Tensor[] convGradients(Backend b, Tensor x, Tensor kernel, Tensor g, Window w, boolean inputGradient,
            boolean kernelGradient, boolean biasGradient) {
        Tensor[] grads = b.convGradients(x, kernel, g, w, inputGradient, kernelGradient);
        Tensor db = null;
        if (biasGradient) {
            try (Tensor g2 = b.reshape(g, new int[] {rows(g, g.rank() - 2), g.dim(g.rank() - 1)})) {
                db = b.reduce(ReduceOp.SUM, g2, 0, false);
            }
        }
        return new Tensor[] {grads[0], grads[1], db};
    }

    /**
     * Pooling of each channel of {@code x} {@code (n, spatial…, c)} over the window:
     * {@link PoolOp#MAX} the largest cell (padding never counts), {@link PoolOp#AVERAGE} the mean
     * of the cells inside the input. Shape {@code (n, w.outputSpatial…, c)}.
     */
    public static Tensor pool(Backend b, PoolOp op, Tensor x, Window w) {
        int r = w.rank();
        int[] in = spatial(x, r);
        int[] out = w.outputSpatial(in);
        BinaryOp combine = op == PoolOp.MAX ? BinaryOp.MAXIMUM : BinaryOp.ADD;
        Tensor acc = null;
        try (Tensor padded = pad(b, x, w, op == PoolOp.MAX ? Double.NEGATIVE_INFINITY : 0)) {
            for (int t = 0; t < w.taps(); t++) {
                Tensor p = patch(b, padded, w, tap(w, t), out);
                if (acc == null) {
                    acc = p;
                } else {
                    try (p; Tensor previous = acc) {
                        acc = b.binary(combine, previous, p);
                    }
                }
            }
        }
        if (op == PoolOp.MAX) {
            return acc;
        }
        try (Tensor sum = acc; Tensor counts = counts(b, w, in, out, x.dtype())) {
            return b.binary(BinaryOp.DIVIDE, sum, counts);
        }
    }

    /**
     * The gradient of {@link #pool} with respect to {@code x}, given its output {@code y} and the
     * output gradient {@code g}: {@link PoolOp#MAX} sends each window's gradient to the first cell
     * (in row-major window order) that holds the maximum, as TensorFlow does;
     * {@link PoolOp#AVERAGE} shares it equally among the window's cells inside the input.
     */
    public static Tensor poolGradient(Backend b, PoolOp op, Tensor x, Tensor y, Tensor g, Window w) {
        int r = w.rank();
        int[] in = spatial(x, r);
        int[] out = spatial(y, r);
        List<Tensor> parts = new ArrayList<>();
        try {
            if (op == PoolOp.AVERAGE) {
                try (Tensor counts = counts(b, w, in, out, x.dtype())) {
                    parts.add(b.binary(BinaryOp.DIVIDE, g, counts));
                }
                for (int t = 1; t < w.taps(); t++) {
                    parts.add(parts.get(0));
                }
                return col2im(b, parts, w, in);
            }
            Tensor taken = b.full(y.shape(), 0, y.dtype());
            try (Tensor padded = pad(b, x, w, Double.NEGATIVE_INFINITY)) {
                for (int t = 0; t < w.taps(); t++) {
                    try (Tensor p = patch(b, padded, w, tap(w, t), out);
                         Tensor hit = b.binary(BinaryOp.EQUAL, p, y);
                         Tensor negated = b.binary(BinaryOp.MULTIPLY, taken, -1);
                         Tensor open = b.binary(BinaryOp.ADD, negated, 1);
                         Tensor first = b.binary(BinaryOp.MULTIPLY, hit, open);
                         Tensor previous = taken) {
                        taken = b.binary(BinaryOp.ADD, previous, first);
                        parts.add(b.binary(BinaryOp.MULTIPLY, g, first));
                    }
                }
            } finally {
                taken.close();
            }
            return col2im(b, parts, w, in);
        } finally {
            parts.stream().distinct().forEach(Tensor::close);
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private static int[] spatial(Tensor x, int r) {
        if (x.rank() != r + 2) {
            throw new IllegalArgumentException("A window over " + r + " spatial axes needs a tensor of rank " + (r + 2)
                    + " (batch, spatial…, channels), got shape " + Arrays.toString(x.shape()));
        }
        return Arrays.copyOfRange(x.shape(), 1, r + 1);
    }

    private static int rows(Tensor x, int r) {
        int n = x.dim(0);
        for (int i = 1; i <= r; i++) {
            n *= x.dim(i);
        }
        return n;
    }

    private static int[] batchShape(int n, int[] spatial, int channels) {
        int[] shape = new int[spatial.length + 2];
        shape[0] = n;
        System.arraycopy(spatial, 0, shape, 1, spatial.length);
        shape[shape.length - 1] = channels;
        return shape;
    }

    /** The offsets of tap {@code t} of the window, row-major over its size. */
    static int[] tap(Window w, int t) {
        int[] size = w.size();
        int[] k = new int[size.length];
        for (int i = size.length - 1; i >= 0; i--) {
            k[i] = t % size[i];
            t /= size[i];
        }
        return k;
    }

    /** The taps of the padded input as columns: {@code (n·Πout, taps·c)}, tap-major, channel-minor. */
    private static Tensor im2col(Backend b, Tensor x, Window w, int[] out) {
        int r = w.rank();
        List<Tensor> patches = new ArrayList<>();
        try (Tensor padded = pad(b, x, w, 0)) {
            for (int t = 0; t < w.taps(); t++) {
                patches.add(patch(b, padded, w, tap(w, t), out));
            }
            try (Tensor joined = patches.size() == 1 ? null : b.concat(patches, r + 1)) {
                Tensor cols = joined == null ? patches.get(0) : joined;
                return b.reshape(cols, new int[] {rows(cols, r), cols.dim(r + 1)});
            }
        } finally {
            patches.forEach(Tensor::close);
        }
    }

    /**
     * {@code x} padded with {@code value} by the window, plus {@code stride − 1} cells after each
     * axis so that every strided slice of {@link #patch} can take whole steps.
     */
    private static Tensor pad(Backend b, Tensor x, Window w, double value) {
        int[] before = w.padBefore();
        int[] after = w.padAfter();
        int[] strides = w.strides();
        Tensor t = b.binary(BinaryOp.ADD, x, 0);
        for (int i = 0; i < w.rank(); i++) {
            try (Tensor previous = t) {
                t = padAxis(b, previous, i + 1, before[i], after[i] + strides[i] - 1, value);
            }
        }
        return t;
    }

    /** {@code x} with {@code before} and {@code after} cells of {@code value} along {@code axis} (a new tensor). */
    private static Tensor padAxis(Backend b, Tensor x, int axis, int before, int after, double value) {
        if (before == 0 && after == 0) {
            return b.binary(BinaryOp.ADD, x, 0);
        }
        List<Tensor> pieces = new ArrayList<>();
        int[] shape = x.shape();
        try {
            if (before > 0) {
                shape[axis] = before;
                pieces.add(b.full(shape, value, x.dtype()));
            }
            pieces.add(x);
            if (after > 0) {
                shape[axis] = after;
                pieces.add(b.full(shape, value, x.dtype()));
            }
            return b.concat(pieces, axis);
        } finally {
            pieces.stream().filter(p -> p != x).forEach(Tensor::close);
        }
    }

    /** The cells {@code o·stride + k·dilation} of the padded input for every output position {@code o}. */
    private static Tensor patch(Backend b, Tensor padded, Window w, int[] k, int[] out) {
        int[] strides = w.strides();
        int[] dilation = w.dilation();
        Tensor t = null;
        for (int i = 0; i < w.rank(); i++) {
            int axis = i + 1;
            int start = k[i] * dilation[i];
            Tensor source = t == null ? padded : t;
            Tensor next;
            if (strides[i] == 1) {
                next = b.slice(source, axis, start, start + out[i]);
            } else {
                // Whole steps of the stride, then the first cell of each step.
                try (Tensor steps = b.slice(source, axis, start, start + out[i] * strides[i]);
                     Tensor split = b.reshape(steps, insert(steps.shape(), axis, out[i], strides[i]));
                     Tensor first = b.slice(split, axis + 1, 0, 1)) {
                    next = b.reshape(first, replace(steps.shape(), axis, out[i]));
                }
            }
            if (t != null) {
                t.close();
            }
            t = next;
        }
        return t;
    }

    /**
     * The sum over the window's taps of each tap's tensor {@code (n, out…, c)} put back where
     * {@link #patch} took it from: zeros interleaved by the stride, shifted by the tap's offset
     * into the padded input, then the padding cropped away. Shape {@code (n, spatial…, c)}.
     */
    private static Tensor col2im(Backend b, List<Tensor> taps, Window w, int[] spatial) {
        int r = w.rank();
        int[] before = w.padBefore();
        int[] after = w.padAfter();
        int[] strides = w.strides();
        int[] dilation = w.dilation();
        Tensor acc = null;
        for (int t = 0; t < taps.size(); t++) {
            int[] k = tap(w, t);
            Tensor placed = b.binary(BinaryOp.ADD, taps.get(t), 0);
            for (int i = 0; i < r; i++) {
                int axis = i + 1;
                int o = placed.dim(axis);
                try (Tensor previous = placed) {
                    Tensor spread = previous;
                    Tensor owned = null;
                    if (strides[i] > 1) {
                        int[] shape = insert(previous.shape(), axis, o, 1);
                        int[] zerosShape = insert(previous.shape(), axis, o, strides[i] - 1);
                        try (Tensor column = b.reshape(previous, shape);
                             Tensor zeros = b.full(zerosShape, 0, previous.dtype());
                             Tensor joined = b.concat(List.of(column, zeros), axis + 1)) {
                            owned = b.reshape(joined, replace(previous.shape(), axis, o * strides[i]));
                        }
                        spread = owned;
                    }
                    int offset = k[i] * dilation[i];
                    int length = spatial[i] + before[i] + after[i];
                    int tail = length - offset - spread.dim(axis);
                    try (Tensor cut = tail < 0 ? b.slice(spread, axis, 0, spread.dim(axis) + tail) : null) {
                        placed = padAxis(b, cut == null ? spread : cut, axis, offset, Math.max(tail, 0), 0);
                    } finally {
                        if (owned != null) {
                            owned.close();
                        }
                    }
                }
            }
            if (acc == null) {
                acc = placed;
            } else {
                try (Tensor previous = acc; Tensor addend = placed) {
                    acc = b.binary(BinaryOp.ADD, previous, addend);
                }
            }
        }
        for (int i = 0; i < r; i++) {
            try (Tensor previous = acc) {
                acc = b.slice(previous, i + 1, before[i], before[i] + spatial[i]);
            }
        }
        return acc;
    }

    /**
     * The number of cells inside the input of each window, as a tensor {@code (1, out…, 1)} that
     * broadcasts over batch and channels.
     */
    private static Tensor counts(Backend b, Window w, int[] in, int[] out, DType dtype) {
        double[] counts = w.counts(in);
        return b.fromArray(counts, batchShape(1, out, 1), dtype);
    }

    /** {@code shape} with {@code axis} replaced by the two axes {@code first, second}. */
    private static int[] insert(int[] shape, int axis, int first, int second) {
        int[] out = new int[shape.length + 1];
        System.arraycopy(shape, 0, out, 0, axis);
        out[axis] = first;
        out[axis + 1] = second;
        System.arraycopy(shape, axis + 1, out, axis + 2, shape.length - axis - 1);
        return out;
    }

    private static int[] replace(int[] shape, int axis, int size) {
        int[] out = shape.clone();
        out[axis] = size;
        return out;
    }
}
