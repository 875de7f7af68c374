package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.config.Configs;
import cthulhu.config.Requirements;
import cthulhu.optimizers.schedules.LearningRateSchedule;
import cthulhu.optimizers.schedules.LearningRateSchedules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every optimizer: turns gradients into new values of the trainable variables
 * (Keras 2.2.4's {@code Optimizer.get_updates}).
 *
 * <p>The learning rate is a number or a {@link LearningRateSchedule} of the step count, and
 * decays as Keras 2.2.4's does: {@code lr_t = lr(iterations) / (1 + decay · iterations)}, where
 * {@code iterations} counts the steps taken before this one. Per-variable state (moments,
 * accumulators) lives in non-trainable {@link Variable}s created at the first step that sees the
 * variable, initialized to zeros, and released by {@link #close()}.
 *
 * <p>Before the update the gradients are clipped ({@link #clipnorm}, {@link #globalClipnorm},
 * {@link #clipvalue}); with Keras 3's {@link #weightDecay} each variable first shrinks by
 * {@code p ← p − p · weight_decay · lr_t}.
 *
 * <p>Subclasses implement {@link #slotNames} and {@link #kernel}: the update of one element of a
 * variable and its state, which runs for every variable as one fused pass over its storage
 * ({@link K#mapElements}). The new values are written with {@link Variable#assign}, which takes
 * them out of the training step's {@link TensorScope} so that they outlive the step while the
 * step's intermediates are released.
 */
public abstract class Optimizer implements AutoCloseable {

    private LearningRateSchedule learningRate;
    private final double decay;
    private long iterations;
    private double clipnorm;
    private double clipvalue;
    private double globalClipnorm;
    private double weightDecay;
    private final Map<Variable, List<Variable>> slots = new IdentityHashMap<>();

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @throws IllegalArgumentException for a negative or non-finite value, naming it
     */
    protected Optimizer(double lr, double decay) {
        this(LearningRateSchedule.constant(lr), decay);
    }

    /**
     * @param lr the learning rate as a function of the step count
     * @param decay Keras 2.2.4's learning-rate decay per step, {@code >= 0}, applied on top of the schedule
     * @throws IllegalArgumentException for a null schedule or a negative or non-finite decay
     */
    protected Optimizer(LearningRateSchedule lr, double decay) {
        if (lr == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the learning rate must not be null");
        }
        this.learningRate = lr;
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
        return Requirements.nonNegative(getClass().getSimpleName(), name, value);
    }

    /**
     * Rescales the gradients before each step so that their global L2 norm
     * {@code n = √(Σ over all gradients of Σ g²)} is at most {@code clipnorm}: each {@code g}
     * becomes {@code g · clipnorm / n} when {@code n ≥ clipnorm} (Keras 2.2.4's {@code clipnorm},
     * which is global; Keras 3 renamed this {@code global_clipnorm} and made {@code clipnorm}
     * per variable). 0 (default) disables it.
     *
     * @return this optimizer
     * @throws IllegalArgumentException for a negative or non-finite value, or when
     *     {@link #globalClipnorm} is set
     */
    public final Optimizer clipnorm(double clipnorm) {
        this.clipnorm = requireNonNegative("clipnorm", clipnorm);
        requireOneNormClip();
        return this;
    }

    /**
     * Keras 3's {@code global_clipnorm}: the gradients are rescaled by {@code c / max(n, c)} where
     * {@code n} is the L2 norm of all of them together, as {@link #clipnorm} does. 0 (default)
     * disables it.
     *
     * @return this optimizer
     * @throws IllegalArgumentException for a negative or non-finite value, or when {@link #clipnorm}
     *     is set (Keras 3 accepts only one of the two)
     */
    public final Optimizer globalClipnorm(double globalClipnorm) {
        this.globalClipnorm = requireNonNegative("global_clipnorm", globalClipnorm);
        requireOneNormClip();
        return this;
    }

    private void requireOneNormClip() {
        if (clipnorm > 0 && globalClipnorm > 0) {
            throw new IllegalArgumentException(className() + ": set clipnorm (" + clipnorm + ") or global_clipnorm ("
                    + globalClipnorm + "), not both: both clip the global norm of the gradients");
        }
    }

    /**
     * Keras 3's decoupled {@code weight_decay}: before its update each variable becomes
     * {@code p − p · weight_decay · lr_t}. 0 (default; {@link AdamW}'s is 0.004) disables it.
     *
     * @return this optimizer
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public final Optimizer weightDecay(double weightDecay) {
        this.weightDecay = requireNonNegative("weight_decay", weightDecay);
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

    /** The learning rate at step 0 (the schedule's initial rate). */
    public final double lr() {
        return learningRate.at(0);
    }

    /** The learning rate as a function of the step count (a constant for a plain number). */
    public final LearningRateSchedule learningRate() {
        return learningRate;
    }

    /**
     * Replaces the learning rate by a constant from the next step on, as Keras's callbacks set
     * {@code optimizer.lr}.
     *
     * @throws IllegalArgumentException for a negative or non-finite rate
     */
    public final void setLearningRate(double lr) {
        learningRate = LearningRateSchedule.constant(requireNonNegative("lr", lr));
    }

    /** The weight decay ({@link #weightDecay(double)}). */
    public final double weightDecay() {
        return weightDecay;
    }

    /** The learning-rate decay per step. */
    public final double decay() {
        return decay;
    }

    /** The number of steps taken so far. */
    public final long iterations() {
        return iterations;
    }

    /** The learning rate of the next step: {@code lr(iterations) / (1 + decay · iterations)}. */
    public final double currentLearningRate() {
        double lr = learningRate.at(iterations);
        return decay > 0 ? lr / (1 + decay * iterations) : lr;
    }

    /** The Keras class name, e.g. {@code "Adam"}. */
    public abstract String className();

    /**
     * The hyper-parameters as Keras names them ({@code lr}, {@code decay}, …), enough for
     * {@link Optimizers#deserialize} to rebuild an equal optimizer.
     */
    public abstract Map<String, Object> getConfig();

    /** The names of the per-variable state, e.g. {@code ["m", "v"]}; each starts at {@link #initialSlotValue}. */
    protected abstract List<String> slotNames();

    /**
     * The update of one step, element by element, for every variable: its inputs are
     * {@code p, g} and the state in the order of {@link #slotNames}; its outputs {@code p'} and
     * the new state in the same order.
     *
     * @param lr the learning rate of this step (scheduled and decayed)
     * @param t this step's number, starting at 1
     */
    protected abstract ElementKernel kernel(double lr, long t);

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
        ElementKernel kernel = withWeightDecay(kernel(rate, t), rate);
        for (int i = 0; i < params.size(); i++) {
            Variable p = params.get(i);
            List<Variable> state = stateOf(p);
            Tensor[] in = new Tensor[2 + state.size()];
            in[0] = p.value();
            in[1] = clipped.get(i);
            for (int k = 0; k < state.size(); k++) {
                in[2 + k] = state.get(k).value();
            }
            Tensor[] next = step(kernel, in, 1 + state.size());
            for (int k = 0; k < state.size(); k++) {
                state.get(k).assign(next[1 + k]);
            }
            p.assign(next[0]);
        }
        iterations = t;
    }

    /**
     * One variable's update: the new value and state from its inputs {@code p, g} and state. The
     * default is the fused pass of {@code kernel}; an optimizer whose update needs more than each
     * element on its own (a norm over the whole variable, as {@link Lamb}'s) runs the pass and
     * finishes the update with {@link K}.
     *
     * @param kernel this step's kernel, weight decay included
     * @param in {@code p, g} and the state in the order of {@link #slotNames}
     * @param outputs {@code 1 + } the number of slots
     * @return {@code p'} and the new state in the same order
     */
    protected Tensor[] step(ElementKernel kernel, Tensor[] in, int outputs) {
        return K.mapElements(kernel, outputs, in);
    }

    /** {@code kernel} applied to {@code p − p · weight_decay · lr} (the kernel's inputs are its own copies). */
    private ElementKernel withWeightDecay(ElementKernel kernel, double lr) {
        if (weightDecay == 0) {
            return kernel;
        }
        double shrink = weightDecay * lr;
        ElementKernel doubles = (in, out, n) -> {
            double[] p = in[0];
            for (int i = 0; i < n; i++) {
                p[i] = p[i] - p[i] * shrink;
            }
            kernel.apply(in, out, n);
        };
        ElementKernel.FloatKernel floats = kernel.floats();
        if (floats == null) {
            return doubles;
        }
        float shrinkf = (float) shrink;
        return ElementKernel.of(doubles, (in, out, n) -> {
            float[] p = in[0];
            for (int i = 0; i < n; i++) {
                p[i] = p[i] - p[i] * shrinkf;
            }
            floats.apply(in, out, n);
        });
    }

    /** The gradients after {@link #clipnorm} (or {@link #globalClipnorm}) and {@link #clipvalue}, in that order. */
    private List<Tensor> clip(List<Tensor> grads) {
        List<Tensor> out = grads;
        double clipnorm = Math.max(this.clipnorm, globalClipnorm);
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

    /** The value every element of the state {@code slot} starts at: 0 unless an optimizer says otherwise. */
    protected double initialSlotValue(String slot) {
        return 0;
    }

    private List<Variable> createSlots(Variable p) {
        List<Variable> state = new ArrayList<>();
        for (String name : slotNames()) {
            Tensor zeros = K.zeros(p.value().dtype(), p.shape());
            double initial = initialSlotValue(name);
            state.add(new Variable(p.name() + "/" + name, initial == 0 ? zeros : K.add(zeros, initial), false));
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
     * A config map in insertion order for subclasses' {@link #getConfig}: {@code lr} (a number,
     * or a schedule's {@code class_name} and {@code config}), the given keys and values, then
     * {@code clipnorm}, {@code clipvalue}, {@code global_clipnorm} and {@code weight_decay} when
     * they are set, as Keras's base optimizer adds them.
     */
    protected final Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> c = Configs.of("lr", LearningRateSchedules.serialize(learningRate));
        c.putAll(Configs.of(keysAndValues));
        if (clipnorm > 0) {
            c.put("clipnorm", clipnorm);
        }
        if (clipvalue > 0) {
            c.put("clipvalue", clipvalue);
        }
        if (globalClipnorm > 0) {
            c.put("global_clipnorm", globalClipnorm);
        }
        if (weightDecay > 0) {
            c.put("weight_decay", weightDecay);
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
