package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Window;
import cthulhu.config.ConfigReader;

import java.util.Map;

/**
 * The transposed 2-D convolution (Keras's {@code Conv2DTranspose}, sometimes called
 * deconvolution): the gradient of a {@link Conv2D} with respect to its input, used to up-sample
 * with learned kernels. {@code output = activation(convTranspose(inputs, kernel) + bias)}.
 *
 * <p>Each output axis has Keras's length: {@code n·stride} for {@code same} padding and
 * {@code n·stride + max(e − stride, 0)} for {@code valid}, with {@code e} the kernel's extent
 * {@code (size − 1)·dilation + 1}; so a {@code Conv2D} of the same options maps the output back
 * to the input's shape. With {@link #outputPadding(int...)} {@code p} (Keras's
 * {@code output_padding}, which picks among the lengths a strided {@code Conv2D} maps to the
 * same {@code n}) the length is {@code (n − 1)·stride + e − 2·⌊e/2⌋ + p} for {@code same} and
 * {@code (n − 1)·stride + e + p} for {@code valid}. Weights: {@code kernel} {@code (kh, kw, filters, inChannels)} — Keras's
 * layout, output channels before input channels — then {@code bias} {@code (filters)}. Other
 * options and defaults as {@link Conv}.
 */
public final class Conv2DTranspose extends Conv<Conv2DTranspose> {

    /** Keras's {@code output_padding}; null is Keras's {@code None}. */
    private int[] outputPadding;

    /**
     * A transposed convolution without activation.
     *
     * @param filters the number of output channels, positive
     * @param kernelSize the kernel's size along both spatial axes, positive
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive
     */
    public Conv2DTranspose(int filters, int kernelSize) {
        this(filters, kernelSize, (Activation) null);
    }

    /**
     * A transposed convolution with a named activation.
     *
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive, or the name is unknown
     */
    public Conv2DTranspose(int filters, int kernelSize, String activation) {
        this(filters, kernelSize, Activations.get(activation));
    }

    /**
     * A transposed convolution with an activation function; null means {@code linear}.
     *
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive
     */
    public Conv2DTranspose(int filters, int kernelSize, Activation activation) {
        super(2, filters, kernelSize, activation);
    }

    @Override
    public String className() {
        return "Conv2DTranspose";
    }

    /**
     * Keras's {@code output_padding}: the cells added after each output axis, one value for both
     * axes or one per axis; each must be smaller than its stride (checked when the layer is
     * built). Default none: the lengths of the class description.
     *
     * @throws IllegalArgumentException naming the values when there are not one or two, or one is negative
     */
    public Conv2DTranspose outputPadding(int... padding) {
        if (padding.length < 1 || padding.length > 2 || java.util.Arrays.stream(padding).anyMatch(p -> p < 0)) {
            throw new IllegalArgumentException("Conv2DTranspose: output_padding needs one or two non-negative values, got "
                    + java.util.Arrays.toString(padding));
        }
        outputPadding = padding.length == 1 ? new int[] {padding[0], padding[0]} : padding.clone();
        return this;
    }

    @Override
    int[] kernelShape(int inChannels) {
        int[] k = kernelSizeArray();
        return new int[] {k[0], k[1], filters(), inChannels};
    }

    @Override
    int[] outputSpatial(int[] spatial) {
        int[] k = kernelSizeArray();
        int[] s = strideArray();
        int[] d = dilationArray();
        int[] out = new int[spatial.length];
        boolean same = paddingName().equals("same");
        if (outputPadding != null && (outputPadding[0] >= s[0] || outputPadding[1] >= s[1])) {
            throw new IllegalArgumentException(label() + ": output_padding " + java.util.Arrays.toString(outputPadding)
                    + " must be smaller than the strides " + java.util.Arrays.toString(s)
                    + " on each axis; lower the output padding or raise the strides");
        }
        for (int i = 0; i < out.length; i++) {
            int extent = (k[i] - 1) * d[i] + 1;
            if (spatial[i] < 0) {
                out[i] = -1;
            } else if (outputPadding != null) {
                out[i] = (spatial[i] - 1) * s[i] + extent - (same ? 2 * (extent / 2) : 0) + outputPadding[i];
            } else {
                out[i] = same ? spatial[i] * s[i] : spatial[i] * s[i] + Math.max(extent - s[i], 0);
            }
        }
        return out;
    }

    /** The window of the convolution this layer transposes: over the output, with the layer's padding. */
    @Override
    Window window(int[] spatial) {
        return super.window(outputSpatial(spatial));
    }

    @Override
    Tensor convolveAll(Tensor x, Tensor bias, Window w, int[] spatial) {
        return plusBias(K.convTranspose(x, kernelValue(), w, outputSpatial(spatial)), bias);
    }

    /** Keras's config, with {@code output_padding} when one is set. */
    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> config = super.layerConfig();
        if (outputPadding != null) {
            config.put("output_padding", Spatial.list(outputPadding));
        }
        return config;
    }

    /** Reads Keras's config of {@code Conv2DTranspose}, {@code output_padding} included. */
    static Conv2DTranspose fromConfig(ConfigReader c) {
        int[] kernelSize = c.getIntArray("kernel_size");
        Conv2DTranspose layer = readOptions(c, new Conv2DTranspose(c.getInt("filters"), kernelSize == null ? 0 : kernelSize[0]));
        int[] outputPadding = c.getIntArray("output_padding");
        return outputPadding == null ? layer : layer.outputPadding(outputPadding);
    }
}
