package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.backend.Window;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The convolution layers' common part (Keras's {@code _Conv}): {@code filters} kernels of
 * {@code kernelSize} slide over the spatial axes with {@code strides}, {@code dilationRate} and
 * {@code padding}; then a bias is added and the activation applied:
 * {@code output = activation(conv(inputs, kernel) + bias)}.
 *
 * <p>Defaults as Keras: strides 1, padding {@code valid}, data format {@code channels_last},
 * dilation 1, no activation ({@code linear}), a bias, kernel {@code glorot_uniform}, bias
 * {@code zeros}. Weights: {@code kernel} {@code (kernelSize…, inChannels, filters)}, then
 * {@code bias} {@code (filters)}. Shape errors (a window larger than the padded input, a sample
 * of the wrong rank) are raised when the layer is built.
 *
 * @param <T> the concrete layer, which every fluent option returns
 */
public abstract class Conv<T extends Conv<T>> extends SpatialLayer<T> {

    private final int rank;
    private final int filters;
    private int[] kernelSize;
    private int[] strides;
    private int[] dilationRate;
    private String padding = "valid";
    private Activation activation;
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializers.get("glorot_uniform");
    private Initializer biasInitializer = Initializers.get("zeros");
    private Variable kernel;
    private Variable bias;

    /**
     * @throws IllegalArgumentException naming the layer when {@code filters} or the kernel size is not positive
     */
    Conv(int rank, int filters, int kernelSize, Activation activation) {
        if (filters <= 0) {
            throw new IllegalArgumentException(className() + " needs a positive number of filters, got " + filters);
        }
        this.rank = rank;
        this.filters = filters;
        this.kernelSize = Spatial.tuple(className(), "kernel_size", new int[] {kernelSize}, rank);
        this.strides = Spatial.tuple(className(), "strides", new int[] {1}, rank);
        this.dilationRate = this.strides.clone();
        this.activation = activation == null ? Activations.get("linear") : activation;
    }

    /** The number of spatial axes. */
    final int rank() {
        return rank;
    }

    /** The window's size: one value for every spatial axis, or one per axis. */
    public T kernelSize(int... size) {
        checkNotBuilt("kernelSize");
        this.kernelSize = Spatial.tuple(label(), "kernel_size", size, rank);
        return self();
    }

    /** The step between windows: one value, or one per spatial axis; default 1. */
    public T strides(int... strides) {
        checkNotBuilt("strides");
        this.strides = Spatial.tuple(label(), "strides", strides, rank);
        return self();
    }

    /** The step between a window's taps (atrous convolution): one value, or one per spatial axis; default 1. */
    public T dilationRate(int... rate) {
        checkNotBuilt("dilationRate");
        this.dilationRate = Spatial.tuple(label(), "dilation_rate", rate, rank);
        return self();
    }

    /**
     * {@code "valid"} (no padding, the default) or {@code "same"} (zeros around the input so that
     * the output has {@code ⌈n / stride⌉} cells, the odd one after, as TensorFlow pads); a 1-D
     * convolution also takes {@code "causal"} (zeros before only).
     */
    public T padding(String padding) {
        checkNotBuilt("padding");
        this.padding = Spatial.padding(label(), padding, rank == 1);
        return self();
    }

    /** The activation by Keras name; null means {@code linear}. */
    public T activation(String name) {
        return activation(Activations.get(name));
    }

    /** The activation applied after the bias; null means {@code linear}. */
    public T activation(Activation activation) {
        this.activation = activation == null ? Activations.get("linear") : activation;
        return self();
    }

    /** Whether to add a bias; default true. */
    public T useBias(boolean useBias) {
        checkNotBuilt("useBias");
        this.useBias = useBias;
        return self();
    }

    /** The kernel's initializer by name; default {@code glorot_uniform}. */
    public T kernelInitializer(String name) {
        return kernelInitializer(Initializers.get(name));
    }

    /** The kernel's initializer; default {@code glorot_uniform}. */
    public T kernelInitializer(Initializer initializer) {
        checkNotBuilt("kernelInitializer");
        this.kernelInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** The bias's initializer by name; default {@code zeros}. */
    public T biasInitializer(String name) {
        return biasInitializer(Initializers.get(name));
    }

    /** The bias's initializer; default {@code zeros}. */
    public T biasInitializer(Initializer initializer) {
        checkNotBuilt("biasInitializer");
        this.biasInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** The number of output channels. */
    public int filters() {
        return filters;
    }

    final String paddingName() {
        return padding;
    }

    final Initializer kernelInit() {
        return kernelInitializer;
    }

    /** The number of output channels for {@code inChannels} input channels; {@code filters}. */
    int outputChannels(int inChannels) {
        return filters;
    }

    final int[] kernelSizeArray() {
        return kernelSize.clone();
    }

    final int[] strideArray() {
        return strides.clone();
    }

    final int[] dilationArray() {
        return dilationRate.clone();
    }

    /** The window over input samples of spatial shape {@code spatial}, with this layer's padding. */
    Window window(int[] spatial) {
        return Spatial.window(label(), spatial, kernelSize, strides, dilationRate, padding);
    }

    /** The kernel's shape for {@code inChannels} input channels; Keras's {@code (kernelSize…, in, filters)}. */
    int[] kernelShape(int inChannels) {
        int[] shape = java.util.Arrays.copyOf(kernelSize, rank + 2);
        shape[rank] = inChannels;
        shape[rank + 1] = filters;
        return shape;
    }

    /** The output's spatial shape. */
    int[] outputSpatial(int[] spatial) {
        return Spatial.outputSpatial(spatial, this::window);
    }


    @Override
    public int[] computeOutputShape(int[] inputShape) {
        Spatial.requireRank(label(), inputShape, rank, format());
        return Spatial.sample(outputSpatial(Spatial.spatial(inputShape, format())),
                outputChannels(Spatial.channels(inputShape, format())), format());
    }

    @Override
    protected void build(int[] inputShape) {
        int inChannels = Spatial.channels(inputShape, format());
        buildKernels(inChannels);
        if (useBias) {
            bias = addWeight("bias", biasInitializer, outputChannels(inChannels));
        }
    }

    /** Creates the kernel weights, before the bias; a layer with several kernels overrides it. */
    void buildKernels(int inChannels) {
        kernel = addWeight("kernel", kernelInitializer, kernelShape(inChannels));
    }

    /**
     * Convolves a channels-last batch with this layer's kernels and adds {@code bias} unless it
     * is null, before the activation: one {@link K#conv(Tensor, Tensor, Tensor, Window)}, whose
     * backend may add the bias inside the convolution. A layer with several kernels or another
     * convolution overrides it.
     */
    Tensor convolveAll(Tensor x, Tensor bias, Window w, int[] spatial) {
        return K.conv(x, kernelValue(), bias, w);
    }

    /** The kernel's value, for a layer that convolves otherwise; a layer with several kernels has none. */
    Tensor kernelValue() {
        return kernel.value();
    }

    /** {@code y + bias}, or {@code y} when {@code bias} is null. */
    static Tensor plusBias(Tensor y, Tensor bias) {
        return bias == null ? y : K.add(y, bias);
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        Tensor x = Spatial.toChannelsLast(inputs, format());
        int[] spatial = java.util.Arrays.copyOfRange(x.shape(), 1, rank + 1);
        Tensor y = convolveAll(x, useBias ? bias.value() : null, window(spatial), spatial);
        return Spatial.fromChannelsLast(activation.apply(y), format());
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "filters", filters,
                "kernel_size", Spatial.list(kernelSize),
                "strides", Spatial.list(strides),
                "padding", padding,
                "data_format", format(),
                "dilation_rate", Spatial.list(dilationRate),
                "activation", serializeActivation(activation),
                "use_bias", useBias,
                "kernel_initializer", Initializers.serialize(kernelInitializer),
                "bias_initializer", Initializers.serialize(biasInitializer));
    }

    /**
     * Applies the options every convolution's Keras config holds to {@code layer}, accepting the
     * regularizers and constraints cthulhu lacks only when null and {@code groups} only when 1.
     */
    static <L extends Conv<L>> L readOptions(ConfigReader c, L layer) {
        int[] kernelSize = c.getIntArray("kernel_size");
        if (kernelSize != null) {
            layer.kernelSize(kernelSize);
        }
        int[] strides = c.getIntArray("strides");
        if (strides != null) {
            layer.strides(strides);
        }
        int[] dilation = c.getIntArray("dilation_rate");
        if (dilation != null) {
            layer.dilationRate(dilation);
        }
        layer.padding(c.getString("padding", "valid"));
        layer.dataFormat(c.getString("data_format", null));
        layer.activation(c.getString("activation", null));
        layer.useBias(c.getBoolean("use_bias", true));
        Layers.readInitializer(c, "kernel_initializer", layer::kernelInitializer);
        Layers.readInitializer(c, "bias_initializer", layer::biasInitializer);
        for (String key : List.of("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                "bias_constraint")) {
            c.requireNull(key);
        }
        if (c.getInt("groups", 1) != 1) {
            throw new IllegalArgumentException("The config of layer " + layer.className() + " sets 'groups' to "
                    + c.getInt("groups", 1) + ", which cthulhu does not support; use groups 1");
        }
        return layer;
    }
}
