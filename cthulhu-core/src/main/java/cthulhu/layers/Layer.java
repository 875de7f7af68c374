package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.config.KerasVersion;
import cthulhu.initializers.Initializer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 */
public abstract class Layer implements AutoCloseable {

    private String name;
    private int[] inputShape;
    private boolean built;
    private boolean declared;
    private boolean trainable = true;
    private final List<Variable> variables = new ArrayList<>();

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
     */
    public final Tensor call(Tensor inputs, boolean training) {
        if (inputs.rank() == 0) {
            throw new IllegalArgumentException("Layer " + getName() + " got a scalar; it expects a batch whose axis 0 "
                    + "is the batch axis, e.g. shape [batch" + (inputShape == null ? ", features" : joined(inputShape, true))
                    + "]; reshape the input with K.reshape");
        }
        int[] sample = Arrays.copyOfRange(inputs.shape(), 1, inputs.rank());
        ensureBuilt(sample);
        int[] accepted = acceptedInputShape(inputShape);
        boolean leading = acceptsLeadingAxes();
        int extra = sample.length - accepted.length;
        if (extra < 0 || (extra > 0 && !leading)
                || !Shapes.fits(accepted, Arrays.copyOfRange(sample, extra, sample.length))) {
            throw new IllegalArgumentException("Layer " + getName() + " was built for samples of shape "
                    + Arrays.toString(inputShape) + " and expects batches of shape [batch" + (leading ? ", ..." : "")
                    + joined(accepted, true) + "]" + (Arrays.stream(accepted).anyMatch(d -> d < 0) ? " (None: any size)" : "")
                    + ", but got input of shape " + Arrays.toString(inputs.shape())
                    + "; reshape the input to fit, or use a new layer for this shape");
        }
        if (!variables.isEmpty() && variables.get(0).value().dtype() != inputs.dtype()) {
            throw new IllegalArgumentException("Layer " + getName() + " holds " + variables.get(0).value().dtype()
                    + " weights but got a " + inputs.dtype() + " input; cast the input with K.cast(x, DType."
                    + variables.get(0).value().dtype().name() + ") or build the layer under the input's floatx");
        }
        return compute(inputs, training);
    }

    /**
     * Builds the layer for samples of the given shape if it is not built yet.
     *
     * @throws IllegalArgumentException naming the layer and both shapes when the layer was declared
     *     ({@code inputShape}/{@code inputDim}) with another shape, or cannot take this one
     */
    public final void ensureBuilt(int[] sampleShape) {
        if (!built) {
            if (inputShape != null && !Shapes.fits(inputShape, sampleShape)) {
                throw new IllegalArgumentException("Layer " + getName() + " was declared with input shape "
                        + Arrays.toString(inputShape) + " but receives samples of shape " + Arrays.toString(sampleShape)
                        + "; change the declared input shape or reshape the input");
            }
            int[] shape = sampleShape.clone();
            computeOutputShape(shape);
            build(shape);
            inputShape = shape;
            built = true;
        }
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
    public final List<Variable> variables() {
        return Collections.unmodifiableList(variables);
    }

    /** The variables optimizers update: all of them when the layer is trainable, none otherwise. */
    public final List<Variable> trainableVariables() {
        return trainable ? variables.stream().filter(Variable::trainable).toList() : List.of();
    }

    /** The current values of the weights, in creation order. The layer owns them: do not close them. */
    public final List<Tensor> getWeights() {
        return variables.stream().map(Variable::value).toList();
    }

    /**
     * Replaces the weights' values with copies of the given tensors.
     *
     * @throws IllegalArgumentException if the count or a shape differs, naming the layer and both shapes
     * @throws IllegalStateException if the layer is not built yet
     */
    public final void setWeights(List<Tensor> weights) {
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
        for (Variable v : variables) {
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
        return name != null ? name : LayerNames.snakeCase(className());
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
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", getName());
        config.put("trainable", trainable);
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

    /** Releases the weights. */
    @Override
    public void close() {
        variables.forEach(Variable::close);
    }

    @Override
    public String toString() {
        return className() + "(" + getName() + ")";
    }
}
