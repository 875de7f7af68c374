package cthulhu.conformance;

import cthulhu.backend.Backend;
import cthulhu.backend.BinaryOp;
import cthulhu.backend.DType;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;

import java.util.List;

/**
 * A second backend for tests: it computes with another backend but owns its own tensors, which
 * record whether they were closed. It lets the suite check, on every backend, that tensors of two
 * backends are never mixed and that scopes close exactly what they should.
 *
 * <p>Its name is {@code "foreign-"} followed by the wrapped backend's name. Its tensors delegate to
 * the wrapped backend's tensors, and closing one closes the wrapped tensor too.
 */
public final class ForeignBackend implements Backend {

    private final Backend inner;

    /** A backend computing with {@code inner} and owning its own tensors. */
    public ForeignBackend(Backend inner) {
        this.inner = inner;
    }

    /** A tensor of {@link ForeignBackend} that remembers whether it was closed. */
    private static final class ForeignTensor extends Tensor {
        private final Tensor inner;
        private volatile boolean closed;

        ForeignTensor(ForeignBackend owner, Tensor inner) {
            super(owner, inner.shape(), inner.dtype());
            this.inner = inner;
        }

        @Override
        public float[] toFloatArray() {
            return open().toFloatArray();
        }

        @Override
        public double[] toDoubleArray() {
            return open().toDoubleArray();
        }

        private Tensor open() {
            if (closed) {
                throw new IllegalStateException("This tensor of shape " + java.util.Arrays.toString(shape())
                        + " was closed and cannot be read");
            }
            return inner;
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    private Tensor wrap(Tensor t) {
        return new ForeignTensor(this, t);
    }

    private static Tensor in(Tensor t) {
        if (!(t instanceof ForeignTensor f)) {
            throw new IllegalArgumentException("Not a tensor of the foreign test backend: " + t);
        }
        return f.open();
    }

    @Override
    public String name() {
        return "foreign-" + inner.name();
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public String artifact() {
        return "io.cthulhu:cthulhu-conformance";
    }

    @Override
    public void checkAvailable() throws Exception {
        inner.checkAvailable();
    }

    @Override
    public Tensor fromArray(float[] data, int[] shape, DType dtype) {
        return wrap(inner.fromArray(data, shape, dtype));
    }

    @Override
    public Tensor fromArray(double[] data, int[] shape, DType dtype) {
        return wrap(inner.fromArray(data, shape, dtype));
    }

    @Override
    public Tensor full(int[] shape, double value, DType dtype) {
        return wrap(inner.full(shape, value, dtype));
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        return wrap(inner.cast(in(x), dtype));
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return wrap(inner.unary(op, in(x)));
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return wrap(inner.binary(op, in(a), in(b)));
    }

    @Override
    public Tensor where(Tensor condition, Tensor a, Tensor b) {
        return wrap(inner.where(in(condition), in(a), in(b)));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims) {
        return wrap(inner.reduce(op, in(x), axis, keepdims));
    }

    @Override
    public Tensor argmax(Tensor x, int axis) {
        return wrap(inner.argmax(in(x), axis));
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return wrap(inner.matmul(in(a), in(b), transposeA, transposeB));
    }

    @Override
    public Tensor reshape(Tensor x, int[] shape) {
        return wrap(inner.reshape(in(x), shape));
    }

    @Override
    public Tensor transpose(Tensor x, int[] perm) {
        return wrap(inner.transpose(in(x), perm));
    }

    @Override
    public Tensor broadcastTo(Tensor x, int[] shape) {
        return wrap(inner.broadcastTo(in(x), shape));
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return wrap(inner.slice(in(x), axis, start, end));
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        return wrap(inner.concat(xs.stream().map(ForeignBackend::in).toList(), axis));
    }

    @Override
    public Tensor take(Tensor x, int[] indices) {
        return wrap(inner.take(in(x), indices));
    }
}
