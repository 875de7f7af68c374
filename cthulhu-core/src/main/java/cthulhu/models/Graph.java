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
    /** Each symbol's slot in the array of values {@link #run} fills. */
    private final Map<Symbol, Integer> slots = new HashMap<>();
    /** For each node, the slots of its inputs and of its outputs. */
    private final int[][] inputSlots;
    private final int[][] outputSlots;
    /** How many nodes take each slot's symbol, plus one for each time it is an output. */
    private final int[] uses;
    private final int[] outputSlotsOfGraph;

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
        inputSlots = new int[nodes.size()][];
        outputSlots = new int[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            inputSlots[i] = n.inputs().stream().mapToInt(this::slot).toArray();
            outputSlots[i] = n.outputs().stream().mapToInt(this::slot).toArray();
        }
        uses = new int[slots.size()];
        for (int[] in : inputSlots) {
            for (int slot : in) {
                uses[slot]++;
            }
        }
        outputSlotsOfGraph = outputs.stream().mapToInt(this::slot).toArray();
        for (int slot : outputSlotsOfGraph) {
            uses[slot]++;
        }
    }

    private int slot(Symbol s) {
        return slots.computeIfAbsent(s, k -> slots.size());
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
        return run(xs, null, training);
    }

    /**
     * Runs every node as {@link #run(List, boolean)} does, with step masks: the inputs' masks
     * ({@code inputMasks}, one per input, null entries or a null list for none) and the masks each
     * layer makes ({@link Layer#computeMasks}) go with the values to the nodes that take them, as
     * Keras propagates masks. The masks made here are released when the run ends.
     */
    List<Tensor> run(List<Tensor> xs, List<Tensor> inputMasks, boolean training) {
        Tensor[] values = new Tensor[uses.length];
        Tensor[] masks = new Tensor[uses.length];
        int[] remaining = uses.clone();
        for (int i = 0; i < inputs.size(); i++) {
            values[slots.get(inputs.get(i))] = xs.get(i);
            masks[slots.get(inputs.get(i))] = inputMasks == null ? null : inputMasks.get(i);
        }
        // Made at the first mask a layer makes: a model without masks, as most served ones are,
        // runs each request without it.
        Set<Tensor> made = null;
        for (int i = 0; i < inputSlots.length; i++) {
            int[] in = inputSlots[i];
            if (in.length == 0) {
                continue;
            }
            List<Tensor> args = new ArrayList<>(in.length);
            boolean masked = false;
            for (int slot : in) {
                args.add(values[slot]);
                masked |= masks[slot] != null;
            }
            List<Tensor> argMasks = null;
            if (masked) {
                argMasks = new ArrayList<>(in.length);
                for (int slot : in) {
                    argMasks.add(masks[slot]);
                }
            }
            Layer layer = nodes.get(i).layer();
            List<Tensor> out = layer.call(args, argMasks, training);
            List<Tensor> outMasks = layer.computeMasks(args, argMasks);
            for (int k = 0; k < out.size(); k++) {
                values[outputSlots[i][k]] = out.get(k);
                Tensor mask = k < outMasks.size() ? outMasks.get(k) : null;
                masks[outputSlots[i][k]] = mask;
                if (mask != null && (argMasks == null || !argMasks.contains(mask))
                        && (inputMasks == null || !inputMasks.contains(mask))) {
                    if (made == null) {
                        made = Collections.newSetFromMap(new IdentityHashMap<>());
                    }
                    made.add(mask);
                }
            }
            for (int slot : in) {
                if (--remaining[slot] == 0) {
                    Tensor t = values[slot];
                    values[slot] = null;
                    masks[slot] = null;
                    release(t, values, xs);
                }
            }
        }
        List<Tensor> result = new ArrayList<>(outputSlotsOfGraph.length);
        for (int slot : outputSlotsOfGraph) {
            result.add(values[slot]);
        }
        if (made != null) {
            for (Tensor mask : made) {
                release(mask, result.toArray(Tensor[]::new), xs);
            }
        }
        return result;
    }

    /** Frees {@code t} unless it was given or another live symbol holds the same tensor (a layer that passes its input on). */
    private static void release(Tensor t, Tensor[] live, List<Tensor> given) {
        for (Tensor g : given) {
            if (g == t) {
                return;
            }
        }
        for (Tensor other : live) {
            if (other == t) {
                return;
            }
        }
        TensorScope.release(t);
    }
}
