package cthulhu.saving;

import cthulhu.layers.Layer;
import cthulhu.layers.Node;
import cthulhu.layers.Symbol;
import cthulhu.models.Model;
import cthulhu.models.Sequential;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's layers in the order Keras 3 gives them ({@code model.layers}), on which the Keras
 * formats depend: the order of a functional config's {@code layers}, the numbering of the groups
 * of {@code model.weights.h5} ({@code dense}, {@code dense_1}, … in this order) and the order of a
 * legacy file's {@code layer_names}, which Keras matches by position.
 *
 * <p>For a functional model this is Keras's {@code map_graph}: a depth-first walk from the outputs
 * numbers each layer when first reached; each node's depth is the longest path from it to an
 * output, a layer's the deepest of its nodes'; layers come deepest first, ties in walk order. A
 * {@link Sequential} has its layers in order (Keras's {@code Sequential.layers} has no input layer).
 */
final class KerasGraph {

    private final List<Layer> layers;
    private final Map<Layer, List<Node>> nodes;

    private KerasGraph(List<Layer> layers, Map<Layer, List<Node>> nodes) {
        this.layers = layers;
        this.nodes = nodes;
    }

    /** The graph of {@code model}. */
    static KerasGraph of(Model model) {
        if (model instanceof Sequential sequential) {
            return new KerasGraph(sequential.getLayers(), Map.of());
        }
        Set<Symbol> inputs = new HashSet<>(model.inputs());
        Map<Layer, Integer> walkIndex = new LinkedHashMap<>();
        List<Node> finished = new ArrayList<>();
        Set<Node> done = new HashSet<>();
        for (Symbol output : model.outputs()) {
            walk(output, inputs, walkIndex, done, finished);
        }
        Map<Node, Integer> nodeDepth = new HashMap<>();
        Map<Layer, Integer> layerDepth = new HashMap<>();
        for (int i = finished.size() - 1; i >= 0; i--) {
            Node node = finished.get(i);
            int depth = Math.max(nodeDepth.getOrDefault(node, 0), layerDepth.getOrDefault(node.layer(), 0));
            layerDepth.put(node.layer(), depth);
            nodeDepth.put(node, depth);
            for (Symbol in : node.inputs()) {
                nodeDepth.merge(in.node(), depth + 1, Math::max);
            }
        }
        List<Layer> ordered = new ArrayList<>(walkIndex.keySet());
        ordered.sort(Comparator.comparing((Layer l) -> -layerDepth.get(l)).thenComparing(walkIndex::get));
        Map<Layer, List<Node>> calls = new HashMap<>();
        Set<Node> members = new HashSet<>(finished);
        for (Layer l : ordered) {
            calls.put(l, l.inboundNodes().stream().filter(members::contains).toList());
        }
        return new KerasGraph(List.copyOf(ordered), calls);
    }

    private static void walk(Symbol tensor, Set<Symbol> inputs, Map<Layer, Integer> walkIndex, Set<Node> done,
                             List<Node> finished) {
        Node node = tensor.node();
        if (done.contains(node)) {
            return;
        }
        walkIndex.putIfAbsent(node.layer(), walkIndex.size());
        if (!inputs.contains(tensor)) {
            for (Symbol in : node.inputs()) {
                walk(in, inputs, walkIndex, done, finished);
            }
        }
        done.add(node);
        finished.add(node);
    }

    /** The layers in Keras's order. */
    List<Layer> layers() {
        return layers;
    }

    /** The calls of {@code layer} in this graph, in the order it was called: Keras 3's node indices. */
    List<Node> nodesOf(Layer layer) {
        return nodes.getOrDefault(layer, List.of());
    }

    /** Keras 3's index of a node among its layer's calls in this graph. */
    int nodeIndex(Node node) {
        return nodesOf(node.layer()).indexOf(node);
    }
}
