package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.config.Configs;
import cthulhu.constraints.Constraint;
import cthulhu.constraints.Constraints;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;
import cthulhu.regularizers.Regularizer;
import cthulhu.regularizers.Regularizers;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Daoloth, the densely connected layer (Keras's {@code Dense}):
 * {@code output = activation(inputs · kernel + bias)}.
 *
 * <p>Weights: {@code kernel} of shape {@code inputDim × units}, initialized by
 * {@code glorot_uniform}, then {@code bias} of shape {@code units}, initialized by {@code zeros}
 * (none when {@code useBias(false)}). An input of rank above 2 ({@code [batch, …, inputDim]}) is
 * contracted along its last axis, giving {@code [batch, …, units]}. The affine map runs through
 * {@link K#dense}, a backend's fused kernel where it has one. Optional regularizers (on the
 * kernel, the bias and the output) add penalties to the training loss; optional constraints
 * project the kernel and bias after each update.
 *
 * <pre>{@code
 * Layer hidden = new Daoloth(64, "relu").inputDim(784);
 * }</pre>
 */
public final class Daoloth extends Layer {

    private final int units;
    private final Activation activation;
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializers.get("glorot_uniform");
    private Initializer biasInitializer = Initializers.get("zeros");
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Constraint kernelConstraint;
    private Constraint biasConstraint;
    private Variable kernel;
    private Variable bias;

    /**
     * A dense layer without activation ({@code linear}).
     *
     * @param units the output dimension, positive
     * @throws IllegalArgumentException if {@code units} is not positive
     */
    public Daoloth(int units) {
        this(units, (Activation) null);
    }

    /**
     * A dense layer with a named activation, resolved by {@link Activations#get}.
     *
     * @param units the output dimension, positive
     * @param activation a Keras activation name such as {@code "relu"}; null means {@code linear}
     * @throws IllegalArgumentException if {@code units} is not positive or the name is unknown
     */
    public Daoloth(int units, String activation) {
        this(units, Activations.get(activation));
    }

    /**
     * A dense layer with an activation function, e.g. {@code K::tanh}. Its configuration names the
     * activation through {@link Activations#serialize}, so a custom function must be
     * {@linkplain Activations#register registered} for the layer to be saved.
     *
     * @param units the output dimension, positive
     * @param activation the activation; null means {@code linear}
     * @throws IllegalArgumentException if {@code units} is not positive
     */
    public Daoloth(int units, Activation activation) {
        if (units <= 0) {
            throw new IllegalArgumentException("Daoloth needs a positive number of units, got " + units);
        }
        this.units = units;
        this.activation = activation == null ? Activations.get("linear") : activation;
    }

    /** Declares the input as vectors of {@code inputDim} features (Keras's {@code input_dim}). */
    public Daoloth inputDim(int inputDim) {
        declareInputShape(inputDim);
        return this;
    }

    /** Declares the shape of one input sample, batch axis excluded (Keras's {@code input_shape}). */
    public Daoloth inputShape(int... shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("Daoloth " + getName() + " needs an input shape of at least one axis (the features)");
        }
        declareInputShape(shape);
        return this;
    }

    /** Whether to add a bias; default true. */
    public Daoloth useBias(boolean useBias) {
        checkNotBuilt("useBias");
        this.useBias = useBias;
        return this;
    }

    /** The kernel's initializer by name (see {@link Initializers}); default {@code glorot_uniform}. */
    public Daoloth kernelInitializer(String name) {
        return kernelInitializer(Initializers.get(name));
    }

    /** The kernel's initializer; default {@code glorot_uniform}. */
    public Daoloth kernelInitializer(Initializer initializer) {
        checkNotBuilt("kernelInitializer");
        this.kernelInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** The bias's initializer by name (see {@link Initializers}); default {@code zeros}. */
    public Daoloth biasInitializer(String name) {
        return biasInitializer(Initializers.get(name));
    }

    /** The bias's initializer; default {@code zeros}. */
    public Daoloth biasInitializer(Initializer initializer) {
        checkNotBuilt("biasInitializer");
        this.biasInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** A penalty on the kernel added to the training loss (Keras's {@code kernel_regularizer}), e.g. {@code Regularizers.l2(0.01)}. */
    public Daoloth kernelRegularizer(Regularizer regularizer) {
        checkNotBuilt("kernelRegularizer");
        this.kernelRegularizer = regularizer;
        return this;
    }

    /** A penalty on the bias added to the training loss (Keras's {@code bias_regularizer}). */
    public Daoloth biasRegularizer(Regularizer regularizer) {
        checkNotBuilt("biasRegularizer");
        this.biasRegularizer = regularizer;
        return this;
    }

    /** A penalty on the layer's output added to the training loss (Keras's {@code activity_regularizer}). */
    public Daoloth activityRegularizer(Regularizer regularizer) {
        setActivityRegularizer(regularizer);
        return this;
    }

    /** A constraint applied to the kernel after each update (Keras's {@code kernel_constraint}), e.g. {@code new MaxNorm()}. */
    public Daoloth kernelConstraint(Constraint constraint) {
        checkNotBuilt("kernelConstraint");
        this.kernelConstraint = constraint;
        return this;
    }

    /** A constraint applied to the bias after each update (Keras's {@code bias_constraint}). */
    public Daoloth biasConstraint(Constraint constraint) {
        checkNotBuilt("biasConstraint");
        this.biasConstraint = constraint;
        return this;
    }

    /** The output dimension. */
    public int units() {
        return units;
    }

    /** The activation applied after the affine map. */
    public Activation activation() {
        return activation;
    }

    @Override
    public String className() {
        return "Dense";
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("Daoloth " + getName() + " needs inputs of rank >= 2 ([batch, features])"
                    + " but got samples of shape " + Arrays.toString(inputShape) + "; reshape the input with K.reshape(x, -1, 1)");
        }
        int[] out = inputShape.clone();
        out[out.length - 1] = units;
        return out;
    }

    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        return new int[] {builtShape[builtShape.length - 1]};
    }

    @Override
    protected boolean acceptsLeadingAxes() {
        return true;
    }

    @Override
    protected void build(int[] inputShape) {
        kernel = addWeight("kernel", kernelInitializer, kernelRegularizer, kernelConstraint,
                inputShape[inputShape.length - 1], units);
        if (useBias) {
            bias = addWeight("bias", biasInitializer, biasRegularizer, biasConstraint, units);
        }
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return activation.apply(K.dense(inputs, kernel.value(), useBias ? bias.value() : null));
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "units", units,
                "activation", serializeActivation(activation),
                "use_bias", useBias,
                "kernel_initializer", Initializers.serialize(kernelInitializer),
                "bias_initializer", Initializers.serialize(biasInitializer),
                "kernel_regularizer", Regularizers.serialize(kernelRegularizer),
                "bias_regularizer", Regularizers.serialize(biasRegularizer),
                "activity_regularizer", Regularizers.serialize(getActivityRegularizer()),
                "kernel_constraint", Constraints.serialize(kernelConstraint),
                "bias_constraint", Constraints.serialize(biasConstraint));
    }
}
