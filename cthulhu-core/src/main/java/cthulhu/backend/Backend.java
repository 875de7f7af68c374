package cthulhu.backend;

import java.util.List;

/**
 * The service-provider interface a tensor library implements to run cthulhu.
 *
 * <p>A backend implements a small set of primitives: creation and conversion, element-wise maps
 * ({@link UnaryOp}), broadcasting binaries ({@link BinaryOp}), reductions along one axis
 * ({@link ReduceOp}), matrix multiplication and the shape operations. Everything else — every
 * activation, layer, loss, optimizer and every gradient — is written once in core against
 * {@link K}. A backend may override a composite (the {@code default} methods below) with a
 * faster native kernel; the conformance suite checks each override against the default written
 * over the primitives in {@link Composites}.
 *
 * <p>Implementations are registered in {@code META-INF/services/cthulhu.backend.Backend} and
 * found by {@link java.util.ServiceLoader}; they need a public no-argument constructor that does
 * no heavy work (loading a native library belongs in {@link #checkAvailable()}). Users never call
 * a backend directly: they call {@link K}. All tensors passed to a backend's methods were made by
 * that backend, and every method returns a new tensor; none modifies its arguments. Methods must
 * be safe to call from several threads at once.
 */
public interface Backend extends AutoCloseable {

    /** The name users select this backend by, e.g. {@code "pure"}, {@code "nd4j"}, {@code "djl"}. */
    String name();

    /**
     * The preference among available backends when the user names none: the highest wins.
     * The pure-Java backend has 0.
     */
    int priority();

    /** The Maven coordinates {@code groupId:artifactId} of the module that provides this backend. */
    String artifact();

    /**
     * Proves the backend works on this machine: loads its native library, if any, and runs one
     * tiny operation. Called once by discovery before the backend is used.
     *
     * @throws Exception or {@link LinkageError} with the reason when the backend cannot run here
     */
    void checkAvailable() throws Exception;

    /** Releases what the backend holds globally (native managers, thread pools). */
    @Override
    default void close() {
    }

    // ---- creation and conversion ----------------------------------------------------------

    /** A tensor holding {@code data} (row-major) with the given shape, stored as {@code dtype}. */
    Tensor fromArray(float[] data, int[] shape, DType dtype);

    /** A tensor holding {@code data} (row-major) with the given shape, stored as {@code dtype}. */
    Tensor fromArray(double[] data, int[] shape, DType dtype);

    /** A tensor of the given shape with every element {@code value}. */
    Tensor full(int[] shape, double value, DType dtype);

    /** The same values stored as {@code dtype}, always as a new tensor. */
    Tensor cast(Tensor x, DType dtype);

    /**
     * Uniform samples in {@code [min, max)}. The default draws in Java from {@code seed}, so
     * every backend gives the same values for the same seed.
     */
    default Tensor randomUniform(int[] shape, double min, double max, long seed, DType dtype) {
        return fromArray(Sampling.uniform(Shapes.size(shape), min, max, seed), shape, dtype);
    }

    /** Normal samples with the given mean and standard deviation; default drawn in Java from {@code seed}. */
    default Tensor randomNormal(int[] shape, double mean, double stddev, long seed, DType dtype) {
        return fromArray(Sampling.normal(Shapes.size(shape), mean, stddev, seed), shape, dtype);
    }

    /**
     * Normal samples redrawn until within two standard deviations of the mean (TensorFlow's
     * {@code truncated_normal}); default drawn in Java from {@code seed}.
     */
    default Tensor truncatedNormal(int[] shape, double mean, double stddev, long seed, DType dtype) {
        return fromArray(Sampling.truncatedNormal(Shapes.size(shape), mean, stddev, seed), shape, dtype);
    }

    // ---- primitives ----------------------------------------------------------------------

    /** Applies {@code op} to every element. */
    Tensor unary(UnaryOp op, Tensor x);

    /**
     * Applies {@code op} to every pair of elements of {@code a} and {@code b} under NumPy
     * broadcasting ({@link Shapes#broadcast}). Both have the same dtype.
     */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** Applies {@code op} with the scalar {@code b} as the right operand. */
    default Tensor binary(BinaryOp op, Tensor a, double b) {
        try (Tensor scalar = full(new int[0], b, a.dtype())) {
            return binary(op, a, scalar);
        }
    }

    /** Chooses {@code a} where {@code condition} is non-zero, else {@code b}; all three broadcast. */
    Tensor where(Tensor condition, Tensor a, Tensor b);

    /** Reduces along {@code axis} (already normalised to {@code [0, rank)}); keeps it as size 1 when {@code keepdims}. */
    Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims);

    /** The index of the largest element along {@code axis} (normalised), as a float tensor without that axis; the first index on ties. */
    Tensor argmax(Tensor x, int axis);

    /**
     * The matrix product of two rank-2 tensors, each optionally transposed first:
     * {@code op(a) · op(b)} with {@code op(a)} of shape {@code m × k} and {@code op(b)} {@code k × n}.
     */
    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB);

    /** The same elements in row-major order with a new shape of equal size (already resolved). */
    Tensor reshape(Tensor x, int[] shape);

    /** Permutes the axes: axis {@code i} of the result is axis {@code perm[i]} of {@code x}. */
    Tensor transpose(Tensor x, int[] perm);

    /** Repeats {@code x} along its size-1 axes to {@code shape}, which {@code x} broadcasts to. */
    Tensor broadcastTo(Tensor x, int[] shape);

    /** Elements {@code [start, end)} along {@code axis} (normalised). */
    Tensor slice(Tensor x, int axis, int start, int end);

    /** Joins tensors of equal shape but for {@code axis} (normalised) along that axis. */
    Tensor concat(List<Tensor> xs, int axis);

    /** The slices {@code indices[i]} along axis 0, in that order (a gather; indices may repeat). */
    Tensor take(Tensor x, int[] indices);

    // ---- composites: defaults over the primitives in Composites; override only for speed ----

    /** {@link Composites#softmax}. */
    default Tensor softmax(Tensor x, int axis) {
        return Composites.softmax(this, x, axis);
    }

    /** {@link Composites#relu}. */
    default Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        return Composites.relu(this, x, alpha, maxValue, threshold);
    }

    /**
     * {@link Composites#reluGradient}: the gradient of {@link #relu} with respect to {@code x},
     * given its result {@code y} and the gradient {@code g} of that result.
     */
    default Tensor reluGradient(Tensor x, Tensor y, Tensor g, double alpha, Double maxValue, double threshold) {
        return Composites.reluGradient(this, x, y, g, alpha, maxValue, threshold);
    }

    /** {@link Composites#elu}. */
    default Tensor elu(Tensor x, double alpha) {
        return Composites.elu(this, x, alpha);
    }

    /** {@link Composites#softplus}. */
    default Tensor softplus(Tensor x) {
        return Composites.softplus(this, x);
    }

    /** {@link Composites#softsign}. */
    default Tensor softsign(Tensor x) {
        return Composites.softsign(this, x);
    }

    /** {@link Composites#hardSigmoid}. */
    default Tensor hardSigmoid(Tensor x) {
        return Composites.hardSigmoid(this, x);
    }

    /** {@link Composites#clip}. */
    default Tensor clip(Tensor x, double min, double max) {
        return Composites.clip(this, x, min, max);
    }

    /** {@link Composites#dense}. */
    default Tensor dense(Tensor x, Tensor kernel, Tensor bias) {
        return Composites.dense(this, x, kernel, bias);
    }

    /**
     * Runs an element-wise kernel over tensors of one shape and dtype into {@code outputs} new
     * tensors of that shape and dtype ({@link K#mapElements}). The default copies the inputs to
     * Java arrays and the results back ({@link ElementwisePass#copying}); a backend whose storage
     * Java can address as NIO buffers overrides it to run {@link ElementwisePass} on that storage.
     */
    default Tensor[] mapElements(ElementKernel kernel, List<Tensor> inputs, int outputs) {
        return ElementwisePass.copying(this, kernel, inputs, outputs);
    }

    // ---- recurrent cells: defaults over the primitives in Composites; override only for speed ----

    /**
     * {@link Composites#lstmCell}: one step of an LSTM cell from its gates' pre-activations
     * {@code z} {@code [batch, 4·units]} and the previous cell state {@code c} {@code [batch, units]};
     * returns the new {@code h} and {@code c}, in that order.
     */
    default Tensor[] lstmCell(Tensor z, Tensor c, CellActivation gate, CellActivation activation) {
        return Composites.lstmCell(this, z, c, gate, activation);
    }

    /**
     * {@link Composites#lstmCellGradient}: the gradients of {@link #lstmCell} with respect to
     * {@code z} and {@code c}, in that order, given those {@code gh} and {@code gc} of its outputs.
     */
    default Tensor[] lstmCellGradient(Tensor z, Tensor c, Tensor gh, Tensor gc, CellActivation gate, CellActivation activation) {
        return Composites.lstmCellGradient(this, z, c, gh, gc, gate, activation);
    }

    // ---- windowed operations: defaults over the primitives in ConvComposites; override only for speed ----

    /**
     * {@link ConvComposites#conv}: the convolution of a channels-last {@code x}
     * {@code (n, spatial…, in)} with a kernel {@code (w.size…, in, out)}.
     */
    default Tensor conv(Tensor x, Tensor kernel, Window w) {
        return ConvComposites.conv(this, x, kernel, w);
    }

    /**
     * {@link ConvComposites#convTranspose}: the gradient of {@link #conv} with respect to its
     * input, for a convolution whose input had spatial shape {@code spatial}.
     */
    default Tensor convTranspose(Tensor g, Tensor kernel, Window w, int[] spatial) {
        return ConvComposites.convTranspose(this, g, kernel, w, spatial);
    }

    /** {@link ConvComposites#convKernelGradient}: the gradient of {@link #conv} with respect to its kernel. */
    default Tensor convKernelGradient(Tensor x, Tensor g, Window w) {
        return ConvComposites.convKernelGradient(this, x, g, w);
    }

    /**
     * {@link ConvComposites#convGradients}: both gradients of {@link #conv} at once, for a backend
     * whose library computes them in one pass over the output gradient {@code g}. The result holds
     * {@link #convTranspose} of {@code g} (the shape of {@code x}) if {@code inputGradient}, then
     * {@link #convKernelGradient} (the shape of {@code kernel}) if {@code kernelGradient}; null
     * for a gradient not asked for.
     */
    default Tensor[] convGradients(Tensor x, Tensor kernel, Tensor g, Window w, boolean inputGradient,
            boolean kernelGradient) {
        return ConvComposites.convGradients(this, x, kernel, g, w, inputGradient, kernelGradient);
    }

    /**
     * {@link ConvComposites#conv(Backend, Tensor, Tensor, Tensor, Window)}: {@link #conv} of
     * {@code x} by {@code kernel} plus {@code bias} {@code (out)} on the last axis, or without a
     * bias when it is null. {@code inputGradient} says whether
     * {@link #convGradients(Tensor, Tensor, Tensor, Tensor, Window, boolean, boolean, boolean)}
     * may be asked for the input's gradient of this result: a backend that keeps from the forward
     * pass what the gradients need may keep nothing for the input's when it is false (a network's
     * first convolution, whose input is data). The result does not depend on it, and a gradient
     * asked for anyway must still be right.
     */
    default Tensor conv(Tensor x, Tensor kernel, Tensor bias, Window w, boolean inputGradient) {
        return ConvComposites.conv(this, x, kernel, bias, w);
    }

    /**
     * {@link ConvComposites#convGradients(Backend, Tensor, Tensor, Tensor, Window, boolean, boolean, boolean)}:
     * the gradients of {@link #conv(Tensor, Tensor, Tensor, Window, boolean)} for the output
     * gradient {@code g}: {@code [dx, dk, db]} as {@link #convGradients(Tensor, Tensor, Tensor,
     * Window, boolean, boolean)} gives the first two and, if {@code biasGradient}, {@code g}
     * summed over every axis but the last; null for a gradient not asked for. {@code bias} is
     * the forward's (null if it had none, when {@code biasGradient} is false).
     */
    default Tensor[] convGradients(Tensor x, Tensor kernel, Tensor bias, Tensor g, Window w, boolean inputGradient,
            boolean kernelGradient, boolean biasGradient) {
        return ConvComposites.convGradients(this, x, kernel, g, w, inputGradient, kernelGradient, biasGradient);
    }

    /** {@link ConvComposites#pool}: max or average pooling of a channels-last {@code x}. */
    default Tensor pool(PoolOp op, Tensor x, Window w) {
        return ConvComposites.pool(this, op, x, w);
    }

    /** {@link ConvComposites#poolGradient}: the gradient of {@link #pool} with respect to {@code x}. */
    default Tensor poolGradient(PoolOp op, Tensor x, Tensor y, Tensor g, Window w) {
        return ConvComposites.poolGradient(this, op, x, y, g, w);
    }
}
