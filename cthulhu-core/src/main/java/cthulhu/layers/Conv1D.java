package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.config.ConfigReader;

/**
 * A 1-D convolution layer (Keras's {@code Conv1D}) over samples {@code (steps, channels)}
 * (or {@code (channels, steps)} with {@code dataFormat("channels_first")}):
 * {@code output = activation(conv(inputs, kernel) + bias)}, with the kernel of shape
 * {@code (kernelSize, inChannels, filters)}. See {@link Conv} for the options and their defaults.
 *
 * <pre>{@code
 * Layer conv = new Conv1D(32, 3, "relu").padding("causal").inputShape(100, 8);
 * }</pre>
 */
public final class Conv1D extends Conv<Conv1D> {

    /**
     * A convolution without activation.
     *
     * @param filters the number of output channels, positive
     * @param kernelSize the window's size along every spatial axis, positive
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive
     */
    public Conv1D(int filters, int kernelSize) {
        this(filters, kernelSize, (Activation) null);
    }

    /**
     * A convolution with a named activation, resolved by {@link Activations#get}.
     *
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive, or the name is unknown
     */
    public Conv1D(int filters, int kernelSize, String activation) {
        this(filters, kernelSize, Activations.get(activation));
    }

    /**
     * A convolution with an activation function; null means {@code linear}.
     *
     * @throws IllegalArgumentException if {@code filters} or {@code kernelSize} is not positive
     */
    public Conv1D(int filters, int kernelSize, Activation activation) {
        super(1, filters, kernelSize, activation);
    }

    @Override
    public String className() {
        return "Conv1D";
    }

    /** Reads Keras's config of {@code Conv1D}. */
    static Conv1D fromConfig(ConfigReader c) {
        int[] kernelSize = c.getIntArray("kernel_size");
        return readOptions(c, new Conv1D(c.getInt("filters"), kernelSize == null ? 0 : kernelSize[0]));
    }
}
