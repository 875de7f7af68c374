package cthulhu.backend;

import java.util.List;
import java.util.function.Function;

/**
 * The differentiable operations that {@link K} runs, and the two services of the gradient tape
 * that this package needs: computing a gradient and taking over tensors a closing
 * {@link TensorScope} would release while a tape still reads them.
 *
 * <p>{@code cthulhu.autodiff} implements it (its operations record their gradient rules on the
 * open tapes) and registers the implementation with {@link java.util.ServiceLoader}, where {@link K} finds it, so this package
 * depends on no other package of cthulhu: the facade and the SPI read on their own, and
 * automatic differentiation sits above them. Each operation validates its arguments, runs on the
 * active backend and registers its result with the open {@link TensorScope}; the contract of each
 * is that of the {@link K} method that calls it.
 */
public interface DifferentiableOps {

    /** Applies an element-wise map; see {@link UnaryOp}. */
    Tensor unary(UnaryOp op, Tensor x);

    /** Applies a binary operation with broadcasting; see {@link BinaryOp}. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** Applies a binary operation with a scalar right operand. */
    Tensor binary(BinaryOp op, Tensor a, double b);

    /** {@code condition ? a : b} element-wise, all three broadcast. */
    Tensor where(Tensor condition, Tensor a, Tensor b);

    /** Reduces along one axis (negative counts from the end). */
    Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims);

    /** Index of the largest element along an axis; not differentiable. */
    Tensor argmax(Tensor x, int axis);

    /** {@code op(a) · op(b)} for rank-2 tensors, each optionally transposed. */
    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB);

    /** The same elements with a new shape; one dimension may be {@code -1}. */
    Tensor reshape(Tensor x, int... shape);

    /** Permutes the axes: axis {@code i} of the result is axis {@code perm[i]} of {@code x}. */
    Tensor transpose(Tensor x, int... perm);

    /** Repeats {@code x} to a shape it broadcasts to. */
    Tensor broadcastTo(Tensor x, int... shape);

    /** Elements {@code [start, end)} along {@code axis}. */
    Tensor slice(Tensor x, int axis, int start, int end);

    /** Joins tensors along an axis. */
    Tensor concat(List<Tensor> xs, int axis);

    /** {@code x} cut along an axis into equal pieces, one operation whose gradient is their concatenation. */
    List<Tensor> split(Tensor x, int axis, int parts);

    /** The slices {@code indices[i]} of {@code x} along axis 0 (a gather). */
    Tensor take(Tensor x, int[] indices);

    /** The same values in another float type. */
    Tensor cast(Tensor x, DType dtype);

    /** Softmax along an axis. */
    Tensor softmax(Tensor x, int axis);

    /** Keras's relu with slope {@code alpha} below {@code threshold}, clipped at {@code maxValue} if not null. */
    Tensor relu(Tensor x, double alpha, Double maxValue, double threshold);

    /** Exponential linear unit. */
    Tensor elu(Tensor x, double alpha);

    /** Softplus. */
    Tensor softplus(Tensor x);

    /** Softsign. */
    Tensor softsign(Tensor x);

    /** Hard sigmoid. */
    Tensor hardSigmoid(Tensor x);

    /** Clip to {@code [min, max]}. */
    Tensor clip(Tensor x, double min, double max);

    /** The affine map {@code x · kernel + bias} of a dense layer, for rank-2 {@code x}; bias may be null. */
    Tensor dense(Tensor x, Tensor kernel, Tensor bias);

    /** One step of an LSTM cell from its gates' pre-activations; see {@link K#lstmCell}. */
    Tensor[] lstmCell(Tensor z, Tensor c, CellActivation gate, CellActivation activation);

    /** The gradient of {@code sum(f(x))} with respect to {@code x}, of the shape of {@code x}. */
    Tensor gradient(Function<Tensor, Tensor> f, Tensor x);

    /**
     * Takes over a tensor that a closing {@link TensorScope} would release while an open tape on
     * this thread may still read it; the tape releases it when it closes.
     *
     * @return whether a tape took the tensor over
     */
    boolean adopt(Tensor t);

    // ---- convolution and pooling, channels-last ----

    /**
     * The convolution of {@code x} with {@code kernel} over the window {@code w}, plus
     * {@code bias} unless null; see {@link K#conv(Tensor, Tensor, Tensor, Window)}.
     */
    Tensor conv(Tensor x, Tensor kernel, Tensor bias, Window w);

    /** The transposed convolution to spatial shape {@code spatial}; see {@link K#convTranspose}. */
    Tensor convTranspose(Tensor x, Tensor kernel, Window w, int[] spatial);

    /** Max or average pooling over the window {@code w}; see {@link K#pool}. */
    Tensor pool(PoolOp op, Tensor x, Window w);
}
