package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The recurrent loop shared by {@link SimpleRNN}, {@link LSTM} and {@link GRU} (Keras's
 * {@code RNN} layer with its cell), written once against {@link K} so that its gradient through
 * time comes from the tape.
 *
 * <p>Input: {@code [batch, steps, features]}; any number of steps once built. For each step
 * {@code t} (from the last when {@link #goBackwards}), the cell maps the step's input and the
 * states to new states; the output of the step is the first state, {@code h}. The input
 * projection {@code x·kernel + bias} of every step is computed in one product before the loop;
 * inside it the cell adds {@code h·recurrent_kernel}. Output: the last {@code h},
 * {@code [batch, units]}, or with {@link #returnSequences} every step's, {@code [batch, steps, units]},
 * in the order the steps were processed (reversed when going backwards, as in Keras).
 *
 * <p>Masks (from {@link Embedding#maskZero} or {@link Masking}): at a masked step the states keep
 * their previous values and the step's output repeats the previous output (zeros, or the
 * initial state, before the first unmasked step) — Keras 2.2.4's rule — or, with
 * {@link #zeroOutputForMask}, zeros. The output mask is the
 * input mask with {@link #returnSequences}, none otherwise.
 *
 * <p>Dropout (training only, Keras's {@code implementation=1}): one mask per gate, drawn once
 * per batch and shared by every step, scales the inputs ({@code dropout}) and the previous
 * {@code h} ({@code recurrentDropout}) by {@code keep / (1 - rate)}.
 *
 * <p>With {@link #stateful}, the final states of a batch are the initial states of the next,
 * which must then have the same number of samples; {@link #resetStates} starts over from zeros.
 *
 * <p>Weights: {@code [kernel (features × gates·units), recurrent_kernel (units × gates·units),
 * bias (gates·units)]}, without bias when {@link #useBias} is false, gates side by side in the
 * cell's order; defaults {@code glorot_uniform}, {@code orthogonal} and {@code zeros}.
 *
 * @param <L> the concrete layer, so that the fluent options return it
 */
public abstract class Recurrent<L extends Recurrent<L>> extends Layer {

    /** The output dimension of the cell: the size of {@code h}. */
    protected final int units;
    private Activation activation;
    private Activation recurrentActivation;
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializers.get("glorot_uniform");
    private Initializer recurrentInitializer = Initializers.get("orthogonal");
    private Initializer biasInitializer = Initializers.get("zeros");
    private double dropout;
    private double recurrentDropout;
    private DropoutNoise inputNoise;
    private DropoutNoise recurrentNoise;
    private boolean returnSequences;
    private boolean returnState;
    private boolean goBackwards;
    private boolean stateful;
    private boolean zeroOutputForMask;
    private Tensor[] heldStates;
    /** The weights, set by {@link #build}; {@code bias} is null without a bias. */
    protected Variable kernel;
    /** The weight multiplying the previous {@code h}. */
    protected Variable recurrentKernel;
    /** The bias, or null. */
    protected Variable bias;

    /**
     * @param units the size of {@code h}, positive
     * @param activation the cell's activation
     * @param recurrentActivation the gates' activation (unused by {@link SimpleRNN})
     * @throws IllegalArgumentException if {@code units} is not positive
     */
    Recurrent(int units, Activation activation, Activation recurrentActivation) {
        if (units <= 0) {
            throw new IllegalArgumentException(className() + " needs a positive number of units, got " + units);
        }
        this.units = units;
        this.activation = activation;
        this.recurrentActivation = recurrentActivation;
        this.inputNoise = new DropoutNoise(className() + " dropout", 0, null);
        this.recurrentNoise = inputNoise;
    }

    /** This layer, as its own type. */
    @SuppressWarnings("unchecked")
    private L self() {
        return (L) this;
    }

    // ---- what a cell defines -----------------------------------------------------------------

    /** The number of gates laid side by side in the kernels: 1 for SimpleRNN, 4 for LSTM, 3 for GRU. */
    abstract int gates();

    /** The number of states: 2 for LSTM ({@code h}, {@code c}), else 1 ({@code h}). */
    int stateCount() {
        return 1;
    }

    /** Creates the bias; by default {@code (gates·units)} from the bias initializer. */
    Variable buildBias(Initializer initializer) {
        return addWeight("bias", initializer, gates() * units);
    }

    /** The part of the bias added to the input projection; by default the whole bias. */
    Tensor inputBias() {
        return bias == null ? null : bias.value();
    }

    /**
     * One step of the cell.
     *
     * @param x the step's input projection {@code x_t·kernel + input bias}, {@code [batch, gates·units]},
     *     gates side by side
     * @param states the states before the step, {@code h} first, each {@code [batch, units]}
     * @param step the recurrent kernel and recurrent dropout of this call
     * @return the states after the step, {@code h} first
     */
    abstract Tensor[] step(Tensor x, Tensor[] states, Step step);

    /** The cell's own configuration keys (e.g. {@code unit_forget_bias}), added after the shared ones. */
    void cellConfig(Map<String, Object> config) {
    }

    // ---- options -----------------------------------------------------------------------------

    /** Declares the shape of one input sample, {@code [steps, features]} (steps may be -1: any). */
    public L inputShape(int... shape) {
        declareInputShape(shape);
        return self();
    }

    /** Whether to output every step ({@code [batch, steps, units]}) or only the last; default false. */
    public L returnSequences(boolean returnSequences) {
        this.returnSequences = returnSequences;
        return self();
    }

    /** Whether {@link #callWithStates} also returns the final states; default false. */
    public L returnState(boolean returnState) {
        this.returnState = returnState;
        return self();
    }

    /** Whether to process the steps from the last to the first; default false. */
    public L goBackwards(boolean goBackwards) {
        this.goBackwards = goBackwards;
        return self();
    }

    /**
     * Keras 3's {@code zero_output_for_mask}: with {@link #returnSequences}, whether a masked
     * step outputs zeros instead of repeating the previous output; default false (Keras 2.2.4's
     * rule). The states carry over either way.
     */
    public L zeroOutputForMask(boolean zeroOutputForMask) {
        this.zeroOutputForMask = zeroOutputForMask;
        return self();
    }

    /** Whether the final states of a batch are the initial states of the next; default false. */
    public L stateful(boolean stateful) {
        this.stateful = stateful;
        resetStates();
        return self();
    }

    /** The cell's activation by name, resolved by {@link Activations#get}. */
    public L activation(String name) {
        return activation(Activations.get(name));
    }

    /** The cell's activation; null means {@code linear}. */
    public L activation(Activation activation) {
        this.activation = activation == null ? Activations.get("linear") : activation;
        return self();
    }

    /** The gates' activation by name, resolved by {@link Activations#get}. */
    public L recurrentActivation(String name) {
        return recurrentActivation(Activations.get(name));
    }

    /** The gates' activation; null means {@code linear}. */
    public L recurrentActivation(Activation recurrentActivation) {
        this.recurrentActivation = recurrentActivation == null ? Activations.get("linear") : recurrentActivation;
        return self();
    }

    /** Whether to add a bias; default true. */
    public L useBias(boolean useBias) {
        checkNotBuilt("useBias");
        this.useBias = useBias;
        return self();
    }

    /** The kernel's initializer by name; default {@code glorot_uniform}. */
    public L kernelInitializer(String name) {
        return kernelInitializer(Initializers.get(name));
    }

    /** The kernel's initializer; default {@code glorot_uniform}. */
    public L kernelInitializer(Initializer initializer) {
        checkNotBuilt("kernelInitializer");
        this.kernelInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** The recurrent kernel's initializer by name; default {@code orthogonal}. */
    public L recurrentInitializer(String name) {
        return recurrentInitializer(Initializers.get(name));
    }

    /** The recurrent kernel's initializer; default {@code orthogonal}. */
    public L recurrentInitializer(Initializer initializer) {
        checkNotBuilt("recurrentInitializer");
        this.recurrentInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** The bias's initializer by name; default {@code zeros}. */
    public L biasInitializer(String name) {
        return biasInitializer(Initializers.get(name));
    }

    /** The bias's initializer; default {@code zeros}. */
    public L biasInitializer(Initializer initializer) {
        checkNotBuilt("biasInitializer");
        this.biasInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /**
     * The fraction of the inputs dropped in training, in {@code [0, 1)}; default 0.
     *
     * @throws IllegalArgumentException naming the layer for a rate outside {@code [0, 1)}
     */
    public L dropout(double rate) {
        this.inputNoise = new DropoutNoise(className() + " " + getName() + " dropout", rate, null);
        this.dropout = rate;
        return self();
    }

    /**
     * The fraction of the previous {@code h} dropped in training, in {@code [0, 1)}; default 0.
     *
     * @throws IllegalArgumentException naming the layer for a rate outside {@code [0, 1)}
     */
    public L recurrentDropout(double rate) {
        this.recurrentNoise = new DropoutNoise(className() + " " + getName() + " recurrentDropout", rate, null);
        this.recurrentDropout = rate;
        return self();
    }

    /** The size of {@code h}. */
    public int units() {
        return units;
    }

    /** Whether every step is output. */
    public boolean isReturnSequences() {
        return returnSequences;
    }

    /** Whether the final states are returned by {@link #callWithStates}. */
    public boolean isReturnState() {
        return returnState;
    }

    /** Whether the steps run from the last to the first. */
    public boolean isGoBackwards() {
        return goBackwards;
    }

    /** Whether states carry over between batches. */
    public boolean isStateful() {
        return stateful;
    }

    /** The cell's activation. */
    public Activation activation() {
        return activation;
    }

    /** The gates' activation. */
    public Activation recurrentActivation() {
        return recurrentActivation;
    }

    /** Forgets the states a stateful layer carried over: the next batch starts from zeros. */
    public final void resetStates() {
        if (heldStates != null) {
            for (Tensor s : heldStates) {
                s.close();
            }
        }
        heldStates = null;
    }

    // ---- Layer -------------------------------------------------------------------------------

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != 2) {
            throw new IllegalArgumentException(className() + " " + getName() + " takes batches of sequences [batch, steps, features]"
                    + " (samples of rank 2), but got samples of shape " + Arrays.toString(inputShape)
                    + "; reshape the input to [batch, steps, features], e.g. K.reshape(x, batch, steps, 1) for one feature per step");
        }
        return returnSequences ? new int[] {inputShape[0], units} : new int[] {units};
    }

    /** Any number of steps; the features are fixed by the kernel. (An initial state, rank 1, is fixed.) */
    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        return builtShape.length == 2 ? new int[] {-1, builtShape[1]} : builtShape;
    }

    /**
     * The sequence, optionally followed by one initial state {@code [units]} per state; gives
     * the output and, with {@link #returnState}, the final states (Keras's
     * {@code layer(x, initial_state=[...])} in a graph).
     */
    @Override
    public List<int[]> computeOutputShapes(List<int[]> inputShapes) {
        int[] out = computeOutputShape(inputShapes.get(0));
        if (inputShapes.size() != 1 && inputShapes.size() != 1 + stateCount()) {
            throw new IllegalArgumentException(className() + " " + getName() + " takes a sequence and optionally " + stateCount()
                    + " initial state(s), but was given " + inputShapes.size() + " inputs");
        }
        for (int[] state : inputShapes.subList(1, inputShapes.size())) {
            if (state.length != 1 || state[0] != units) {
                throw new IllegalArgumentException(className() + " " + getName() + ": an initial state must have samples of shape ["
                        + units + "], got " + Arrays.toString(state));
            }
        }
        List<int[]> shapes = new ArrayList<>();
        shapes.add(out);
        for (int s = 0; returnState && s < stateCount(); s++) {
            shapes.add(new int[] {units});
        }
        return shapes;
    }

    @Override
    protected void buildAll(List<int[]> inputShapes) {
        computeOutputShapes(inputShapes);
        build(inputShapes.get(0));
    }

    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, boolean training) {
        return outputs(run(inputs.get(0), null, inputs.subList(1, inputs.size()), training));
    }

    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, List<Tensor> masks, boolean training) {
        return outputs(run(inputs.get(0), masks.get(0), inputs.subList(1, inputs.size()), training));
    }

    /** The input mask for the output with {@link #returnSequences}; none for the states. */
    @Override
    public List<Tensor> computeMasks(List<Tensor> inputs, List<Tensor> masks) {
        return Collections.singletonList(computeMask(inputs.get(0), masks == null ? null : masks.get(0)));
    }

    private List<Tensor> outputs(List<Tensor> all) {
        return returnState ? all : List.of(all.get(0));
    }

    @Override
    protected void build(int[] inputShape) {
        int g = gates() * units;
        kernel = addWeight("kernel", kernelInitializer, inputShape[1], g);
        recurrentKernel = addWeight("recurrent_kernel", recurrentInitializer, units, g);
        if (useBias) {
            bias = buildBias(biasInitializer);
        }
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return run(inputs, null, null, training).get(0);
    }

    /** The input mask with {@link #returnSequences}, else none. */
    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return returnSequences ? mask : null;
    }

    /**
     * Runs the layer from given initial states and returns its output followed, with
     * {@link #returnState}, by its final states ({@code h}, and {@code c} for LSTM), each
     * {@code [batch, units]} (Keras's {@code layer(x, mask=..., initial_state=[...])}).
     *
     * @param inputs {@code [batch, steps, features]}
     * @param mask null, or {@code [batch, steps]} with 1 for the steps that count
     * @param initialState null or empty for zeros (or a stateful layer's carried states), else
     *     one tensor {@code [batch, units]} per state
     * @throws IllegalArgumentException naming the layer, the shapes and the fix for an input that
     *     is not {@code [batch, steps, features]}, a mask or an initial state of the wrong shape
     */
    public final List<Tensor> callWithStates(Tensor inputs, Tensor mask, List<Tensor> initialState, boolean training) {
        if (inputs.rank() != 3) {
            computeOutputShape(Arrays.copyOfRange(inputs.shape(), 1, Math.max(1, inputs.rank())));
        }
        ensureBuilt(new int[] {inputs.dim(1), inputs.dim(2)});
        if (inputs.dim(2) != kernel.shape()[0]) {
            throw new IllegalArgumentException(className() + " " + getName() + " was built for " + kernel.shape()[0]
                    + " features per step but got input of shape " + Arrays.toString(inputs.shape())
                    + "; give it [batch, steps, " + kernel.shape()[0] + "] or use a new layer");
        }
        return outputs(run(inputs, mask, initialState, training));
    }

    /** Output, then final states. */
    private List<Tensor> run(Tensor inputs, Tensor mask, List<Tensor> initialState, boolean training) {
        int batch = inputs.dim(0);
        int steps = inputs.dim(1);
        List<Tensor> maskByStep = null;
        if (mask != null) {
            Masks.checkShape(this, mask, inputs, steps);
            maskByStep = K.split(K.reshape(K.transpose(mask, 1, 0), steps * batch, 1), 0, steps);
        }
        Tensor[] states = initialStates(initialState, batch, inputs);
        boolean dropInputs = training && dropout > 0;
        boolean dropRecurrent = training && recurrentDropout > 0;
        Tensor projected = project(inputs, dropInputs ? noiseMasks(inputNoise, batch, inputs.dim(2), inputs) : null);
        // Step-major rows, so that each step is a contiguous [batch, gates·units] piece; one split,
        // whose gradient is one concatenation.
        List<Tensor> byStep = K.split(K.reshape(K.transpose(projected, 1, 0, 2), steps * batch, -1), 0, steps);
        Step step = new Step(recurrentKernel.value(), dropRecurrent ? noiseMasks(recurrentNoise, batch, units, inputs) : null);
        List<Tensor> outputs = returnSequences ? new ArrayList<>(steps) : null;
        for (int i = 0; i < steps; i++) {
            int t = goBackwards ? steps - 1 - i : i;
            Tensor[] next = step(byStep.get(t), states, step);
            if (maskByStep != null) {
                Tensor keep = maskByStep.get(t);
                for (int s = 0; s < next.length; s++) {
                    next[s] = K.where(keep, next[s], states[s]);
                }
            }
            states = next;
            if (outputs != null) {
                Tensor out = states[0];
                if (zeroOutputForMask && maskByStep != null) {
                    out = K.multiply(out, maskByStep.get(t));
                }
                outputs.add(out);
            }
        }
        if (stateful) {
            holdStates(states);
        }
        List<Tensor> result = new ArrayList<>();
        result.add(outputs == null ? states[0]
                : K.transpose(K.reshape(K.concatenate(outputs, 0), steps, batch, units), 1, 0, 2));
        result.addAll(Arrays.asList(states));
        return result;
    }

    /** {@code x·kernel + input bias} for every step at once, or gate by gate with each gate's input dropout. */
    private Tensor project(Tensor inputs, Tensor[] dropMasks) {
        Tensor inBias = inputBias();
        if (dropMasks == null) {
            return K.dense(inputs, kernel.value(), inBias);
        }
        List<Tensor> perGate = new ArrayList<>(gates());
        for (int g = 0; g < gates(); g++) {
            Tensor dropped = K.multiply(inputs, K.reshape(dropMasks[g], inputs.dim(0), 1, inputs.dim(2)));
            perGate.add(K.dense(dropped, K.slice(kernel.value(), 1, g * units, (g + 1) * units),
                    inBias == null ? null : K.slice(inBias, 0, g * units, (g + 1) * units)));
        }
        return K.concatenate(perGate, -1);
    }

    /** One dropout mask per gate, {@code [batch, size]}, of {@code keep / (1 - rate)}. */
    private Tensor[] noiseMasks(DropoutNoise noise, int batch, int size, Tensor like) {
        Tensor shape = K.zeros(like.dtype(), batch, size);
        Tensor[] masks = new Tensor[gates()];
        for (int g = 0; g < masks.length; g++) {
            masks[g] = K.divide(noise.keepMask(shape), 1 - noise.rate());
        }
        return masks;
    }

    private Tensor[] initialStates(List<Tensor> given, int batch, Tensor like) {
        Tensor[] states = new Tensor[stateCount()];
        if (given != null && !given.isEmpty()) {
            if (given.size() != states.length) {
                throw new IllegalArgumentException(className() + " " + getName() + " has " + states.length + " state(s) "
                        + (states.length == 2 ? "[h, c]" : "[h]") + " but " + given.size() + " initial state(s) were given;"
                        + " pass one [batch, units] tensor per state");
            }
            for (int s = 0; s < states.length; s++) {
                Tensor g = given.get(s);
                if (g.rank() != 2 || g.dim(0) != batch || g.dim(1) != units) {
                    throw new IllegalArgumentException(className() + " " + getName() + ": initial state " + s + " has shape "
                            + Arrays.toString(g.shape()) + " but must be [batch, units] = [" + batch + ", " + units + "]");
                }
                states[s] = g;
            }
            return states;
        }
        if (stateful && heldStates != null) {
            int held = heldStates[0].dim(0);
            if (held != batch) {
                throw new IllegalArgumentException(className() + " " + getName() + " is stateful and holds states for batches of "
                        + held + " samples, but got a batch of " + batch + "; feed batches of " + held
                        + " (a sample count divisible by the batch size, without shuffling) or call resetStates() first");
            }
            return heldStates.clone();
        }
        for (int s = 0; s < states.length; s++) {
            states[s] = K.zeros(like.dtype(), batch, units);
        }
        return states;
    }

    /** Keeps copies of the final states, outside any scope and tape, for the next batch. */
    private void holdStates(Tensor[] states) {
        Tensor[] copies = new Tensor[states.length];
        for (int s = 0; s < states.length; s++) {
            copies[s] = K.currentBackend().cast(states[s], states[s].dtype());
        }
        if (heldStates != null) {
            // This batch's computation may still read them (a tape's gradient): the open scope frees them.
            for (Tensor old : heldStates) {
                TensorScope.track(old);
            }
        }
        heldStates = copies;
    }

    @Override
    public void close() {
        resetStates();
        super.close();
    }

    @Override
    protected final Map<String, Object> layerConfig() {
        Map<String, Object> config = Configs.of("units", units, "activation", serializeActivation(activation));
        if (gates() > 1) {
            config.put("recurrent_activation", serializeActivation(recurrentActivation));
        }
        config.put("use_bias", useBias);
        config.put("kernel_initializer", Initializers.serialize(kernelInitializer));
        config.put("recurrent_initializer", Initializers.serialize(recurrentInitializer));
        config.put("bias_initializer", Initializers.serialize(biasInitializer));
        cellConfig(config);
        for (String key : UNSUPPORTED) {
            config.put(key, null);
        }
        config.put("dropout", dropout);
        config.put("recurrent_dropout", recurrentDropout);
        config.put("return_sequences", returnSequences);
        config.put("return_state", returnState);
        config.put("go_backwards", goBackwards);
        config.put("stateful", stateful);
        config.put("unroll", false);
        config.put("zero_output_for_mask", zeroOutputForMask);
        return config;
    }

    /**
     * Keras 3 keeps a recurrent layer's weights in its cell: {@code cell/vars/0} (kernel),
     * {@code cell/vars/1} (recurrent kernel), {@code cell/vars/2} (bias).
     */
    @Override
    public List<String> kerasWeightPaths() {
        return super.kerasWeightPaths().stream().map(p -> "cell/" + p).toList();
    }

    /** Keras's regularizer and constraint keys, which cthulhu accepts only as null. */
    private static final List<String> UNSUPPORTED = List.of("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
            "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint");

    /**
     * Applies the keys every recurrent layer shares to a new layer, for {@link Layers}:
     * Keras 2.2.4's and Keras 3's, with {@code implementation}, {@code unroll} and
     * {@code use_cudnn} read and ignored (they change how, not what, is computed).
     */
    static <L extends Recurrent<L>> L fromConfig(L layer, ConfigReader c) {
        layer.activation(c.has("activation") ? c.getActivation("activation") : "tanh");
        if (layer.gates() > 1) {
            // Keras 3 made sigmoid the default where Keras 2.2.4 had hard_sigmoid.
            String byDefault = c.version().isKeras3() ? "sigmoid" : "hard_sigmoid";
            layer.recurrentActivation(c.has("recurrent_activation") ? c.getActivation("recurrent_activation") : byDefault);
        }
        layer.useBias(c.getBoolean("use_bias", true));
        Layers.readInitializer(c, "kernel_initializer", layer::kernelInitializer);
        Layers.readInitializer(c, "recurrent_initializer", layer::recurrentInitializer);
        Layers.readInitializer(c, "bias_initializer", layer::biasInitializer);
        UNSUPPORTED.forEach(c::requireNull);
        layer.dropout(c.getDouble("dropout", 0));
        layer.recurrentDropout(c.getDouble("recurrent_dropout", 0));
        layer.returnSequences(c.getBoolean("return_sequences", false));
        layer.returnState(c.getBoolean("return_state", false));
        layer.goBackwards(c.getBoolean("go_backwards", false));
        layer.stateful(c.getBoolean("stateful", false));
        layer.zeroOutputForMask(c.getBoolean("zero_output_for_mask", false));
        c.ignore("implementation", "unroll", "use_cudnn", "seed");
        return layer;
    }

    /**
     * What a step needs beyond its input and states: the recurrent kernel, the recurrent dropout
     * masks of this call, and the kernel's gate columns, sliced once per call.
     */
    static final class Step {

        private final Tensor recurrentKernel;
        private final Tensor[] dropMasks;
        private final Map<Long, Tensor> columns = new HashMap<>();

        Step(Tensor recurrentKernel, Tensor[] dropMasks) {
            this.recurrentKernel = recurrentKernel;
            this.dropMasks = dropMasks;
        }

        /**
         * {@code h·recurrent_kernel[:, gates first..first+count)}; with recurrent dropout each
         * gate multiplies its own masked {@code h}.
         */
        Tensor recurrent(Tensor h, int first, int count, int units) {
            if (dropMasks == null) {
                return K.dot(h, columns(first, count, units));
            }
            List<Tensor> parts = new ArrayList<>(count);
            for (int g = first; g < first + count; g++) {
                parts.add(K.dot(K.multiply(h, dropMasks[g]), columns(g, 1, units)));
            }
            return count == 1 ? parts.get(0) : K.concatenate(parts, -1);
        }

        /** {@code h} with gate {@code g}'s recurrent dropout, or {@code h} itself without. */
        Tensor dropped(Tensor h, int g) {
            return dropMasks == null ? h : K.multiply(h, dropMasks[g]);
        }

        /** {@code recurrent_kernel[:, gates first..first+count)}, the whole kernel when that is all of it. */
        Tensor columns(int first, int count, int units) {
            if (first == 0 && count * units == recurrentKernel.dim(1)) {
                return recurrentKernel;
            }
            return columns.computeIfAbsent(((long) first << 32) | count,
                    k -> K.slice(recurrentKernel, 1, first * units, (first + count) * units));
        }
    }
}
