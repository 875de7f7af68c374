package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.backend.Window;
import cthulhu.config.ConfigReader;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The depthwise 2-D convolution (Keras's {@code DepthwiseConv2D}): each input channel is
 * convolved with its own {@code depthMultiplier} kernels, giving {@code in · depthMultiplier}
 * output channels ordered channel-major ({@code c · depthMultiplier + m}), then the bias is added
 * and the activation applied. Weights: {@code depthwise_kernel} {@code (kh, kw, in,
 * depthMultiplier)}, then {@code bias} {@code (in · depthMultiplier)}. The depthwise kernel's
 * initializer is {@code glorot_uniform} by default ({@link #depthwiseInitializer}); other options
 * and defaults as {@link Conv}.
 */
public final class DepthwiseConv2D extends Conv<DepthwiseConv2D> {

    private Variable depthwiseKernel;

    /** One kernel per channel. @throws IllegalArgumentException if {@code kernelSize} is not positive */
    public DepthwiseConv2D(int kernelSize) {
        this(kernelSize, 1);
    }

    /**
     * @param kernelSize the kernel's size along both spatial axes, positive
     * @param depthMultiplier the number of kernels per input channel, positive
     * @throws IllegalArgumentException if either is not positive
     */
    public DepthwiseConv2D(int kernelSize, int depthMultiplier) {
        super(2, positiveMultiplier("DepthwiseConv2D", depthMultiplier), kernelSize, null);
    }

    static int positiveMultiplier(String layer, int depthMultiplier) {
        if (depthMultiplier <= 0) {
            throw new IllegalArgumentException(layer + " needs a positive depth multiplier (kernels per input channel), got "
                    + depthMultiplier);
        }
        return depthMultiplier;
    }

    /** The depthwise kernel's initializer by name; default {@code glorot_uniform}. */
    public DepthwiseConv2D depthwiseInitializer(String name) {
        return kernelInitializer(name);
    }

    /** The number of kernels per input channel. */
    public int depthMultiplier() {
        return filters();
    }

    @Override
    public String className() {
        return "DepthwiseConv2D";
    }

    @Override
    int outputChannels(int inChannels) {
        return inChannels * depthMultiplier();
    }

    @Override
    void buildKernels(int inChannels) {
        int[] k = kernelSizeArray();
        depthwiseKernel = addWeight("depthwise_kernel", kernelInit(), k[0], k[1], inChannels, depthMultiplier());
    }

    @Override
    Tensor convolveAll(Tensor x, Tensor bias, Window w, int[] spatial) {
        return plusBias(depthwise(x, depthwiseKernel.value(), w), bias);
    }

    /** Each channel {@code c} of a channels-last {@code x} convolved with {@code kernel[:, :, c, :]}, joined channel-major. */
    static Tensor depthwise(Tensor x, Tensor kernel, Window w) {
        int channels = x.dim(-1);
        List<Tensor> parts = new ArrayList<>(channels);
        for (int c = 0; c < channels; c++) {
            parts.add(K.conv(K.slice(x, -1, c, c + 1), K.slice(kernel, 2, c, c + 1), w));
        }
        return channels == 1 ? parts.get(0) : K.concatenate(parts, -1);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return depthwiseConfig(super.layerConfig(), depthMultiplier(), kernelInit());
    }

    /** A convolution's config with Keras's depthwise keys in place of {@code filters} and {@code kernel_initializer}. */
    static Map<String, Object> depthwiseConfig(Map<String, Object> config, int depthMultiplier, Initializer depthwise) {
        config.remove("filters");
        config.remove("kernel_initializer");
        config.put("depth_multiplier", depthMultiplier);
        config.put("depthwise_initializer", Initializers.serialize(depthwise));
        return config;
    }

    /** Reads Keras's config of {@code DepthwiseConv2D}. */
    static DepthwiseConv2D fromConfig(ConfigReader c) {
        int[] kernelSize = c.getIntArray("kernel_size");
        DepthwiseConv2D layer = new DepthwiseConv2D(kernelSize == null ? 0 : kernelSize[0], c.getInt("depth_multiplier", 1));
        Layers.readInitializer(c, "depthwise_initializer", layer::kernelInitializer);
        c.requireNull("depthwise_regularizer");
        c.requireNull("depthwise_constraint");
        return readOptions(c, layer);
    }
}
