package cthulhu.layers;

/**
 * The inputs of a graph (Keras's {@code Input}): each call makes a new {@link InputLayer} and
 * returns its symbol, to which layers are then applied.
 *
 * <pre>{@code
 * Symbol pixels = Input.of("pixels", 64);
 * Symbol hidden = new Daoloth(32, "relu").apply(pixels);
 * Model model = new Model(pixels, new Daoloth(10, "softmax").apply(hidden));
 * }</pre>
 */
public final class Input {

    private Input() {
    }

    /**
     * A new input for samples of {@code shape} (batch axis excluded; -1 for a dimension of any
     * size), named by the model ({@code input_1}, …).
     *
     * @throws IllegalArgumentException if a dimension is 0 or below -1
     */
    public static Symbol of(int... shape) {
        return new InputLayer(shape).symbol();
    }

    /**
     * A new named input for samples of {@code shape}.
     *
     * @throws IllegalArgumentException if the name is blank or a dimension is 0 or below -1
     */
    public static Symbol of(String name, int... shape) {
        InputLayer layer = new InputLayer(shape);
        layer.setName(name);
        return layer.symbol();
    }
}
