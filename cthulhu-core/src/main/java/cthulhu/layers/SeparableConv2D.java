package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.backend.Window;
import cthulhu.config.ConfigReader;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;

import java.util.Map;
import java.util.Objects;

/**
 * The depthwise-separable 2-D convolution (Keras's {@code SeparableConv2D}): a depthwise
 * convolution (each input channel with its own {@code depthMultiplier} kernels, see
 * {@link DepthwiseConv2D}) followed by a pointwise 1×1 convolution to {@code filters} channels,
 * then the bias and activation. Weights: {@code depthwise_kernel} {@code (kh, kw, in,
 * depthMultiplier)}, {@code pointwise_kernel} {@code (1, 1, in · depthMultiplier, filters)},
 * {@code bias} {@code (filters)}; both kernels {@code glorot_uniform} by default. Other options and
 * defaults as {@link Conv}; strides, padding and dilation apply to the depthwise step.
 */
public final class SeparableConv2D extends Conv<SeparableConv2D> {

    private final int depthMultiplier;
    private Initializer pointwiseInitializer = Initializers.get("glorot_uniform");
    private Variable depthwiseKernel;
    private Variable pointwiseKernel;

    /** A separable convolution without activation, depth multiplier 1. */
    public SeparableConv2D(int filters, int kernelSize) {
        this(filters, kernelSize, (Activation) null);
    }

    /** A separable convolution with a named activation, depth multiplier 1. */
    public SeparableConv2D(int filters, int kernelSize, String activation) {
        this(filters, kernelSize, Activations.get(activation));
    }

    /** A separable convolution with an activation function (null: {@code linear}), depth multiplier 1. */
    public SeparableConv2D(int filters, int kernelSize, Activation activation) {
        this(filters, kernelSize, 1, activation);
    }

    /**
     * @param filters the number of output channels, positive
     * @param kernelSize the depthwise kernel's size along both spatial axes, positive
     * @param depthMultiplier the number of depthwise kernels per input channel, positive
     * @param activation the activation; null means {@code linear}
     * @throws IllegalArgumentException if a count or size is not positive
     */
    public SeparableConv2D(int filters, int kernelSize, int depthMultiplier, Activation activation) {
        super(2, filters, kernelSize, activation);
        this.depthMultiplier = DepthwiseConv2D.positiveMultiplier("SeparableConv2D", depthMultiplier);
    }

    /** The depthwise kernel's initializer by name; default {@code glorot_uniform}. */
    public SeparableConv2D depthwiseInitializer(String name) {
        return kernelInitializer(name);
    }

    /** The pointwise kernel's initializer by name; default {@code glorot_uniform}. */
    public SeparableConv2D pointwiseInitializer(String name) {
        checkNotBuilt("pointwiseInitializer");
        this.pointwiseInitializer = Objects.requireNonNull(Initializers.get(name));
        return this;
    }

    @Override
    public String className() {
        return "SeparableConv2D";
    }

    @Override
    void buildKernels(int inChannels) {
        int[] k = kernelSizeArray();
        depthwiseKernel = addWeight("depthwise_kernel", kernelInit(), k[0], k[1], inChannels, depthMultiplier);
        pointwiseKernel = addWeight("pointwise_kernel", pointwiseInitializer, 1, 1, inChannels * depthMultiplier, filters());
    }

    @Override
    Tensor convolveAll(Tensor x, Tensor bias, Window w, int[] spatial) {
        return K.conv(DepthwiseConv2D.depthwise(x, depthwiseKernel.value(), w), pointwiseKernel.value(), bias, Window.of(1, 1));
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> config = DepthwiseConv2D.depthwiseConfig(super.layerConfig(), depthMultiplier, kernelInit());
        config.put("filters", filters());
        config.put("pointwise_initializer", Initializers.serialize(pointwiseInitializer));
        return config;
    }

    /** Reads Keras's config of {@code SeparableConv2D}. */
    static SeparableConv2D fromConfig(ConfigReader c) {
        int[] kernelSize = c.getIntArray("kernel_size");
        SeparableConv2D layer = new SeparableConv2D(c.getInt("filters"), kernelSize == null ? 0 : kernelSize[0],
                c.getInt("depth_multiplier", 1), null);
        Layers.readInitializer(c, "depthwise_initializer", layer::kernelInitializer);
        Layers.readInitializer(c, "pointwise_initializer", init -> layer.pointwiseInitializer = init);
        for (String key : new String[] {"depthwise_regularizer", "pointwise_regularizer", "depthwise_constraint",
                "pointwise_constraint"}) {
            c.requireNull(key);
        }
        return readOptions(c, layer);
    }
}
