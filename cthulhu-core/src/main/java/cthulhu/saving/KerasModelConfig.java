package cthulhu.saving;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.config.KerasVersion;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import cthulhu.losses.Losses;
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
 * {@code batch_shape} in Keras 3), and {@code Model}/{@code Functional} graphs that are a chain
 * of single-input layers (Keras 2 {@code inbound_nodes} lists and Keras 3
 * {@code __keras_tensor__} arguments). Each layer is rebuilt by {@link Layers#fromConfig}, the one
 * place that knows layer classes; this class never looks at a layer's class beyond
 * {@code InputLayer}.
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
     * Rebuilds a Sequential model (fresh weights) from Keras's model JSON.
     *
     * @throws ModelFormatException naming the file and the layer for a Keras 1 file, a class
     *     cthulhu lacks (listing the known ones), a layer config it cannot read, or a graph that
     *     is not a chain
     */
    static Sequential sequential(Path file, Map<?, ?> root, KerasVersion version) throws ModelFormatException {
        Object className = root.get("class_name");
        Object config = root.get("config");
        List<?> layers;
        String name = null;
        boolean graph = "Model".equals(className) || "Functional".equals(className);
        if (config instanceof List<?> list && "Sequential".equals(className)) {
            layers = list;
        } else if (config instanceof Map<?, ?> map && map.get("layers") instanceof List<?> list
                && ("Sequential".equals(className) || graph)) {
            layers = list;
            name = map.get("name") instanceof String s ? s : null;
        } else {
            throw new ModelFormatException(file, "its model config has class_name " + className
                    + "; expected Sequential, Model or Functional with a 'layers' list");
        }
        if (isKeras1(version, layers)) {
            throw new ModelFormatException(file, "it was written by Keras 1" + (version == null ? "" : " (" + version + ")")
                    + ", whose configs (output_dim, init, …) cthulhu does not read; load it in Keras 2 and save it again");
        }
        KerasVersion semantics = version != null ? version : inferVersion(layers);
        if (graph) {
            checkChain(file, layers);
        }
        Sequential model = name == null ? new Sequential() : new Sequential(name);
        try {
            int[] inputShape = null;
            for (Object entry : layers) {
                if (!(entry instanceof Map<?, ?> layer) || !(layer.get("class_name") instanceof String layerClass)) {
                    throw new ModelFormatException(file, "a layer entry is not {\"class_name\": …, \"config\": {…}}: " + entry);
                }
                Map<String, Object> layerConfig = stringMap(layer.get("config"));
                if ("InputLayer".equals(layerClass)) {
                    inputShape = inputShape(file, layerConfig);
                    continue;
                }
                if ("Sequential".equals(layerClass) || "Model".equals(layerClass) || "Functional".equals(layerClass)) {
                    throw new ModelFormatException(file, "layer '" + layerConfig.get("name") + "' is a nested " + layerClass
                            + " model; cthulhu does not read models nested in models yet");
                }
                try {
                    model.add(Layers.fromConfig(layerClass, layerConfig, semantics));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new ModelFormatException(file, "layer '" + layerConfig.get("name") + "' (class " + layerClass
                            + ", Keras " + semantics + "): " + e.getMessage(), e);
                }
            }
            if (!model.isBuilt()) {
                if (inputShape == null && config instanceof Map<?, ?> map && map.get("build_input_shape") instanceof List<?> shape) {
                    inputShape = sampleShape(shape);
                }
                if (inputShape == null) {
                    throw new ModelFormatException(file, "its model declares no input shape (no InputLayer, batch_input_shape"
                            + " or build_input_shape), so its weights cannot be built");
                }
                model.build(inputShape);
            }
            return model;
        } catch (ModelFormatException | RuntimeException e) {
            model.close();
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw new ModelFormatException(file, "its layers do not fit together: " + e.getMessage(), e);
            }
            throw e;
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

    private static int[] inputShape(Path file, Map<String, Object> config) throws ModelFormatException {
        Object shape = config.containsKey("batch_shape") ? config.get("batch_shape") : config.get("batch_input_shape");
        if (!(shape instanceof List<?> list) || list.isEmpty()) {
            throw new ModelFormatException(file, "InputLayer '" + config.get("name") + "' has no batch_shape or batch_input_shape");
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
     * Checks that a Functional config is a chain: each layer after the first takes exactly one
     * tensor, the output of the layer listed before it.
     */
    private static void checkChain(Path file, List<?> layers) throws ModelFormatException {
        String previous = null;
        for (Object entry : layers) {
            Map<?, ?> layer = (Map<?, ?>) entry;
            String name = String.valueOf(layer.get("name") != null ? layer.get("name")
                    : ((Map<?, ?>) layer.get("config")).get("name"));
            List<String> inbound = inboundLayers(layer.get("inbound_nodes"));
            boolean chained = previous == null ? inbound.isEmpty() : inbound.equals(List.of(previous));
            if (!chained) {
                throw new ModelFormatException(file, "its Functional graph is not a chain of single-input layers (layer '" + name
                        + "' takes " + inbound + (previous == null ? "" : " where a chain would take ['" + previous + "']")
                        + "); cthulhu reads a Functional graph as a chain of single-input layers only");
            }
            previous = name;
        }
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
     * {@code {"class_name": "Adam", "config": {…}}}, a loss name (or Keras 3's loss object) and
     * metric names.
     *
     * @throws ModelFormatException naming the file and what cannot be restored, and that
     *     loading with {@code compile = false} skips it
     */
    static void compile(Path file, Sequential model, Object optimizer, Object loss, Object metrics) throws ModelFormatException {
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
            model.compile(built, Losses.get(lossOrMetricName(loss)), metricNames.toArray(String[]::new));
        } catch (IllegalArgumentException | IllegalStateException e) {
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
     * {@code config} (an {@code InputLayer} first, then each layer with its {@code build_config}),
     * {@code build_config} and, when compiled, {@code compile_config}.
     *
     * @throws IllegalArgumentException naming the layer when Keras 3 cannot express it (a class it
     *     removed, an activation it computes differently, an unregistered custom function)
     */
    static Map<String, Object> keras3(Sequential model) {
        KerasVersion keras3 = KerasVersion.KERAS_3;
        List<Object> layers = new ArrayList<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batch_shape", batchShape(model.inputShape()));
        input.put("dtype", K.floatx());
        input.put("sparse", false);
        input.put("ragged", false);
        input.put("name", "input_layer");
        layers.add(kerasObject("keras.layers", "InputLayer", input, null));
        for (Layer layer : model.getLayers()) {
            Map<String, Object> config = keras3LayerConfig(layer.getConfig(keras3));
            Map<String, Object> build = new LinkedHashMap<>();
            build.put("input_shape", batchShape(layer.inputShape()));
            layers.add(kerasObject("keras.layers", layer.className(), config, build));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", model.getName());
        config.put("trainable", true);
        config.put("dtype", K.floatx());
        config.put("layers", layers);
        config.put("build_input_shape", batchShape(model.inputShape()));
        Map<String, Object> build = new LinkedHashMap<>();
        build.put("input_shape", batchShape(model.inputShape()));
        Map<String, Object> root = kerasObject("keras", "Sequential", config, build);
        if (model.getLoss() != null) {
            root.put("compile_config", compileConfig(model));
        }
        return root;
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

    /** Keras 3's {@code compile_config}: the optimizer object, the loss and metric names. */
    private static Map<String, Object> compileConfig(Sequential model) {
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
        Map<String, Object> compile = new LinkedHashMap<>();
        compile.put("optimizer", kerasObject("keras.optimizers", className, hyper, null));
        compile.put("loss", Losses.serialize(model.getLoss()));
        compile.put("loss_weights", null);
        compile.put("metrics", model.getMetricNames());
        compile.put("weighted_metrics", null);
        compile.put("run_eagerly", false);
        compile.put("steps_per_execution", 1);
        compile.put("jit_compile", false);
        return compile;
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("module", module);
        out.put("class_name", className);
        out.put("config", config);
        out.put("registered_name", null);
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
