package cthulhu.saving;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.config.Configs;
import cthulhu.config.KerasObjects;
import cthulhu.config.KerasVersion;
import cthulhu.layers.Input;
import cthulhu.layers.InputLayer;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import cthulhu.layers.Node;
import cthulhu.layers.Symbol;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.Optimizers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model's Keras JSON, as the Keras files hold it ({@code config.json} of a {@code .keras} zip,
 * the {@code model_config} and {@code training_config} attributes of a legacy HDF5 file), read
 * with the meanings of the Keras that wrote it and written as Keras 3 writes it.
 *
 * <p>Reads {@code Sequential} (its {@code config} a map with {@code layers}, or the bare list of
 * Keras 2.0) with or without an {@code InputLayer} ({@code batch_input_shape} in Keras 2,
 * {@code batch_shape} in Keras 3), and {@code Model}/{@code Functional} graphs (Keras 2
 * {@code inbound_nodes} lists and Keras 3 {@code __keras_tensor__} arguments, see
 * {@link GraphConfig}): shared layers, several inputs and outputs, models nested in models. Each
 * layer is rebuilt by {@link Layers#fromConfig}, the one place that knows layer classes; this
 * class never looks at a layer's class beyond {@code InputLayer} and the model classes.
 */
final class KerasModelConfig {

    /** tf.keras and Keras 3 optimizer options without effect on the update: the name, EMA's momentum when EMA is off. */
    private static final Set<String> IGNORED_OPTIMIZER_KEYS = Set.of("name", "ema_momentum", "jit_compile");
    /** tf.keras and Keras 3 optimizer options cthulhu reads only at their defaults (null reads as default too). */
    private static final Map<String, Object> DEFAULT_OPTIMIZER_KEYS = Map.of("use_ema", false,
            "ema_overwrite_frequency", 0.0, "loss_scale_factor", 1.0, "gradient_accumulation_steps", 1.0,
            "is_legacy_optimizer", false);

    /** Keys whose value is an activation, translated between cthulhu's and Keras 3's names on writing. */
    private static final Set<String> ACTIVATION_KEYS = Set.of("activation", "recurrent_activation");

    private KerasModelConfig() {
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Rebuilds a model (fresh weights) from Keras's model JSON: a {@link Sequential} for a
     * {@code Sequential} config and for a {@code Model}/{@code Functional} one that is a plain
     * chain, otherwise a functional {@link Model}; nested models are rebuilt the same way.
     *
     * @throws ModelFormatException naming the file and the layer for a Keras 1 file, a class
     *     cthulhu lacks (listing the known ones), a layer config it cannot read, or a graph whose
     *     nodes cannot be connected
     */
    static Model model(Path file, Map<?, ?> root, KerasVersion version) throws ModelFormatException {
        List<?> layers;
        try {
            layers = layers(root);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage(), e);
        }
        if (isKeras1(version, layers)) {
            throw new ModelFormatException(file, "it was written by Keras 1" + (version == null ? "" : " (" + version + ")")
                    + ", whose configs (output_dim, init, …) cthulhu does not read; load it in Keras 2 and save it again");
        }
        KerasVersion semantics = version != null ? version : inferVersion(layers);
        try {
            return build(root, semantics, true);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ModelFormatException(file, e.getMessage(), e);
        }
    }

    /** The {@code layers} of a model config: its {@code config}'s list, or the bare list of Keras 2.0's Sequential. */
    private static List<?> layers(Map<?, ?> root) {
        Object className = root.get("class_name");
        Object config = root.get("config");
        if (config instanceof List<?> list && "Sequential".equals(className)) {
            return list;
        }
        if (config instanceof Map<?, ?> map && map.get("layers") instanceof List<?> list
                && ("Sequential".equals(className) || isGraph(className))) {
            return list;
        }
        throw new IllegalArgumentException("its model config has class_name " + className
                + "; expected Sequential, Model or Functional with a 'layers' list");
    }

    private static boolean isGraph(Object className) {
        return "Model".equals(className) || "Functional".equals(className);
    }

    private static boolean isModel(Object className) {
        return "Sequential".equals(className) || isGraph(className);
    }

    /**
     * The model of a model config {@code {"class_name", "config"}}, at the top or nested as a
     * layer; a Functional chain at the top is read as a Sequential model, as Keras's
     * {@code Sequential} computes the same, while a nested one stays functional, so that its
     * weights keep their place in Keras's weights file.
     */
    private static Model build(Map<?, ?> root, KerasVersion semantics, boolean top) {
        List<?> layers = layers(root);
        Map<String, Object> config = stringMap(root.get("config"));
        String name = config.get("name") instanceof String s ? s : null;
        if ("Sequential".equals(root.get("class_name")) || top && isChain(config, layers)) {
            return sequential(name, layers, config.get("build_input_shape"), semantics);
        }
        return GraphConfig.build(config, entry -> layer(entry, semantics), !semantics.isKeras3());
    }

    /** A Sequential model of a list of layer entries, the first possibly an {@code InputLayer}. */
    private static Sequential sequential(String name, List<?> layers, Object buildInputShape, KerasVersion semantics) {
        Sequential model = name == null ? new Sequential() : new Sequential(name);
        try {
            int[] inputShape = null;
            for (Object entry : layers) {
                if (!(entry instanceof Map<?, ?> layer)) {
                    throw new IllegalArgumentException("a layer entry is not {\"class_name\": …, \"config\": {…}}: " + entry);
                }
                if ("InputLayer".equals(layer.get("class_name"))) {
                    inputShape = inputShape(stringMap(layer.get("config")));
                    continue;
                }
                model.add(layer(layer, semantics));
            }
            if (!model.isBuilt()) {
                if (inputShape == null && buildInputShape instanceof List<?> shape) {
                    inputShape = sampleShape(shape);
                }
                if (inputShape == null) {
                    throw new IllegalArgumentException("its model declares no input shape (no InputLayer, batch_input_shape"
                            + " or build_input_shape), so its weights cannot be built");
                }
                try {
                    model.build(inputShape);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new IllegalArgumentException("its layers do not fit together: " + e.getMessage(), e);
                }
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The layer of one entry of a model's {@code layers}: a nested model, an input, or a layer
     * rebuilt by {@link Layers#fromConfig} with the meanings of the Keras that wrote it.
     */
    private static Layer layer(Map<?, ?> entry, KerasVersion semantics) {
        if (!(entry.get("class_name") instanceof String layerClass)) {
            throw new IllegalArgumentException("a layer entry is not {\"class_name\": …, \"config\": {…}}: " + entry);
        }
        if (isModel(layerClass)) {
            return build(entry, semantics, false);
        }
        Map<String, Object> config = stringMap(entry.get("config"));
        if ("InputLayer".equals(layerClass)) {
            for (String flag : List.of("sparse", "ragged", "optional")) {
                if (Boolean.TRUE.equals(config.get(flag))) {
                    throw new IllegalArgumentException("InputLayer '" + config.get("name") + "' sets '" + flag
                            + "' to true, which cthulhu does not support; inputs are dense tensors, always given");
                }
            }
            int[] shape = inputShape(config);
            return (config.get("name") instanceof String n ? Input.of(n, shape) : Input.of(shape)).layer();
        }
        try {
            return Layers.fromConfig(layerClass, config, semantics);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("layer '" + config.get("name") + "' (class " + layerClass + ", Keras "
                    + semantics + "): " + e.getMessage(), e);
        }
    }

    /** Keras 1 wrote {@code output_dim}/{@code init} where Keras 2 writes {@code units}/{@code kernel_initializer}. */
    private static boolean isKeras1(KerasVersion version, List<?> layers) {
        if (version != null) {
            return version.major() < 2;
        }
        for (Object entry : layers) {
            if (entry instanceof Map<?, ?> layer && layer.get("config") instanceof Map<?, ?> c
                    && (c.containsKey("output_dim") || c.containsKey("init"))) {
                return true;
            }
        }
        return false;
    }

    /** A config without a version: Keras 3 writes a {@code module} beside each class name. */
    private static KerasVersion inferVersion(List<?> layers) {
        for (Object entry : layers) {
            if (entry instanceof Map<?, ?> layer && layer.containsKey("module")) {
                return KerasVersion.KERAS_3;
            }
        }
        return KerasVersion.CTHULHU;
    }

    private static int[] inputShape(Map<String, Object> config) {
        Object shape = config.containsKey("batch_shape") ? config.get("batch_shape") : config.get("batch_input_shape");
        if (!(shape instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("InputLayer '" + config.get("name") + "' has no batch_shape or batch_input_shape");
        }
        return sampleShape(list);
    }

    /** The sample shape of a Keras batch shape {@code [null, d1, …]}; None reads as -1. */
    private static int[] sampleShape(List<?> batchShape) {
        int[] sample = new int[batchShape.size() - 1];
        for (int i = 1; i < batchShape.size(); i++) {
            sample[i - 1] = batchShape.get(i) instanceof Number n ? n.intValue() : -1;
        }
        return sample;
    }

    /**
     * Whether a Functional config is a chain that a Sequential model computes: one input layer
     * first, each later layer (none a nested model) taking exactly one tensor, the output of the
     * layer listed before it, and the last layer the only output.
     */
    private static boolean isChain(Map<String, Object> config, List<?> layers) {
        String previous = null;
        for (Object entry : layers) {
            if (!(entry instanceof Map<?, ?> layer) || isModel(layer.get("class_name"))) {
                return false;
            }
            boolean input = "InputLayer".equals(layer.get("class_name"));
            if (previous == null != input) {
                return false;
            }
            String name = String.valueOf(layer.get("name") != null ? layer.get("name") : stringMap(layer.get("config")).get("name"));
            List<String> inbound = inboundLayers(layer.get("inbound_nodes"));
            if (!(previous == null ? inbound.isEmpty() : inbound.equals(List.of(previous)))) {
                return false;
            }
            previous = name;
        }
        return previous != null && inboundLayers(config.get("input_layers")).size() == 1
                && inboundLayers(config.get("output_layers")).equals(List.of(previous));
    }

    /**
     * The names of the layers feeding a layer: from Keras 2's {@code [[["dense", 0, 0, {}]]]} and
     * from Keras 3's {@code [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history":
     * ["dense", 0, 0]}}], "kwargs": {}}]}.
     */
    static List<String> inboundLayers(Object inboundNodes) {
        List<String> names = new ArrayList<>();
        collectInbound(inboundNodes, names);
        return names;
    }

    private static void collectInbound(Object node, List<String> names) {
        if (node instanceof Map<?, ?> map) {
            if ("__keras_tensor__".equals(map.get("class_name")) && map.get("config") instanceof Map<?, ?> c
                    && c.get("keras_history") instanceof List<?> history && !history.isEmpty()) {
                names.add(String.valueOf(history.get(0)));
                return;
            }
            map.values().forEach(v -> collectInbound(v, names));
        } else if (node instanceof List<?> list) {
            if (!list.isEmpty() && list.get(0) instanceof String s && list.size() >= 3 && list.get(1) instanceof Number) {
                names.add(s);
                return;
            }
            list.forEach(v -> collectInbound(v, names));
        }
    }

    /**
     * Compiles the model as Keras's training config says: an optimizer
     * {@code {"class_name": "Adam", "config": {…}}}, a loss name (or Keras 3's loss object) for
     * every output, or a list or map of them by output, the same for loss weights, and metric names.
     *
     * @throws ModelFormatException naming the file and what cannot be restored, and that
     *     loading with {@code compile = false} skips it
     */
    static void compile(Path file, Model model, Object optimizer, Object loss, Object lossWeights, Object metrics)
            throws ModelFormatException {
        try {
            if (!(optimizer instanceof Map<?, ?> o) || !(o.get("class_name") instanceof String optimizerClass)) {
                throw new IllegalArgumentException("the optimizer is not {\"class_name\": …, \"config\": {…}}: " + optimizer);
            }
            Map<String, Object> hyper = new LinkedHashMap<>(stringMap(o.get("config")));
            hyper.keySet().removeAll(IGNORED_OPTIMIZER_KEYS);
            for (Map.Entry<String, Object> option : DEFAULT_OPTIMIZER_KEYS.entrySet()) {
                Object value = hyper.get(option.getKey());
                boolean atDefault = value == null || value.equals(option.getValue())
                        || value instanceof Number n && n.doubleValue() == ((Number) option.getValue()).doubleValue();
                if (!atDefault) {
                    throw new IllegalArgumentException("optimizer option '" + option.getKey() + "' = " + value
                            + " is not supported");
                }
                hyper.remove(option.getKey());
            }
            // Keras writes options it leaves unset (clipnorm, weight_decay, …) as null.
            hyper.values().removeIf(v -> v == null);
            String optimizerName = optimizerClass.substring(optimizerClass.indexOf('>') + 1).toLowerCase(Locale.ROOT);
            Optimizer built = Optimizers.deserialize(optimizerName, hyper);
            List<String> metricNames = new ArrayList<>();
            collectMetrics(metrics, metricNames);
            String[] metricArray = metricNames.toArray(String[]::new);
            if (loss instanceof List<?> perOutput) {
                model.compile(built, perOutput.stream().map(l -> Losses.get(lossOrMetricName(l))).toList(),
                        lossWeights instanceof List<?> w ? w.stream().map(v -> ((Number) v).doubleValue()).toList() : null,
                        metricArray);
            } else if (loss instanceof Map<?, ?> byOutput && !byOutput.containsKey("class_name")) {
                Map<String, Loss> losses = new LinkedHashMap<>();
                byOutput.forEach((k, v) -> losses.put(String.valueOf(k), Losses.get(lossOrMetricName(v))));
                Map<String, Double> weights = new LinkedHashMap<>();
                if (lossWeights instanceof Map<?, ?> w) {
                    w.forEach((k, v) -> weights.put(String.valueOf(k), ((Number) v).doubleValue()));
                }
                Map<String, List<String>> outputMetrics = new LinkedHashMap<>();
                losses.keySet().forEach(k -> outputMetrics.put(k, metricNames));
                model.compile(built, losses, weights, outputMetrics);
            } else {
                model.compile(built, Losses.get(lossOrMetricName(loss)), metricArray);
            }
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new ModelFormatException(file, "its training configuration cannot be restored (" + e.getMessage()
                    + "); load it with compile = false to skip it", e);
        }
    }

    /** Metric names from Keras's list, or tf.keras 2.13+'s list per output (flattened: one output here). */
    private static void collectMetrics(Object metrics, List<String> names) {
        if (metrics instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof List<?>) {
                    collectMetrics(m, names);
                } else {
                    names.add(lossOrMetricName(m));
                }
            }
        }
    }

    /**
     * A loss or metric: its name; tf.keras's serialized function {@code {"class_name": "function",
     * "config": name}}; the snake-case name of Keras 3's {@code {"class_name": "MeanSquaredError"}};
     * the {@code name} of tf.keras's {@code MeanMetricWrapper}.
     */
    private static String lossOrMetricName(Object identifier) {
        if (identifier instanceof String s) {
            return s;
        }
        if (identifier instanceof Map<?, ?> m && "function".equals(m.get("class_name")) && m.get("config") instanceof String name) {
            return name;
        }
        if (identifier instanceof Map<?, ?> m && "MeanMetricWrapper".equals(m.get("class_name"))
                && m.get("config") instanceof Map<?, ?> c && c.get("name") instanceof String name) {
            return name;
        }
        if (identifier instanceof Map<?, ?> m && m.get("class_name") instanceof String className) {
            return kerasSnakeCase(className);
        }
        throw new IllegalArgumentException("a loss or metric must be a name or {\"class_name\": …}, got " + identifier);
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * The model as Keras 3 writes {@code config.json}: {@code module}, {@code class_name},
     * {@code config}, {@code build_config} and, when compiled, {@code compile_config}. A
     * Sequential model lists an {@code InputLayer} first, then each layer with its
     * {@code build_config}; a functional one is a {@code Functional} whose layers, in Keras's
     * order ({@link KerasGraph}), carry their {@code inbound_nodes} as Keras 3 writes them;
     * nested models are written the same way.
     *
     * @throws IllegalArgumentException naming the layer when Keras 3 cannot express it (a class it
     *     removed, an activation it computes differently, an unregistered custom function)
     */
    static Map<String, Object> keras3(Model model) {
        Map<String, Object> root = model instanceof Sequential sequential ? keras3Sequential(sequential) : keras3Functional(model);
        if (model.getLossSpec() != null) {
            root.put("compile_config", compileConfig(model));
        }
        return root;
    }

    private static Map<String, Object> keras3Sequential(Sequential model) {
        List<Object> layers = new ArrayList<>();
        layers.add(kerasInput("input_layer", model.inputShape()));
        for (Layer layer : model.getLayers()) {
            layers.add(keras3Layer(layer, List.of(layer.inputShape())));
        }
        Map<String, Object> config = Configs.of(
                "name", model.getName(),
                "trainable", true,
                "dtype", K.floatx(),
                "layers", layers,
                "build_input_shape", batchShape(model.inputShape()));
        Map<String, Object> build = Configs.of("input_shape", batchShape(model.inputShape()));
        return kerasObject("keras", "Sequential", config, build);
    }

    private static Map<String, Object> keras3Functional(Model model) {
        KerasGraph graph = KerasGraph.of(model);
        List<Object> layers = new ArrayList<>();
        for (Layer layer : graph.layers()) {
            Map<String, Object> entry = layer instanceof InputLayer input
                    ? kerasInput(layer.getName(), input.symbol().sampleShape())
                    : keras3Layer(layer, graph.nodesOf(layer).get(0).inputs().stream().map(Symbol::sampleShape).toList());
            entry.put("name", layer.getName());
            List<Object> inbound = new ArrayList<>();
            for (Node node : graph.nodesOf(layer)) {
                if (node.inputs().isEmpty()) {
                    continue;
                }
                List<Object> tensors = node.inputs().stream().map(s -> (Object) kerasTensor(graph, s)).toList();
                Map<String, Object> call = Configs.of(
                        "args", tensors.size() == 1 ? tensors : List.of(tensors),
                        "kwargs", Map.of());
                inbound.add(call);
            }
            entry.put("inbound_nodes", inbound);
            layers.add(entry);
        }
        Map<String, Object> config = Configs.of(
                "name", model.getName(),
                "trainable", true,
                "layers", layers,
                "input_layers", endpoints(graph, model.inputs()),
                "output_layers", endpoints(graph, model.outputs()));
        Map<String, Object> build = Configs.of("input_shape", null);
        Map<String, Object> root = kerasObject("keras.src.models.functional", "Functional", config, build);
        root.put("registered_name", "Functional");
        return root;
    }

    /**
     * One layer as Keras 3 writes it in a model's {@code layers}: a nested model, or the layer's
     * config ({@link #keras3LayerConfig}) with the {@code build_config} Keras builds it from
     * before calling it — the input shape, or the list of them for a layer of several inputs (a merge).
     */
    private static Map<String, Object> keras3Layer(Layer layer, List<int[]> inputShapes) {
        if (layer instanceof Model nested) {
            return keras3(nested);
        }
        Map<String, Object> config = keras3LayerConfig(layer.getConfig(KerasVersion.KERAS_3));
        Map<String, Object> build = Configs.of("input_shape", inputShapes.size() == 1 ? batchShape(inputShapes.get(0))
                : inputShapes.stream().map(KerasModelConfig::batchShape).toList());
        return kerasObject("keras.layers", layer.className(), config, build);
    }

    /**
     * A layer's config as Keras 3 writes it: the model's dtype, activations under Keras 3's
     * names, initializers and wrapped layers ({@code layer}, in {@code Bidirectional} and
     * {@code TimeDistributed}) as Keras objects with their module.
     */
    private static Map<String, Object> keras3LayerConfig(Map<String, Object> layerConfig) {
        KerasVersion keras3 = KerasVersion.KERAS_3;
        Map<String, Object> config = new LinkedHashMap<>(layerConfig);
        config.remove("batch_input_shape");
        config.put("dtype", K.floatx());
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (ACTIVATION_KEYS.contains(e.getKey()) && e.getValue() instanceof String activation) {
                e.setValue(keras3.kerasActivation(activation, Activations.isBuiltIn(activation)));
            } else if (e.getKey().endsWith("_initializer") && e.getValue() instanceof Map<?, ?> initializer) {
                e.setValue(kerasObject("keras.initializers", (String) initializer.get("class_name"),
                        stringMap(initializer.get("config")), null));
            } else if (e.getKey().equals("layer") && e.getValue() instanceof Map<?, ?> wrapped) {
                e.setValue(kerasObject("keras.layers", (String) wrapped.get("class_name"),
                        keras3LayerConfig(stringMap(wrapped.get("config"))), null));
            }
        }
        return config;
    }

    private static Map<String, Object> kerasInput(String name, int[] sampleShape) {
        Map<String, Object> input = Configs.of(
                "batch_shape", batchShape(sampleShape),
                "dtype", K.floatx(),
                "sparse", false,
                "ragged", false,
                "name", name);
        return kerasObject("keras.layers", "InputLayer", input, null);
    }

    /** Keras 3's {@code __keras_tensor__} of a symbol: its shape and where it comes from. */
    private static Map<String, Object> kerasTensor(KerasGraph graph, Symbol s) {
        Map<String, Object> config = Configs.of(
                "shape", batchShape(s.sampleShape()),
                "dtype", K.floatx(),
                "keras_history", List.of(s.layer().getName(), graph.nodeIndex(s.node()), s.index()));
        return KerasObjects.serialize("__keras_tensor__", config);
    }

    /** {@code input_layers}/{@code output_layers}: one reference for one tensor, as Keras 3 writes it, else a list. */
    private static Object endpoints(KerasGraph graph, List<Symbol> symbols) {
        List<Object> refs = symbols.stream()
                .map(s -> (Object) List.of(s.layer().getName(), graph.nodeIndex(s.node()), s.index())).toList();
        return refs.size() == 1 ? refs.get(0) : refs;
    }

    /** Keras 3's {@code compile_config}: the optimizer object, the losses, loss weights and metrics as compiled. */
    private static Map<String, Object> compileConfig(Model model) {
        Optimizer optimizer = model.getOptimizer();
        Map<String, Object> hyper = new LinkedHashMap<>(optimizer.getConfig());
        // Keras 3 names the learning rate learning_rate and has no per-step decay.
        if (hyper.containsKey("lr")) {
            hyper.put("learning_rate", hyper.remove("lr"));
        }
        Object decay = hyper.remove("decay");
        if (decay instanceof Number d && d.doubleValue() != 0) {
            throw new IllegalArgumentException("Keras 3 has no optimizer 'decay' (" + d + "); use a learning-rate schedule or"
                    + " save the model in cthulhu's own format");
        }
        String name = Optimizers.serialize(optimizer);
        String className = switchCase(name);
        return Configs.of(
                "optimizer", kerasObject("keras.optimizers", className, hyper, null),
                "loss", ModelIO.lossNames(model.getLossSpec(), Losses::serialize),
                "loss_weights", model.getLossWeightSpec(),
                "metrics", model.getMetricSpec(),
                "weighted_metrics", null,
                "run_eagerly", false,
                "steps_per_execution", 1,
                "jit_compile", false);
    }

    /** Keras's optimizer class of a registry name: {@code SGD}, {@code RMSprop}, {@code Adam}, …. */
    private static String switchCase(String name) {
        return switch (name) {
            case "sgd" -> "SGD";
            case "rmsprop" -> "RMSprop";
            case "adamw" -> "AdamW";
            default -> Character.toUpperCase(name.charAt(0)) + name.substring(1);
        };
    }

    /** Keras 2's {@code training_config} of a compiled model, for the legacy HDF5 attribute. */
    static Map<String, Object> trainingConfig(Map<String, Object> compileConfig) {
        Map<String, Object> training = new LinkedHashMap<>(compileConfig);
        Map<String, Object> optimizer = new LinkedHashMap<>(stringMap(training.remove("optimizer")));
        optimizer.remove("module");
        optimizer.remove("registered_name");
        training.put("optimizer_config", optimizer);
        return training;
    }

    private static Map<String, Object> kerasObject(String module, String className, Map<String, Object> config,
                                                   Map<String, Object> buildConfig) {
        Map<String, Object> out = Configs.of(
                "module", module,
                "class_name", className,
                "config", config,
                "registered_name", null);
        if (buildConfig != null) {
            out.put("build_config", buildConfig);
        }
        return out;
    }

    private static List<Integer> batchShape(int[] sample) {
        List<Integer> shape = new ArrayList<>();
        shape.add(null);
        for (int d : sample) {
            shape.add(d < 0 ? null : d);
        }
        return shape;
    }

    /** Keras's {@code to_snake_case}, which names classes' objects and weight-file groups. */
    static String kerasSnakeCase(String className) {
        String s = className.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
        return s.toLowerCase(Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stringMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
