package cthulhu.optimizers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every optimizer: turns gradients into new values of the trainable variables
 * (Keras 2.2.4's {@code Optimizer.get_updates}).
 *
 * <p>The learning rate decays with the step count as Keras's does:
 * {@code lr_t = lr / (1 + decay · iterations)}, where {@code iterations} counts the steps taken
 * before this one. Per-variable state (moments, accumulators) lives in non-trainable
 * {@link Variable}s created at the first step that sees the variable, initialized to zeros, and
 * released by {@link #close()}.
 *
 * <p>Subclasses implement {@link #slotNames} and {@link #update}, writing every new value with
 * {@link Variable#assign}, which takes it out of the training step's {@link TensorScope} so that
 * it outlives the step while the step's intermediates are released.
 */
public abstract class Optimizer implements AutoCloseable {

    private final double lr;
    private final double decay;
    private long iterations;
    private double clipnorm;
    private double clipvalue;
    private final Map<Variable, List<Variable>> slots = new IdentityHashMap<>();

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @throws IllegalArgumentException for a negative or non-finite value, naming it
     */
    protected Optimizer(double lr, double decay) {
        this.lr = requireNonNegative("lr", lr);
        this.decay = requireNonNegative("decay", decay);
    }

    /**
     * Checks a hyper-parameter.
     *
     * @return {@code value}
     * @throws IllegalArgumentException naming the optimizer, the parameter and the value when it is
     *     negative or not finite
     */
    protected final double requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + name + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /**
     * Rescales the gradients before each step so that their global L2 norm
     * {@code n = √(Σ over all gradients of Σ g²)} is at most {@code clipnorm}: each {@code g}
     * becomes {@code g · clipnorm / n} when {@code n ≥ clipnorm} (Keras's {@code clipnorm}).
     * 0 (default) disables it.
     *
     * @return this optimizer
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public final Optimizer clipnorm(double clipnorm) {
        this.clipnorm = requireNonNegative("clipnorm", clipnorm);
        return this;
    }

    /**
     * Clips each gradient element to {@code [−clipvalue, clipvalue]} before each step, after
     * {@link #clipnorm} (Keras's {@code clipvalue}). 0 (default) disables it.
     *
     * @return this optimizer
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public final Optimizer clipvalue(double clipvalue) {
        this.clipvalue = requireNonNegative("clipvalue", clipvalue);
        return this;
    }

    /** The initial learning rate. */
    public final double lr() {
        return lr;
    }

    /** The learning-rate decay per step. */
    public final double decay() {
        return decay;
    }

    /** The number of steps taken so far. */
    public final long iterations() {
        return iterations;
    }

    /** The learning rate of the next step: {@code lr / (1 + decay · iterations)}. */
    public final double currentLearningRate() {
        return decay > 0 ? lr / (1 + decay * iterations) : lr;
    }

    /** The Keras class name, e.g. {@code "Adam"}. */
    public abstract String className();

    /**
     * The hyper-parameters as Keras names them ({@code lr}, {@code decay}, …), enough for
     * {@link Optimizers#deserialize} to rebuild an equal optimizer.
     */
    public abstract Map<String, Object> getConfig();

    /** The names of the per-variable state, e.g. {@code ["m", "v"]}; each starts as zeros. */
    protected abstract List<String> slotNames();

    /**
     * Computes one variable's update and writes it, and its new state, with {@link Variable#assign}.
     *
     * @param param the variable to update
     * @param grad the gradient of the loss with respect to it, of its shape
     * @param state its state, in the order of {@link #slotNames}
     * @param lr the decayed learning rate of this step
     * @param t this step's number, starting at 1
     */
    protected abstract void update(Variable param, Tensor grad, List<Variable> state, double lr, long t);

    /**
     * Takes one step: updates every variable from its gradient, then counts the step.
     *
     * @param params the trainable variables
     * @param grads their gradients, in the same order and of the same shapes
     * @throws IllegalArgumentException naming the variable when the counts or a shape differ
     */
    public final void applyGradients(List<Variable> params, List<Tensor> grads) {
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(className() + ": got " + grads.size() + " gradients for "
                    + params.size() + " variables; pass one gradient per variable");
        }
        for (int i = 0; i < params.size(); i++) {
            if (!Arrays.equals(params.get(i).shape(), grads.get(i).shape())) {
                throw new IllegalArgumentException(className() + ": the gradient of variable '" + params.get(i).name()
                        + "' has shape " + Arrays.toString(grads.get(i).shape()) + " but the variable has shape "
                        + Arrays.toString(params.get(i).shape()));
            }
        }
        List<Tensor> clipped = clip(grads);
        double rate = currentLearningRate();
        long t = iterations + 1;
        for (int i = 0; i < params.size(); i++) {
            Variable p = params.get(i);
            update(p, clipped.get(i), stateOf(p), rate, t);
        }
        iterations = t;
    }

    /** The gradients after {@link #clipnorm} and {@link #clipvalue}, in that order. */
    private List<Tensor> clip(List<Tensor> grads) {
        List<Tensor> out = grads;
        if (clipnorm > 0) {
            double squares = 0;
            for (Tensor g : out) {
                squares += K.sum(K.square(g)).toDoubleArray()[0];
            }
            double norm = Math.sqrt(squares);
            if (norm >= clipnorm) {
                out = out.stream().map(g -> K.multiply(g, clipnorm / norm)).toList();
            }
        }
        if (clipvalue > 0) {
            out = out.stream().map(g -> K.clip(g, -clipvalue, clipvalue)).toList();
        }
        return out;
    }

    private List<Variable> createSlots(Variable p) {
        List<Variable> state = new ArrayList<>();
        for (String name : slotNames()) {
            state.add(new Variable(p.name() + "/" + name, K.zeros(p.value().dtype(), p.shape()), false));
        }
        return Collections.unmodifiableList(state);
    }

    /**
     * The state of {@code param} in the order of {@link #slotNames} (zeros when created here,
     * before the first step that sees it). The optimizer owns these variables.
     */
    public final List<Variable> stateOf(Variable param) {
        return slots.computeIfAbsent(param, this::createSlots);
    }

    /**
     * Sets the step count, as when resuming from a saved state: it drives the learning-rate
     * decay and Adam's bias correction.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public final void setIterations(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException(className() + ": iterations must be >= 0, got " + iterations);
        }
        this.iterations = iterations;
    }

    /**
     * A config map in insertion order for subclasses' {@link #getConfig}: the given keys and
     * values, then {@code clipnorm} and {@code clipvalue} when they are set, as Keras's base
     * optimizer adds them.
     */
    protected final Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            c.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        if (clipnorm > 0) {
            c.put("clipnorm", clipnorm);
        }
        if (clipvalue > 0) {
            c.put("clipvalue", clipvalue);
        }
        return c;
    }

    /** Releases the state variables and forgets the step count. */
    @Override
    public void close() {
        slots.values().forEach(s -> s.forEach(Variable::close));
        slots.clear();
        iterations = 0;
    }

    @Override
    public String toString() {
        return className() + getConfig();
    }
}
