package cthulhu.optimizers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;

import java.util.List;
import java.util.Map;

/**
 * RMSprop (Tieleman and Hinton, 2012) as Keras 2.2.4: with accumulator {@code a} (zeros at first),
 * <pre>
 * a ← rho · a + (1 − rho) · g²
 * p ← p − lr_t · g / (√a + ε)
 * </pre>
 * Defaults: lr 0.001, rho 0.9, ε = {@link K#epsilon()} (1e-7), decay 0.
 */
public final class RMSprop extends Optimizer {

    private final double rho;
    private final double epsilon;

    /** RMSprop with Keras's defaults: lr 0.001, rho 0.9, ε = {@link K#epsilon()}, decay 0. */
    public RMSprop() {
        this(0.001);
    }

    /** RMSprop with the given learning rate and the other defaults. */
    public RMSprop(double lr) {
        this(lr, 0.9, K.epsilon(), 0);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param rho the decay of the squared-gradient average, {@code >= 0}
     * @param epsilon the fuzz factor added to the root, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public RMSprop(double lr, double rho, double epsilon, double decay) {
        super(lr, decay);
        this.rho = requireNonNegative("rho", rho);
        this.epsilon = requireNonNegative("epsilon", epsilon);
    }

    /** The decay of the squared-gradient average. */
    public double rho() {
        return rho;
    }

    /** The fuzz factor. */
    public double epsilon() {
        return epsilon;
    }

    @Override
    public String className() {
        return "RMSprop";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("lr", lr(), "rho", rho, "decay", decay(), "epsilon", epsilon);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("accumulator");
    }

    @Override
    protected void update(Variable param, Tensor grad, List<Variable> state, double lr, long t) {
        Variable accumulator = state.get(0);
        Tensor a = K.add(K.multiply(accumulator.value(), rho), K.multiply(K.square(grad), 1 - rho));
        Tensor p = K.subtract(param.value(), K.divide(K.multiply(grad, lr), K.add(K.sqrt(a), epsilon)));
        accumulator.assign(a);
        param.assign(p);
    }
}
