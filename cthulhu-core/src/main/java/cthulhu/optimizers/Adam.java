package cthulhu.optimizers;

import cthulhu.autodiff.Ops;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;

import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) as Keras 2.2.4, with the bias correction folded into the step size:
 * at step {@code t} (from 1), with moments {@code m}, {@code v} (zeros at first),
 * <pre>
 * lr_t = lr · √(1 − β2^t) / (1 − β1^t)
 * m ← β1 · m + (1 − β1) · g
 * v ← β2 · v + (1 − β2) · g²
 * p ← p − lr_t · m / (√v + ε)
 * </pre>
 * With AMSGrad (Reddi et al., 2018) a third state {@code v̂ ← max(v̂, v)} replaces {@code v} in the
 * last line. Defaults: lr 0.001, β1 0.9, β2 0.999, ε = {@link K#epsilon()} (1e-7), decay 0, no
 * AMSGrad. Each variable's update is one call of the backend's {@code adam} composite, which a
 * backend may run as a fused kernel.
 */
public final class Adam extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;

    /** Adam with Keras's defaults: lr 0.001, β1 0.9, β2 0.999, ε = {@link K#epsilon()}, decay 0. */
    public Adam() {
        this(0.001);
    }

    /** Adam with the given learning rate and the other defaults. */
    public Adam(double lr) {
        this(lr, 0.9, 0.999, K.epsilon(), 0, false);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param beta1 the decay of the first moment, in {@code [0, 1)}
     * @param beta2 the decay of the second moment, in {@code [0, 1)}
     * @param epsilon the fuzz factor added to the root, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @param amsgrad whether to use the AMSGrad variant
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public Adam(double lr, double beta1, double beta2, double epsilon, double decay, boolean amsgrad) {
        super(lr, decay);
        this.beta1 = requireBeta("beta_1", beta1);
        this.beta2 = requireBeta("beta_2", beta2);
        this.epsilon = requireNonNegative("epsilon", epsilon);
        this.amsgrad = amsgrad;
    }

    private double requireBeta(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("Adam: " + name + " must be in [0, 1), got " + value);
        }
        return value;
    }

    /** The decay of the first moment. */
    public double beta1() {
        return beta1;
    }

    /** The decay of the second moment. */
    public double beta2() {
        return beta2;
    }

    /** The fuzz factor. */
    public double epsilon() {
        return epsilon;
    }

    /** Whether the AMSGrad variant is used. */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    public String className() {
        return "Adam";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("lr", lr(), "beta_1", beta1, "beta_2", beta2, "decay", decay(), "epsilon", epsilon,
                "amsgrad", amsgrad);
    }

    @Override
    protected List<String> slotNames() {
        return amsgrad ? List.of("m", "v", "vhat") : List.of("m", "v");
    }

    @Override
    protected void update(Variable param, Tensor grad, List<Variable> state, double lr, long t) {
        Tensor vhat = amsgrad ? state.get(2).value() : null;
        Tensor[] next = Ops.adam(param.value(), grad, state.get(0).value(), state.get(1).value(), vhat, lr, t, beta1,
                beta2, epsilon);
        state.get(0).assign(next[1]);
        state.get(1).assign(next[2]);
        if (amsgrad) {
            state.get(2).assign(next[3]);
        }
        param.assign(next[0]);
    }
}
