package cthulhu.autodiff;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.CellActivation;
import cthulhu.backend.DType;
import cthulhu.backend.DifferentiableOps;
import cthulhu.backend.PoolOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;
import cthulhu.backend.Window;

import java.util.List;
import java.util.function.Function;

/**
 * This package's {@link DifferentiableOps}: the operations of {@link Ops}, each recording its
 * gradient rule on the open {@link GradientTape}s, and the tapes' gradient and adoption.
 * Registered with {@link java.util.ServiceLoader}, through which {@link cthulhu.backend.K} finds
 * it; not for direct use.
 */
public final class RecordingOps implements DifferentiableOps {

    /** Called by {@link java.util.ServiceLoader}. */
    public RecordingOps() {
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return Ops.unary(op, x);
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return Ops.binary(op, a, b);
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, double b) {
        return Ops.binary(op, a, b);
    }

    @Override
    public Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Ops.where(condition, a, b);
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepdims) {
        return Ops.reduce(op, x, axis, keepdims);
    }

    @Override
    public Tensor argmax(Tensor x, int axis) {
        return Ops.argmax(x, axis);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return Ops.matmul(a, b, transposeA, transposeB);
    }

    @Override
    public Tensor reshape(Tensor x, int... shape) {
        return Ops.reshape(x, shape);
    }

    @Override
    public Tensor transpose(Tensor x, int... perm) {
        return Ops.transpose(x, perm);
    }

    @Override
    public Tensor broadcastTo(Tensor x, int... shape) {
        return Ops.broadcastTo(x, shape);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return Ops.slice(x, axis, start, end);
    }

    @Override
    public List<Tensor> split(Tensor x, int axis, int parts) {
        return Ops.split(x, axis, parts);
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        return Ops.concat(xs, axis);
    }

    @Override
    public Tensor take(Tensor x, int[] indices) {
        return Ops.take(x, indices);
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        return Ops.cast(x, dtype);
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        return Ops.softmax(x, axis);
    }

    @Override
    public Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        return Ops.relu(x, alpha, maxValue, threshold);
    }

    @Override
    public Tensor elu(Tensor x, double alpha) {
        return Ops.elu(x, alpha);
    }

    @Override
    public Tensor softplus(Tensor x) {
        return Ops.softplus(x);
    }

    @Override
    public Tensor softsign(Tensor x) {
        return Ops.softsign(x);
    }

    @Override
    public Tensor hardSigmoid(Tensor x) {
        return Ops.hardSigmoid(x);
    }

    @Override
    public Tensor clip(Tensor x, double min, double max) {
        return Ops.clip(x, min, max);
    }

    @Override
    public Tensor dense(Tensor x, Tensor kernel, Tensor bias) {
        return Ops.dense(x, kernel, bias);
    }

    @Override
    public Tensor[] lstmCell(Tensor z, Tensor c, CellActivation gate, CellActivation activation) {
        return Ops.lstmCell(z, c, gate, activation);
    }

    @Override
    public Tensor gradient(Function<Tensor, Tensor> f, Tensor x) {
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(x);
            Tensor y = f.apply(x);
            return tape.gradient(y, List.of(x)).get(0);
        }
    }

    @Override
    public boolean adopt(Tensor t) {
        return GradientTape.adopt(t);
    }

    @Override
    public Tensor conv(Tensor x, Tensor kernel, Tensor bias, Window w) {
        return Ops.conv(x, kernel, bias, w);
    }

    @Override
    public Tensor convTranspose(Tensor x, Tensor kernel, Window w, int[] spatial) {
        return Ops.convTranspose(x, kernel, w, spatial);
    }

    @Override
    public Tensor pool(PoolOp op, Tensor x, Window w) {
        return Ops.pool(op, x, w);
    }
}
