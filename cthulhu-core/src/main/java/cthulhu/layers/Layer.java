package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.config.Configs;
import cthulhu.constraints.Constraint;
import cthulhu.config.KerasVersion;
import cthulhu.initializers.Initializer;
import cthulhu.regularizers.Regularizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every layer: a function from one tensor to another that may own weights.
 *
 * <p>A layer is built on its first call, when the input shape is known: {@link #build} creates
 * its weights with {@link #addWeight}. {@link #call(Tensor, boolean)} applies it, with
 * {@code training} telling layers such as dropout which behaviour to use. Shapes here never
 * include the batch axis unless they say so: {@link #inputShape()} is the shape of one sample.
 *
 * <p>Subclasses implement {@link #compute}, {@link #computeOutputShape}, {@link #className} and
 * {@link #layerConfig}; they override {@link #build} when they own weights. Once built, a layer
 * accepts samples of the shape it was built for; {@link #acceptedInputShape} and
 * {@link #acceptsLeadingAxes} loosen that where Keras's input spec does. Every shape error is
 * raised here, at the layer's boundary, naming the layer, the shapes and the fix.
 *
 * <p>In a graph, {@link #apply} connects the layer to {@link Symbol}s (from {@link Input#of} or
 * other layers) and returns the symbol of its output; every call is a {@link Node}, and calling
 * one layer object twice shares its weights. A layer with several inputs (a merge) or several
 * outputs (a recurrent layer that returns its states) overrides {@link #computeOutputShapes} and
 * {@link #computeAll}, is run by {@link #call(List, boolean)} and connected by {@link #applyAll};
 * the one-tensor methods stay what single-input layers implement. A model runs the layer once per
 * node and may release an output as soon as the nodes that take it have run, so a layer returns
 * tensors it does not keep itself.
 */
public abstract class Layer implements AutoCloseable {

    private String name;
    private int[] inputShape;
    private List<int[]> inputShapes;
    private boolean built;
    private boolean declared;
    private boolean trainable = true;
    private volatile boolean closed;
    private final List<Variable> variables = new ArrayList<>();
    private final Map<Variable, String> weightPaths = new IdentityHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Variable, Regularizer> regularizers = new IdentityHashMap<>();
    private final Map<Variable, Constraint> constraints = new IdentityHashMap<>();
    private Regularizer activityRegularizer;

    /** The Keras class name used in saved configurations, e.g. {@code "Dense"}. */
    public abstract String className();

    /**
     * Applies the layer to a batch.
     *
     * @param inputs a batch: axis 0 is the batch axis
     * @param training whether the call is part of a training step
     */
    protected abstract Tensor compute(Tensor inputs, boolean training);

    /**
     * The shape of one output sample for one input sample of {@code inputShape}.
     *
     * @throws IllegalArgumentException naming the layer and the shape when the layer cannot take it
     */
    public abstract int[] computeOutputShape(int[] inputShape);

    /**
     * The constructor arguments of this layer as Keras names them (e.g. {@code units},
     * {@code activation}), without {@code name} and {@code trainable}, which {@link #getConfig} adds.
     */
    protected abstract Map<String, Object> layerConfig();

    /**
     * Creates the weights for samples of {@code inputShape} (batch axis excluded). The default
     * creates none. Called once, by the first {@link #call} or by a model.
     */
    protected void build(int[] inputShape) {
    }

    /**
     * The sample shapes this layer accepts once built for {@code builtShape}, with -1 for a
     * dimension that may vary. The default is {@code builtShape} itself; a layer that only fixes
     * some axes overrides it (PReLU frees its shared axes).
     */
    protected int[] acceptedInputShape(int[] builtShape) {
        return builtShape;
    }

    /**
     * Whether samples may have more leading axes than {@link #acceptedInputShape}, which then
     * constrains only the trailing axes. Default false; a dense layer, which contracts the last
     * axis of inputs of any rank, returns true.
     */
    protected boolean acceptsLeadingAxes() {
        return false;
    }

    /** Applies the layer in inference mode. */
    public final Tensor call(Tensor inputs) {
        return call(inputs, false);
    }

    /**
     * Applies the layer, building it first if needed.
     *
     * @param inputs a batch of samples, axis 0 the batch axis
     * @param training whether this call is part of a training step (dropout acts only then)
     * @throws IllegalArgumentException naming the layer, the expected and the given shape when
     *     the input does not fit, or both dtypes when the input's differs from the weights'
     * @throws IllegalStateException for a layer that gives several outputs, which
     *     {@link #call(List, boolean)} returns
     */
    public final Tensor call(Tensor inputs, boolean training) {
        List<Tensor> outputs = call(List.of(inputs), training);
        if (outputs.size() != 1) {
            throw new IllegalStateException("Layer " + getName() + " gives " + outputs.size()
                    + " outputs; call it with call(List.of(x), training) to receive all of them");
        }
        return outputs.get(0);
    }

    /**
     * Applies the layer to one batch per input, building it first if needed: a layer with several
     * inputs (a merge) or several outputs (a recurrent layer returning its states) is called so.
     *
     * @param inputs one batch per input, axis 0 of each the batch axis
     * @param training whether this call is part of a training step (dropout acts only then)
     * @return one batch per output
     * @throws IllegalArgumentException naming the layer, the expected and the given shapes when an
     *     input does not fit, or both dtypes when an input's differs from the weights'
     * @throws IllegalStateException naming the layer when it (or its model) has been closed
     */
    public final List<Tensor> call(List<Tensor> inputs, boolean training) {
        return call(inputs, null, training);
    }

    /**
     * Applies the layer to a batch whose steps may be masked; see {@link #call(List, List, boolean)}.
     *
     * @param mask null, or 1 for each step (axis 1) of each sample that counts and 0 for padding,
     *     of shape {@code [batch, steps]}, as {@link #computeMask} gives it
     * @throws IllegalStateException for a layer that gives several outputs
     */
    public final Tensor call(Tensor inputs, Tensor mask, boolean training) {
        List<Tensor> outputs = call(List.of(inputs), mask == null ? null : Collections.singletonList(mask), training);
        if (outputs.size() != 1) {
            throw new IllegalStateException("Layer " + getName() + " gives " + outputs.size()
                    + " outputs; call it with call(List.of(x), List.of(mask), training) to receive all of them");
        }
        return outputs.get(0);
    }

    /**
     * Applies the layer to one batch per input, each with its step mask or null, building it
     * first if needed; a null list means no masks. Layers that read masks (recurrent layers,
     * pooling over steps) use them; the others ignore them.
     *
     * @throws IllegalArgumentException as {@link #call(List, boolean)}, or when a layer that
     *     reads a mask gets one of the wrong shape
     */
    public final List<Tensor> call(List<Tensor> inputs, List<Tensor> masks, boolean training) {
        if (closed) {
            throw new IllegalStateException("Layer " + getName() + " has been closed, by close() on it or on its model:"
                    + " its weights are released. Build a new layer, or load the saved model again.");
        }
        for (Tensor input : inputs) {
            if (input.rank() == 0) {
                throw new IllegalArgumentException("Layer " + getName() + " got a scalar; it expects a batch whose axis 0 "
                        + "is the batch axis, e.g. shape [batch" + (inputShape == null ? ", features" : joined(inputShape, true))
                        + "]; reshape the input with K.reshape");
            }
        }
        if (!built) {
            List<int[]> samples = new ArrayList<>(inputs.size());
            for (Tensor input : inputs) {
                samples.add(Arrays.copyOfRange(input.shape(), 1, input.rank()));
            }
            ensureBuilt(samples);
        }
        if (inputs.size() != inputShapes.size()) {
            throw new IllegalArgumentException("Layer " + getName() + " was built for " + inputShapes.size()
                    + " input(s) but got " + inputs.size() + "; call it with the same number of inputs");
        }
        for (int i = 0; i < inputs.size(); i++) {
            checkFits(inputShapes.get(i), inputs.get(i));
        }
        DType weights = variables.isEmpty() ? null : variables.get(0).value().dtype();
        for (int i = 0; weights != null && i < inputs.size(); i++) {
            if (weights != inputs.get(i).dtype()) {
                throw new IllegalArgumentException("Layer " + getName() + " holds " + weights
                        + " weights but got a " + inputs.get(i).dtype() + " input; cast the input with K.cast(x, DType."
                        + weights.name() + ") or build the layer under the input's floatx");
            }
        }
        boolean masked = masks != null && masks.stream().anyMatch(m -> m != null);
        List<Tensor> outputs = masked ? computeAll(inputs, masks, training) : computeAll(inputs, training);
        outputs.forEach(o -> LayerLosses.record(activityRegularizer, o));
        return outputs;
    }

    /**
     * Checks one input's samples (its axes after the batch axis) against the shape the layer was
     * built for, reading the input's dimensions in place: a layer is called once per request when
     * serving.
     */
    private void checkFits(int[] builtShape, Tensor input) {
        int[] accepted = acceptedInputShape(builtShape);
        int extra = leadingAxes(accepted, input.rank() - 1);
        if (extra < 0 || !Shapes.fits(accepted, input, 1 + extra)) {
            throw notFitting(builtShape, accepted, "input", input.shape());
        }
    }

    /** Checks a symbol's sample shape against the shape the layer was built for. */
    private void checkFits(int[] builtShape, int[] sample) {
        int[] accepted = acceptedInputShape(builtShape);
        int extra = leadingAxes(accepted, sample.length);
        if (extra < 0 || !Shapes.fits(accepted, Arrays.copyOfRange(sample, extra, sample.length))) {
            throw notFitting(builtShape, accepted, "samples", sample);
        }
    }

    /**
     * How many leading axes of a sample of {@code rank} axes come before those that
     * {@code accepted} constrains, or -1 when the sample has too few, or more and the layer
     * takes no leading axes.
     */
    private int leadingAxes(int[] accepted, int rank) {
        int extra = rank - accepted.length;
        return extra < 0 || (extra > 0 && !acceptsLeadingAxes()) ? -1 : extra;
    }

    /** The error for an input that does not fit, {@code given} naming what has {@code givenShape}. */
    private IllegalArgumentException notFitting(int[] builtShape, int[] accepted, String given, int[] givenShape) {
        boolean leading = acceptsLeadingAxes();
        return new IllegalArgumentException("Layer " + getName() + " was built for samples of shape "
                + Arrays.toString(builtShape) + " and expects batches of shape [batch" + (leading ? ", ..." : "")
                + joined(accepted, true) + "]" + (Arrays.stream(accepted).anyMatch(d -> d < 0) ? " (None: any size)" : "")
                + ", but got " + given + " of shape " + Arrays.toString(givenShape)
                + "; reshape the input to fit, or use a new layer for this shape");
    }

    /**
     * Builds the layer for samples of the given shape if it is not built yet.
     *
     * @throws IllegalArgumentException naming the layer and both shapes when the layer was declared
     *     ({@code inputShape}/{@code inputDim}) with another shape, or cannot take this one
     */
    public final void ensureBuilt(int[] sampleShape) {
        ensureBuilt(List.of(sampleShape));
    }

    /**
     * Builds the layer for inputs of the given sample shapes (one per input) if it is not built yet.
     *
     * @throws IllegalArgumentException naming the layer and the shapes when the layer was declared
     *     with another shape, or cannot take these
     */
    public final void ensureBuilt(List<int[]> sampleShapes) {
        if (!built) {
            if (inputShape != null && (sampleShapes.size() != 1 || !Shapes.fits(inputShape, sampleShapes.get(0)))) {
                throw new IllegalArgumentException("Layer " + getName() + " was declared with input shape "
                        + Arrays.toString(inputShape) + " but receives samples of shape " + shapesText(sampleShapes)
                        + "; change the declared input shape or reshape the input");
            }
            List<int[]> shapes = sampleShapes.stream().map(int[]::clone).toList();
            buildAll(shapes);
            inputShapes = shapes;
            inputShape = shapes.get(0);
            built = true;
        }
    }

    /** {@code [4]} for one shape, {@code [[4], [3]]} for several. */
    static String shapesText(List<int[]> shapes) {
        return shapes.size() == 1 ? Arrays.toString(shapes.get(0))
                : shapes.stream().map(Arrays::toString).toList().toString();
    }

    private static String joined(int[] shape, boolean leadingComma) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0 || leadingComma) {
                out.append(", ");
            }
            out.append(shape[i] < 0 ? "None" : String.valueOf(shape[i]));
        }
        return out.toString();
    }

    /**
     * Throws if the layer is already built: options that shape the weights must be set before.
     *
     * @throws IllegalStateException naming the layer and the option
     */
    protected final void checkNotBuilt(String option) {
        if (built) {
            throw new IllegalStateException("Layer " + getName() + " is already built, so " + option
                    + " can no longer change; set it before the layer's first call");
        }
    }

    /**
     * Creates a weight; for use in {@link #build}.
     *
     * @param name the weight's name within the layer, e.g. {@code "kernel"}
     * @param value its initial value, now owned by the layer
     * @param trainable whether optimizers update it
     */
    protected final Variable addWeight(String name, Tensor value, boolean trainable) {
        Variable v = new Variable(name, value, trainable);
        variables.add(v);
        return v;
    }

    /**
     * Creates a trainable weight of {@code shape} initialized by {@code initializer}; for use in {@link #build}.
     *
     * @param name the weight's name within the layer, e.g. {@code "kernel"}
     */
    protected final Variable addWeight(String name, Initializer initializer, int... shape) {
        return addWeight(name, initializer.apply(shape), true);
    }

    /** Whether {@link #build} has run. */
    public final boolean isBuilt() {
        return built;
    }

    /** The shape of one input sample, or null while unknown (not declared and not built). */
    public final int[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    /**
     * Declares the shape of one input sample before the layer is built (Keras's {@code input_shape});
     * -1 marks a dimension of any size.
     *
     * @throws IllegalStateException if the layer is already built
     * @throws IllegalArgumentException if a dimension is 0 or below -1
     */
    protected final void declareInputShape(int... shape) {
        checkNotBuilt("its input shape");
        for (int d : shape) {
            if (d == 0 || d < -1) {
                throw new IllegalArgumentException("Layer " + getName() + ": input shape " + Arrays.toString(shape)
                        + " has dimension " + d + "; every dimension must be positive (or -1 for any size)");
            }
        }
        inputShape = shape.clone();
        declared = true;
    }

    /** The layer's variables in creation order (Keras's {@code weights}). */
    public List<Variable> variables() {
        return Collections.unmodifiableList(variables);
    }

    /** The variables optimizers update: all of them when the layer is trainable, none otherwise. */
    public List<Variable> trainableVariables() {
        return trainable ? variables.stream().filter(Variable::trainable).toList() : List.of();
    }

    /** The current values of the weights, in creation order. The layer owns them: do not close them. */
    public List<Tensor> getWeights() {
        return variables.stream().map(Variable::value).toList();
    }

    /**
     * Replaces the weights' values with copies of the given tensors.
     *
     * @throws IllegalArgumentException if the count or a shape differs, naming the layer and both shapes
     * @throws IllegalStateException if the layer is not built yet
     */
    public void setWeights(List<Tensor> weights) {
        if (!built) {
            throw new IllegalStateException("Layer " + getName() + " has no weights yet: call it or add it to a model with a known input shape first");
        }
        if (weights.size() != variables.size()) {
            throw new IllegalArgumentException("Layer " + getName() + " has " + variables.size() + " weights "
                    + variables + " but " + weights.size() + " were given");
        }
        for (int i = 0; i < weights.size(); i++) {
            Variable v = variables.get(i);
            Tensor w = weights.get(i);
            if (!Arrays.equals(v.shape(), w.shape())) {
                throw new IllegalArgumentException("Layer " + getName() + ": weight '" + v.name() + "' has shape "
                        + Arrays.toString(v.shape()) + " but the given tensor has shape " + Arrays.toString(w.shape()));
            }
        }
        for (int i = 0; i < weights.size(); i++) {
            Tensor w = weights.get(i);
            Variable v = variables.get(i);
            // A copy, so the caller keeps ownership of what it passed in.
            v.assign(K.scoped(() -> K.cast(w.backend() == K.currentBackend() ? w : K.convert(w), v.value().dtype())));
        }
    }

    /** The number of scalars in the weights. */
    public final long countParams() {
        long n = 0;
        for (Variable v : variables()) {
            n += Shapes.size(v.shape());
        }
        return n;
    }

    /** Whether optimizers update this layer's weights; default true. */
    public final boolean isTrainable() {
        return trainable;
    }

    /** Freezes ({@code false}) or unfreezes the layer's weights. */
    public final void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }

    /**
     * The layer's name: the one given or assigned, else the class name in snake case
     * ({@code "dense"}). A model makes it unique with {@link LayerNames}, like Keras's {@code dense_1}.
     */
    public final String getName() {
        return name != null ? name : namePrefix();
    }

    /** Whether a name was given or assigned. */
    public final boolean hasName() {
        return name != null;
    }

    /**
     * Sets the name.
     *
     * @throws IllegalArgumentException if it is null or blank
     */
    public final void setName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A layer name must not be blank");
        }
        this.name = name;
    }

    /**
     * The configuration, Keras's {@code get_config}: {@code name}, {@code trainable},
     * {@code batch_input_shape} when an input shape was declared ({@code [null, dims…]}), and
     * the constructor arguments under Keras's keys, so that {@link Layers#deserialize} rebuilds
     * the layer from it.
     *
     * @throws IllegalArgumentException if an argument cannot be serialized (an unregistered
     *     custom activation or initializer), saying how to register it
     */
    public final Map<String, Object> getConfig() {
        Map<String, Object> config = Configs.of("name", getName(), "trainable", trainable);
        if (declared) {
            List<Integer> batchShape = new ArrayList<>();
            batchShape.add(null);
            for (int d : inputShape) {
                batchShape.add(d < 0 ? null : d);
            }
            config.put("batch_input_shape", batchShape);
        }
        config.putAll(layerConfig());
        return config;
    }

    /**
     * The name of an activation for this layer's config, by {@link Activations#serialize}.
     *
     * @throws IllegalArgumentException for a function that is not registered, naming the layer and how to register it
     */
    protected final String serializeActivation(Activation activation) {
        try {
            return Activations.serialize(activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot give the config of layer " + getName() + ": its activation " + activation
                    + " is a function that is not registered, so it has no name to save. Register it with"
                    + " Activations.register(\"my_activation\", fn) and build the layer with that same fn"
                    + " (or pass the name \"my_activation\" instead of the function).", e);
        }
    }

    // ---- masks and nested layers ------------------------------------------------------------

    /**
     * Applies the layer to one batch per input with their masks (at least one not null). The
     * default gives a single input and its mask to {@link #compute(Tensor, Tensor, boolean)} and
     * ignores the masks of several inputs.
     */
    protected List<Tensor> computeAll(List<Tensor> inputs, List<Tensor> masks, boolean training) {
        if (inputs.size() == 1) {
            return List.of(compute(inputs.get(0), masks.get(0), training));
        }
        return computeAll(inputs, training);
    }

    /**
     * The masks of the outputs, in output order, for inputs with the given masks (null entries,
     * or a null list, for none); outputs past the end of the list have no mask. The default gives
     * {@link #computeMask} of a single input, and no masks for several inputs.
     */
    public List<Tensor> computeMasks(List<Tensor> inputs, List<Tensor> masks) {
        if (inputs.size() == 1) {
            return Collections.singletonList(computeMask(inputs.get(0), masks == null ? null : masks.get(0)));
        }
        return List.of();
    }

    /**
     * Applies the layer to a batch with a mask (never null here). The default ignores the mask,
     * as Keras's layers that merely pass it on do; layers that read it (recurrent layers, pooling
     * over steps) override this.
     */
    protected Tensor compute(Tensor inputs, Tensor mask, boolean training) {
        return compute(inputs, training);
    }

    /**
     * The mask of this layer's output for {@code inputs} with {@code mask} (Keras's
     * {@code compute_mask}): 1 for each step that counts, 0 for padding, shape
     * {@code [batch, steps]}, or null for none. The default passes the mask on unchanged, as
     * Keras's shape-keeping layers do; a layer that makes a mask ({@code Embedding},
     * {@code Masking}) or consumes it (a recurrent layer returning its last output) overrides it.
     */
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return mask;
    }

    /**
     * Makes the weights of a layer this one wraps part of this layer's weights, after this
     * layer's own, so that models train, save and load them through this layer. The wrapped
     * layer must be built; its variables (with their regularizers and constraints) are shared,
     * not copied, and released by this layer's {@link #close}.
     */
    protected final void adoptWeights(Layer inner) {
        for (Variable v : inner.variables) {
            variables.add(v);
            weightPaths.put(v, inner.getName() + "/" + inner.weightPath(v));
            if (inner.regularizers.containsKey(v)) {
                regularizers.put(v, inner.regularizers.get(v));
            }
            if (inner.constraints.containsKey(v)) {
                constraints.put(v, inner.constraints.get(v));
            }
        }
    }

    /**
     * The name of one of this layer's weights within the layer: its own name ({@code "kernel"}),
     * or for the weight of a wrapped layer that layer's name and the weight's path
     * ({@code "forward_lstm/kernel"}), so that every weight of a layer has a distinct name.
     */
    public final String weightPath(Variable v) {
        return weightPaths.getOrDefault(v, v.name());
    }

    /**
     * The configuration as the Keras {@code version} wrote it: {@link #getConfig()} under the keys
     * of that version. The default is {@link #getConfig()}; a layer whose keys changed between
     * Keras versions overrides it (Keras 3's {@code LeakyReLU} has {@code negative_slope} for
     * Keras 2's {@code alpha}). Activation names are mapped by the file writers.
     *
     * @throws IllegalArgumentException when that Keras has no such layer, or as {@link #getConfig()}
     */
    public Map<String, Object> getConfig(KerasVersion version) {
        return getConfig();
    }

    /**
     * Where a Keras 3 weights file ({@code model.weights.h5}) keeps each of this layer's
     * variables, relative to the layer's group, in the order of {@link #variables()}: by default
     * {@code vars/0}, {@code vars/1}, …. A layer whose Keras counterpart keeps its weights in a
     * sublayer (a recurrent layer's {@code cell}) overrides it.
     */
    public List<String> kerasWeightPaths() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            paths.add("vars/" + i);
        }
        return paths;
    }

    // ---- graphs: several inputs and outputs, symbolic calls ---------------------------------

    /**
     * The per-sample shapes of the outputs for inputs of the given per-sample shapes, one per
     * input. The default takes exactly one input and gives {@link #computeOutputShape} of it; a
     * layer with several inputs (a merge) or several outputs (a recurrent layer returning its
     * states) overrides it, with {@link #computeAll}.
     *
     * @throws IllegalArgumentException naming the layer and the shapes when it cannot take them
     */
    public List<int[]> computeOutputShapes(List<int[]> inputShapes) {
        if (inputShapes.size() != 1) {
            throw new IllegalArgumentException("Layer " + getName() + " (" + className() + ") takes one input but was given "
                    + inputShapes.size() + ", of shapes " + shapesText(inputShapes)
                    + "; merge them into one first, e.g. with Concatenate or Add");
        }
        return List.of(computeOutputShape(inputShapes.get(0)));
    }

    /**
     * Applies the layer to one batch per input and returns one batch per output. The default
     * applies {@link #compute} to the one input; layers that override
     * {@link #computeOutputShapes} override this too.
     */
    protected List<Tensor> computeAll(List<Tensor> inputs, boolean training) {
        return List.of(compute(inputs.get(0), training));
    }

    /**
     * Builds the layer for inputs of the given per-sample shapes. The default checks them with
     * {@link #computeOutputShapes}, then calls {@link #build} with the one input's shape.
     */
    protected void buildAll(List<int[]> inputShapes) {
        computeOutputShapes(inputShapes);
        build(inputShapes.get(0));
    }

    /** The per-sample shape of each input the layer was built for, or null before it is built. */
    public final List<int[]> inputShapes() {
        return inputShapes == null ? null : inputShapes.stream().map(int[]::clone).toList();
    }

    /**
     * The prefix of the names a model gives this layer ({@code dense} → {@code dense_1}); the
     * default is the class name in snake case ({@link LayerNames#snakeCase}).
     */
    protected String namePrefix() {
        return LayerNames.snakeCase(className());
    }

    /**
     * Connects the layer in a graph (Keras's {@code layer(inputs)}): builds it for the inputs'
     * shapes if needed and returns the symbol of its output. Applying one layer object several
     * times shares its weights.
     *
     * @throws IllegalArgumentException naming this layer, the layers that produce the inputs and
     *     every shape involved when the layer cannot take them
     * @throws IllegalStateException for a layer with several outputs, whose symbols {@link #applyAll} returns
     */
    public final Symbol apply(Symbol... inputs) {
        List<Symbol> outputs = applyAll(inputs);
        if (outputs.size() != 1) {
            throw new IllegalStateException("Layer " + getName() + " gives " + outputs.size()
                    + " outputs; connect it with applyAll to receive all of their symbols");
        }
        return outputs.get(0);
    }

    /**
     * Connects the layer in a graph and returns the symbols of all its outputs; see {@link #apply}.
     *
     * @throws IllegalArgumentException naming this layer, the layers that produce the inputs and
     *     every shape involved when the layer cannot take them
     */
    public final List<Symbol> applyAll(Symbol... inputs) {
        if (inputs.length == 0 || Arrays.asList(inputs).contains(null)) {
            throw new IllegalArgumentException("Layer " + getName() + " must be applied to one or more symbols (from Input.of"
                    + " or another layer's apply), got " + Arrays.toString(inputs));
        }
        List<int[]> samples = Arrays.stream(inputs).map(Symbol::sampleShape).toList();
        List<int[]> outputs;
        try {
            ensureBuilt(samples);
            if (samples.size() == inputShapes.size()) {
                for (int i = 0; i < samples.size(); i++) {
                    checkFits(inputShapes.get(i), samples.get(i));
                }
            }
            outputs = computeOutputShapes(samples);
        } catch (IllegalArgumentException e) {
            StringBuilder from = new StringBuilder();
            for (Symbol in : inputs) {
                from.append(from.length() == 0 ? "" : ", ").append("layer ").append(in.layer().getName()).append(" (")
                        .append(in.layer().className()).append(") with samples of shape ").append(Arrays.toString(in.sampleShape()));
            }
            throw new IllegalArgumentException("Layer " + getName() + " (" + className() + ") cannot take the output of "
                    + from + ": " + e.getMessage() + ". Change one of the layers so that their shapes agree", e);
        }
        return connect(Arrays.asList(inputs), outputs).outputs();
    }

    /** The calls of this layer in graphs, in the order they were made (Keras's {@code inbound_nodes}). */
    public final List<Node> inboundNodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Records a call of this layer on {@code inputs} giving outputs of the given shapes. */
    final Node connect(List<Symbol> inputs, List<int[]> outputShapes) {
        Node node = new Node(this, inputs, outputShapes);
        nodes.add(node);
        return node;
    }

    // ---- regularizers and constraints ------------------------------------------------------

    /**
     * Creates a trainable weight, as {@link #addWeight(String, Initializer, int...)}, with a
     * penalty added to the training loss ({@link #weightPenalties}) and a constraint applied after
     * each update ({@link #applyConstraints}); either may be null.
     */
    protected final Variable addWeight(String name, Initializer initializer, Regularizer regularizer,
            Constraint constraint, int... shape) {
        Variable v = addWeight(name, initializer, shape);
        if (regularizer != null) {
            regularizers.put(v, regularizer);
        }
        if (constraint != null) {
            constraints.put(v, constraint);
        }
        return v;
    }

    /**
     * The penalties of this layer's regularized weights, each a scalar computed now with
     * {@code K} (so differentiable under a tape), in weight order; empty when there is none.
     */
    public final List<Tensor> weightPenalties() {
        List<Tensor> out = new ArrayList<>();
        for (Variable v : variables) {
            Regularizer r = regularizers.get(v);
            if (r != null) {
                out.add(r.apply(v.value()));
            }
        }
        return out;
    }

    /** Projects every constrained weight: {@code w ← constraint(w)}. Training calls it after each update. */
    public final void applyConstraints() {
        for (Variable v : variables) {
            Constraint c = constraints.get(v);
            if (c != null) {
                v.assign(c.apply(v.value()));
            }
        }
    }

    /**
     * Sets the penalty on this layer's output (Keras's {@code activity_regularizer}), added to the
     * loss of each training and evaluation step that calls the layer inside a {@link LayerLosses}.
     */
    protected final void setActivityRegularizer(Regularizer regularizer) {
        this.activityRegularizer = regularizer;
    }

    /** The penalty on this layer's output, or null. */
    public final Regularizer getActivityRegularizer() {
        return activityRegularizer;
    }

    /** Releases the weights; calling the layer afterwards is an error. */
    @Override
    public void close() {
        closed = true;
        variables.forEach(Variable::close);
    }

    @Override
    public String toString() {
        return className() + "(" + getName() + ")";
    }
}
