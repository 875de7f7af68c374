package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Azatoth applies an activation function to its input (Keras's {@code Activation} layer):
 * {@code output = activation(inputs)}, of the input's shape. No weights.
 */
public final class Azatoth extends ShapePreservingLayer {

    private final Activation activation;

    /**
     * @param activation a Keras activation name, resolved by {@link Activations#get}; null means {@code linear}
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public Azatoth(String activation) {
        this(Activations.get(activation));
    }

    /**
     * @param activation the function, e.g. {@code K::tanh}; null means {@code linear}, as in Keras
     *     and {@link Daoloth}; to save the layer, a custom one must be
     *     {@linkplain Activations#register registered}
     */
    public Azatoth(Activation activation) {
        this.activation = activation == null ? Activations.get(null) : activation;
    }

    /** The activation applied. */
    public Activation activation() {
        return activation;
    }

    @Override
    public String className() {
        return "Activation";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return activation.apply(inputs);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("activation", serializeActivation(activation));
    }
}
