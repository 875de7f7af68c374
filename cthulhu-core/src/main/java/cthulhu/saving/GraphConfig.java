package cthulhu.saving;

import cthulhu.layers.InputLayer;
import cthulhu.layers.Layer;
import cthulhu.layers.Symbol;
import cthulhu.models.Model;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Rebuilds a functional model from the graph part of Keras's configuration, in both of Keras's
 * ways of writing it:
 *
 * <ul>
 *   <li>Keras 2, tf.keras and cthulhu's own archive: each layer's {@code inbound_nodes} is a list
 *   of nodes, each a list of references {@code [layer, node index, tensor index, kwargs]}; a
 *   nested model's node 0 is its own graph, so its calls count from 1.</li>
 *   <li>Keras 3: each node is {@code {"args": […], "kwargs": {…}}} whose tensors are
 *   {@code {"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node index,
 *   tensor index]}}}, in order (a merge layer's list of them is its inputs); a nested model's
 *   calls count from 0; {@code input_layers}/{@code output_layers} may be one reference instead of
 *   a list of them.</li>
 * </ul>
 *
 * <p>Layers are made by the caller's factory, then called on their inbound nodes in dependency
 * order, as Keras's {@code from_config} does.
 */
final class GraphConfig {

    private final Map<String, Layer> byName = new LinkedHashMap<>();
    private final Map<Layer, List<List<Symbol>>> made = new IdentityHashMap<>();

    private GraphConfig() {
    }

    /**
     * The functional model of a configuration holding {@code name}, {@code layers} (each with
     * {@code name}, {@code class_name}, {@code config} and {@code inbound_nodes}),
     * {@code input_layers} and {@code output_layers}.
     *
     * @param factory makes the layer of one entry of {@code layers}
     * @param nestedModelsOwnNode whether a nested model's node 0 is its own graph (Keras 2, cthulhu)
     *     rather than its first call (Keras 3)
     * @throws IllegalArgumentException when the configuration is malformed, names a layer twice or
     *     a layer or node that does not exist, or its nodes depend on each other in a cycle; the
     *     layers made so far are closed
     */
    static Model build(Map<?, ?> config, Function<Map<?, ?>, Layer> factory, boolean nestedModelsOwnNode) {
        if (!(config.get("layers") instanceof List<?> entries)) {
            throw new IllegalArgumentException("a functional model's 'config' must hold a 'layers' list");
        }
        GraphConfig graph = new GraphConfig();
        Map<Layer, List<List<List<?>>>> pending = new IdentityHashMap<>();
        try {
            for (Object e : entries) {
                if (!(e instanceof Map<?, ?> entry) || !(entry.get("inbound_nodes") instanceof List<?> inbound)) {
                    throw new IllegalArgumentException("each layer must be an object {\"name\", \"class_name\", \"config\","
                            + " \"inbound_nodes\"}, got " + e);
                }
                Layer layer = factory.apply(entry);
                if (entry.get("name") instanceof String n && !n.equals(layer.getName())) {
                    layer.setName(n);
                }
                if (graph.byName.put(layer.getName(), layer) != null) {
                    layer.close();
                    throw new IllegalArgumentException("the layer name '" + layer.getName() + "' is used twice; all layer names"
                            + " of a model must be unique");
                }
                List<List<List<?>>> nodes = new ArrayList<>();
                for (Object node : inbound) {
                    nodes.add(references(node, layer));
                }
                pending.put(layer, nodes);
                List<List<Symbol>> calls = new ArrayList<>();
                if (layer instanceof InputLayer input) {
                    calls.add(List.of(input.symbol()));
                } else if (layer instanceof Model && nestedModelsOwnNode) {
                    calls.add(null);
                }
                graph.made.put(layer, calls);
            }
            boolean progress = true;
            while (progress) {
                progress = false;
                for (Layer layer : graph.byName.values()) {
                    List<List<List<?>>> waiting = pending.get(layer);
                    while (!waiting.isEmpty()) {
                        List<Symbol> inputs = graph.symbols("the inbound nodes of layer " + layer.getName(), waiting.get(0));
                        if (inputs == null) {
                            break;
                        }
                        waiting.remove(0);
                        graph.made.get(layer).add(layer.applyAll(inputs.toArray(Symbol[]::new)));
                        progress = true;
                    }
                }
            }
            for (Layer layer : graph.byName.values()) {
                if (!pending.get(layer).isEmpty()) {
                    throw new IllegalArgumentException("the inbound node " + pending.get(layer).get(0) + " of layer " + layer.getName()
                            + " can never be made: its inputs form a cycle or name a node that no layer makes");
                }
            }
            List<Symbol> inputs = graph.endpoints("input_layers", config.get("input_layers"));
            List<Symbol> outputs = graph.endpoints("output_layers", config.get("output_layers"));
            Object name = config.get("name");
            return name instanceof String s ? new Model(inputs, outputs, s) : new Model(inputs, outputs);
        } catch (RuntimeException e) {
            graph.byName.values().forEach(Layer::close);
            throw e;
        }
    }

    /** The references {@code [layer, node index, tensor index]} of one inbound node, in either form. */
    private static List<List<?>> references(Object node, Layer layer) {
        List<List<?>> refs = new ArrayList<>();
        if (node instanceof Map<?, ?> call) {
            collectTensors(call.get("args"), refs);
            collectTensors(call.get("kwargs"), refs);
        } else if (node instanceof List<?> list) {
            for (Object ref : list) {
                refs.add(ref instanceof List<?> r ? r : List.of(ref));
            }
        }
        if (refs.isEmpty()) {
            throw new IllegalArgumentException("an inbound node of layer " + layer.getName() + " must be a list of [layer,"
                    + " node index, tensor index, kwargs] (Keras 2) or {\"args\": […], \"kwargs\": {…}} holding"
                    + " __keras_tensor__ objects (Keras 3), got " + node);
        }
        return refs;
    }

    /** The {@code keras_history} of every {@code __keras_tensor__} in a Keras 3 call's arguments, depth first. */
    private static void collectTensors(Object value, List<List<?>> refs) {
        if (value instanceof Map<?, ?> map) {
            if ("__keras_tensor__".equals(map.get("class_name"))) {
                Object history = map.get("config") instanceof Map<?, ?> c ? c.get("keras_history") : null;
                refs.add(history instanceof List<?> h ? h : List.of(String.valueOf(history)));
                return;
            }
            map.values().forEach(v -> collectTensors(v, refs));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectTensors(v, refs));
        }
    }

    /** The symbols a node takes, or null while one of them is not made yet. */
    private List<Symbol> symbols(String where, List<List<?>> refs) {
        List<Symbol> inputs = new ArrayList<>();
        for (List<?> ref : refs) {
            Symbol s = symbol(where, ref);
            if (s == null) {
                return null;
            }
            inputs.add(s);
        }
        return inputs;
    }

    /** The symbol a reference {@code [layer, node index, tensor index, …]} names, or null when that node is not made yet. */
    private Symbol symbol(String where, Object ref) {
        if (!(ref instanceof List<?> r) || r.size() < 3 || !(r.get(0) instanceof String name)
                || !(r.get(1) instanceof Number node) || !(r.get(2) instanceof Number index)) {
            throw new IllegalArgumentException(where + " must hold [layer name, node index, tensor index], got " + ref);
        }
        Layer from = byName.get(name);
        if (from == null) {
            throw new IllegalArgumentException(where + " name the layer '" + name + "', which is not among the model's layers "
                    + byName.keySet());
        }
        List<List<Symbol>> nodes = made.get(from);
        if (node.intValue() >= nodes.size() || nodes.get(node.intValue()) == null) {
            return null;
        }
        List<Symbol> outputs = nodes.get(node.intValue());
        if (index.intValue() < 0 || index.intValue() >= outputs.size()) {
            throw new IllegalArgumentException(where + " name output " + index + " of layer " + name + ", which has "
                    + outputs.size() + " output(s)");
        }
        return outputs.get(index.intValue());
    }

    /** The symbols of {@code input_layers} or {@code output_layers}: a list of references, or one reference (Keras 3). */
    private List<Symbol> endpoints(String key, Object refs) {
        if (!(refs instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("a functional model's config needs a non-empty '" + key + "' list, got " + refs);
        }
        List<?> all = list.get(0) instanceof String ? List.of(list) : list;
        List<Symbol> symbols = new ArrayList<>();
        for (Object ref : all) {
            Symbol s = symbol("'" + key + "'", ref);
            if (s == null) {
                throw new IllegalArgumentException("'" + key + "' names " + ref + ", a node that no layer makes");
            }
            symbols.add(s);
        }
        return symbols;
    }
}
