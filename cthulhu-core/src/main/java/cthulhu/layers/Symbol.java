package cthulhu.layers;

import java.util.Arrays;

/**
 * A symbolic tensor (Keras's {@code KerasTensor}): the output of a layer in a graph, known by its
 * shape only. {@link Input#of} makes the first ones; {@link Layer#apply} connects a layer to some
 * and returns the symbols of its outputs; a {@link cthulhu.models.Model} is made from the input
 * and output symbols.
 */
public final class Symbol {

    private final Node node;
    private final int index;
    private final int[] shape;

    Symbol(Node node, int index, int[] sampleShape) {
        this.node = node;
        this.index = index;
        this.shape = new int[sampleShape.length + 1];
        this.shape[0] = -1;
        System.arraycopy(sampleShape, 0, this.shape, 1, sampleShape.length);
    }

    /** The shape with the batch axis first, {@code -1} (Keras's {@code None}): {@code [-1, 64]}. */
    public int[] shape() {
        return shape.clone();
    }

    /** The shape of one sample: {@link #shape()} without the batch axis. */
    public int[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * The symbol's name: its layer's name, followed by {@code _<k>} for the k-th call of a shared
     * layer (k ≥ 1) and by {@code :<i>} for the i-th output of a layer with several outputs.
     */
    public String name() {
        int call = node.layer().inboundNodes().indexOf(node);
        return node.layer().getName() + (call > 0 ? "_" + call : "") + (node.outputs().size() > 1 ? ":" + index : "");
    }

    /** The call of a layer that produced this symbol. */
    public Node node() {
        return node;
    }

    /** Which of its node's outputs this symbol is, from 0. */
    public int index() {
        return index;
    }

    /** The layer that produced this symbol. */
    public Layer layer() {
        return node.layer();
    }

    @Override
    public String toString() {
        return "Symbol(" + name() + ", shape=" + Arrays.toString(shape).replace("-1", "None") + ")";
    }
}
