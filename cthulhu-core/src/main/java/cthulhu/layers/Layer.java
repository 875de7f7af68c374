package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;

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
 * {@link #layerConfig}; they override {@link #build} when they own weights.
 */
public abstract class Layer implements AutoCloseable {

    private String name;
    private int[] inputShape;
    private boolean built;
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
     *     the input does not fit
     */
    public final Tensor call(Tensor inputs, boolean training) {
        int[] sample = Arrays.copyOfRange(inputs.shape(), 1, Math.max(1, inputs.rank()));
        if (inputs.rank() == 0) {
            throw new IllegalArgumentException("Layer " + getName() + " got a scalar; it expects a batch whose axis 0 is the batch axis");
        }
        ensureBuilt(sample);
        if (!compatible(inputShape, sample)) {
            throw new IllegalArgumentException("Layer " + getName() + " expects samples of shape "
                    + Arrays.toString(inputShape) + " (batch shape [batch, " + joined(inputShape) + "]) but got input of shape "
                    + Arrays.toString(inputs.shape()) + "; reshape the input or change the layer's input shape");
        }
        return compute(inputs, training);
    }

    /** Builds the layer for samples of the given shape if it is not built yet. */
    public final void ensureBuilt(int[] sampleShape) {
        if (!built) {
            if (inputShape != null && !compatible(inputShape, sampleShape)) {
                throw new IllegalArgumentException("Layer " + getName() + " was declared with input shape "
                        + Arrays.toString(inputShape) + " but receives samples of shape " + Arrays.toString(sampleShape));
            }
            inputShape = sampleShape.clone();
            build(inputShape);
            built = true;
        }
    }

    private static boolean compatible(int[] expected, int[] actual) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    private static String joined(int[] shape) {
        return Arrays.toString(shape).replace("[", "").replace("]", "");
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

    /** Whether {@link #build} has run. */
    public final boolean isBuilt() {
        return built;
    }

    /** The shape of one input sample, or null while unknown (not declared and not built). */
    public final int[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    /** Declares the shape of one input sample before the layer is built (Keras's {@code input_shape}). */
    protected final void declareInputShape(int... shape) {
        if (built) {
            throw new IllegalStateException("Layer " + getName() + " is already built for input shape "
                    + Arrays.toString(inputShape));
        }
        inputShape = shape.clone();
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
            n += cthulhu.backend.Shapes.size(v.shape());
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

    /** The layer's name; a model makes it unique, like Keras's {@code dense_1}. */
    public final String getName() {
        return name != null ? name : Naming.snakeCase(className());
    }

    /** Whether a name was given or assigned. */
    public final boolean hasName() {
        return name != null;
    }

    /** Sets the name. */
    public final void setName(String name) {
        this.name = name;
    }

    /**
     * The configuration: {@code name}, {@code trainable}, the input shape when declared, and the
     * constructor arguments, so that the layer can be rebuilt from it.
     */
    public final Map<String, Object> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", getName());
        config.put("trainable", trainable);
        if (inputShape != null) {
            List<Integer> batchShape = new ArrayList<>();
            batchShape.add(null);
            for (int d : inputShape) {
                batchShape.add(d);
            }
            config.put("batch_input_shape", batchShape);
        }
        config.putAll(layerConfig());
        return config;
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
