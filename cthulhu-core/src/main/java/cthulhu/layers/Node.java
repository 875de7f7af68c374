package cthulhu.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One call of a layer in a graph (Keras's {@code Node}): the layer, the symbols it was applied
 * to and the symbols of its outputs. A layer applied twice has two nodes and one set of weights.
 */
public final class Node {

    private final Layer layer;
    private final List<Symbol> inputs;
    private final List<Symbol> outputs;

    Node(Layer layer, List<Symbol> inputs, List<int[]> outputShapes) {
        this.layer = layer;
        this.inputs = List.copyOf(inputs);
        List<Symbol> outs = new ArrayList<>();
        for (int i = 0; i < outputShapes.size(); i++) {
            outs.add(new Symbol(this, i, outputShapes.get(i)));
        }
        this.outputs = Collections.unmodifiableList(outs);
    }

    /** The layer called. */
    public Layer layer() {
        return layer;
    }

    /** The symbols the layer was applied to; empty for an {@link InputLayer}. */
    public List<Symbol> inputs() {
        return inputs;
    }

    /** The symbols of the layer's outputs. */
    public List<Symbol> outputs() {
        return outputs;
    }

    @Override
    public String toString() {
        return "Node(" + layer.getName() + ", inputs=" + inputs.stream().map(Symbol::name).toList() + ")";
    }
}
