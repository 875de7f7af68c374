package cthulhu.models;

import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.layers.InputLayer;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerNames;
import cthulhu.layers.Node;
import cthulhu.layers.Symbol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The layers of a model between its input and output symbols, in an order in which each node
 * (one call of a layer) comes after the nodes whose outputs it takes, and the running of them.
 *
 * <p>{@link #run} frees each intermediate result as soon as the last node that takes it has run,
 * so that a deep graph holds few activations at once; under a {@link cthulhu.autodiff.GradientTape} the tape keeps
 * what its gradients still read, as it does when a {@link TensorScope} closes.
 */
final class Graph {

    private final List<Symbol> inputs;
    private final List<Symbol> outputs;
    /** Every node in running order, the input layers' first. */
    private final List<Node> nodes;
    private final Set<Node> members;
    private final List<Layer> layers;
    /** How many nodes take each symbol, plus one for each time it is an output. */
    private final Map<Symbol, Integer> uses = new HashMap<>();

    /**
     * The graph from {@code inputs} to {@code outputs}, naming its unnamed layers uniquely.
     *
     * @throws IllegalArgumentException when an input is not an {@code Input} symbol or is given
     *     twice, an output needs an input that is not given (a symbol of another graph), an input
     *     is used by no output, or two layers share a name — naming the layers and shapes involved
     */
    Graph(String model, List<Symbol> inputs, List<Symbol> outputs) {
        if (inputs == null || inputs.isEmpty() || inputs.stream().anyMatch(Objects::isNull) || outputs == null
                || outputs.isEmpty() || outputs.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("Model " + model + " needs one or more input symbols and one or more output"
                    + " symbols, got inputs " + inputs + " and outputs " + outputs);
        }
        for (int i = 0; i < inputs.size(); i++) {
            Symbol in = inputs.get(i);
            if (!(in.layer() instanceof InputLayer)) {
                throw new IllegalArgumentException("Model " + model + ": input " + i + " must be a symbol made by Input.of, but"
                        + " it is the output of layer " + in.layer().getName() + " (" + in.layer().className() + ") of shape "
                        + shape(in) + "; pass the Input symbol it was computed from");
            }
            if (inputs.indexOf(in) != i) {
                throw new IllegalArgumentException("Model " + model + ": the input " + in.layer().getName() + " is given twice"
                        + " (positions " + inputs.indexOf(in) + " and " + i + "); give each input once");
            }
        }
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        Set<Node> visited = new LinkedHashSet<>();
        for (Symbol in : inputs) {
            visited.add(in.node());
        }
        for (Symbol out : outputs) {
            visit(model, out, out.node(), visited);
        }
        for (Symbol in : inputs) {
            boolean used = false;
            for (Node n : visited) {
                used |= n.inputs().stream().anyMatch(s -> s == in);
            }
            if (!used && !outputs.contains(in)) {
                throw new IllegalArgumentException("Model " + model + ": input " + in.layer().getName() + " of shape " + shape(in)
                        + " is not used by any output " + names(outputs) + "; remove it from the inputs, or connect it to an output");
            }
        }
        this.nodes = List.copyOf(visited);
        this.members = new HashSet<>(visited);
        Set<Layer> distinct = new LinkedHashSet<>();
        nodes.forEach(n -> distinct.add(n.layer()));
        this.layers = List.copyOf(distinct);
        LayerNames names = new LayerNames();
        for (Layer l : layers) {
            try {
                names.assign(l);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Model " + model + ": " + e.getMessage() + " (layers " + l + " and "
                        + layers.stream().filter(o -> o != l && o.getName().equals(l.getName())).findFirst().orElseThrow() + ")", e);
            }
        }
        for (Node n : nodes) {
            n.inputs().forEach(s -> uses.merge(s, 1, Integer::sum));
        }
        outputs.forEach(s -> uses.merge(s, 1, Integer::sum));
    }

    /** Adds the nodes {@code symbol} depends on, then its own, checking that it leads back to the inputs. */
    private void visit(String model, Symbol output, Node node, Set<Node> visited) {
        if (visited.contains(node)) {
            return;
        }
        if (node.inputs().isEmpty()) {
            Symbol missing = node.outputs().get(0);
            throw new IllegalArgumentException("Graph disconnected: output " + output.name() + " of model " + model
                    + " depends on the input " + missing.name() + " of shape " + shape(missing) + ", which is not among the"
                    + " model's inputs " + names(inputs) + ". Add it to the inputs, or build the output from the given"
                    + " inputs (a symbol from another graph cannot be reached from these)");
        }
        for (Symbol in : node.inputs()) {
            visit(model, output, in.node(), visited);
        }
        visited.add(node);
    }

    private static String shape(Symbol s) {
        return Arrays.toString(s.shape()).replace("-1", "None");
    }

    private static List<String> names(List<Symbol> symbols) {
        return symbols.stream().map(Symbol::name).toList();
    }

    List<Symbol> inputs() {
        return inputs;
    }

    List<Symbol> outputs() {
        return outputs;
    }

    /** The distinct layers in running order, input layers first. */
    List<Layer> layers() {
        return layers;
    }

    /** The nodes in running order. */
    List<Node> nodes() {
        return nodes;
    }

    /** The nodes of {@code layer} that belong to this graph, in the order the layer was called. */
    List<Node> nodesOf(Layer layer) {
        return layer.inboundNodes().stream().filter(members::contains).toList();
    }

    /**
     * The index of a node among its layer's nodes in this graph, as Keras writes it in
     * {@code inbound_nodes}: a nested model counts from 1, its node 0 being its own graph.
     */
    int nodeIndex(Node node) {
        return nodesOf(node.layer()).indexOf(node) + (node.layer() instanceof Model ? 1 : 0);
    }

    /**
     * Runs every node on one batch per input and returns one batch per output, releasing each
     * intermediate once no later node takes it; the inputs and outputs are never released.
     */
    List<Tensor> run(List<Tensor> xs, boolean training) {
        Map<Symbol, Tensor> values = new HashMap<>();
        Map<Symbol, Integer> remaining = new HashMap<>(uses);
        Set<Tensor> given = Collections.newSetFromMap(new IdentityHashMap<>());
        given.addAll(xs);
        for (int i = 0; i < inputs.size(); i++) {
            values.put(inputs.get(i), xs.get(i));
        }
        for (Node node : nodes) {
            if (node.inputs().isEmpty()) {
                continue;
            }
            List<Tensor> in = new ArrayList<>(node.inputs().size());
            for (Symbol s : node.inputs()) {
                in.add(values.get(s));
            }
            List<Tensor> out = node.layer().call(in, training);
            for (int j = 0; j < out.size(); j++) {
                values.put(node.outputs().get(j), out.get(j));
            }
            for (Symbol s : node.inputs()) {
                if (remaining.merge(s, -1, Integer::sum) == 0) {
                    release(values.remove(s), values, given);
                }
            }
        }
        List<Tensor> result = new ArrayList<>(outputs.size());
        for (Symbol s : outputs) {
            result.add(values.get(s));
        }
        return result;
    }

    /** Frees {@code t} unless it was given or another live symbol holds the same tensor (a layer that passes its input on). */
    private static void release(Tensor t, Map<Symbol, Tensor> live, Set<Tensor> given) {
        if (given.contains(t)) {
            return;
        }
        for (Tensor other : live.values()) {
            if (other == t) {
                return;
            }
        }
        TensorScope.release(t);
    }
}
