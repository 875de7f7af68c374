package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Window;
import cthulhu.config.ConfigReader;

/**
 * The transposed 2-D convolution (Keras's {@code Conv2DTranspose}, sometimes called
 * deconvolution): the gradient of a {@link Conv2D} with respect to its input, used to up-sample
 * with learned kernels. {@code output = activation(convTranspose(inputs, kernel) + bias)}.
 *
 * <p>Each output axis has Keras's length: {@code n·stride} for {@code same} padding and
 * {@code n·stride + max(e − stride, 0)} for {@code valid}, with {@code e} the kernel's extent
 * {@code (size − 1)·dilation + 1}; so a {@code Conv2D} of the same options maps the output back
 * to the input's shape. Weights: {@code kernel} {@code (kh, kw, filters, inChannels)} — Keras's
 * layout, output channels before input channels — then {@code bias} {@code (filters)}. Other
 * options and defaults as {@link Conv}.
 */
public final class Conv2DTranspose extends Conv<Conv2DTranspose> {

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
        for (int i = 0; i < out.length; i++) {
            int extent = (k[i] - 1) * d[i] + 1;
            out[i] = spatial[i] < 0 ? -1 : paddingName().equals("same") ? spatial[i] * s[i] : spatial[i] * s[i] + Math.max(extent - s[i], 0);
        }
        return out;
    }

    /** The window of the convolution this layer transposes: over the output, with the layer's padding. */
    @Override
    Window window(int[] spatial) {
        return super.window(outputSpatial(spatial));
    }

    @Override
    Tensor convolve(Tensor x, Tensor kernel, Window w, int[] spatial) {
        return K.convTranspose(x, kernel, w, outputSpatial(spatial));
    }

    /**
     * Reads Keras's config of {@code Conv2DTranspose}.
     *
     * @throws IllegalArgumentException for an {@code output_padding}, which cthulhu does not support
     */
    static Conv2DTranspose fromConfig(ConfigReader c) {
        c.requireNull("output_padding");
        int[] kernelSize = c.getIntArray("kernel_size");
        return readOptions(c, new Conv2DTranspose(c.getInt("filters"), kernelSize == null ? 0 : kernelSize[0]));
    }
}
