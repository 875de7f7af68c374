package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.config.ConfigReader;

/**
 * A 2-D convolution layer (Keras's {@code Conv2D}) over samples {@code (rows, cols, channels)}
 * (or {@code (channels, rows, cols)} with {@code dataFormat("channels_first")}):
 * {@code output = activation(conv(inputs, kernel) + bias)}, with the kernel of shape
 * {@code (kh, kw, inChannels, filters)}. See {@link Conv} for the options and their defaults.
 *
 * <pre>{@code
 * Layer conv = new Conv2D(32, 3, "relu").padding("same").inputShape(28, 28, 1);
 * }</pre>
 */
public final class Conv2D extends Conv<Conv2D> {

    /**
     * A convolution without activation.
     *
     * @param filters the number of output channels, positive
     * @param kernelSize the window's size along every spatial axis, positive
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive
     */
    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, (Activation) null);
    }

    /**
     * A convolution with a named activation, resolved by {@link Activations#get}.
     *
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive, or the name is unknown
     */
    public Conv2D(int filters, int kernelSize, String activation) {
        this(filters, kernelSize, Activations.get(activation));
    }

    /**
     * A convolution with an activation function; null means {@code linear}.
     *
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive
     */
    public Conv2D(int filters, int kernelSize, Activation activation) {
        super(2, filters, kernelSize, activation);
    }

    @Override
    public String className() {
        return "Conv2D";
    }

    /** Reads Keras's config of {@code Conv2D}. */
    static Conv2D fromConfig(ConfigReader c) {
        int[] kernelSize = c.getIntArray("kernel_size");
        return readOptions(c, new Conv2D(c.getInt("filters"), kernelSize == null ? 0 : kernelSize[0]));
    }
}
