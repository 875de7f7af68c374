package cthulhu.layers;

import cthulhu.config.ConfigReader;
import cthulhu.config.KerasObjects;
import cthulhu.constraints.Constraints;
import cthulhu.config.KerasVersion;
import cthulhu.config.NameRegistry;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;
import cthulhu.regularizers.Regularizers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one registry of layer classes (Keras's {@code keras.layers.serialize}/{@code deserialize}):
 * a Keras class name and a configuration map rebuild a layer, so that a saved model loads.
 *
 * <p>Built in: {@code Dense} ({@link Daoloth}), {@code Activation} ({@link Azatoth}),
 * {@code LeakyReLU}, {@code PReLU}, {@code ELU}, {@code ThresholdedReLU}, {@code Softmax},
 * {@code ReLU}, {@code Dropout} ({@link Darkness}), {@code AlphaDropout}
 * ({@link AlphaDarkness}), {@code InputLayer} and the merge layers ({@code Add}, {@code Subtract},
 * {@code Multiply}, {@code Average}, {@code Maximum}, {@code Minimum}, {@code Concatenate},
 * {@code Dot}); for sequences {@code Embedding}, {@code Masking}, {@code SimpleRNN}, {@code LSTM},
 * {@code GRU}, {@code Bidirectional}, {@code TimeDistributed}, {@code RepeatVector} and
 * {@code LayerNormalization}. Their configurations use Keras's keys, so Keras 2.2.4's JSON reads
 * too, regularizers and constraints included: the options Keras has and cthulhu lacks
 * ({@code noise_shape}) are accepted when null and rejected otherwise; unknown keys are rejected.
 *
 * <p>Every configuration may hold the keys of Keras's base layer, applied here to whatever the
 * factory returns: {@code name}, {@code trainable}, {@code batch_input_shape} (or
 * Keras 3's {@code batch_shape}, or {@code input_shape}), and {@code dtype} (a name or Keras 3's
 * dtype-policy object) and {@code batch_size}, which are ignored.
 *
 * <p>A configuration is read with the meanings of the Keras that wrote it
 * ({@link #fromConfig(String, Map, KerasVersion)}): each built-in class reads the keys its Keras
 * version used (Keras 3's {@code LeakyReLU} has {@code negative_slope} where Keras 2 had
 * {@code alpha}) and activation names as that version computed them.
 * Custom layers join with {@link #register}.
 */
public final class Layers {

    /** The keys of Keras's base layer, handled by this registry for every class. */
    private static final List<String> BASE_KEYS = List.of("name", "trainable", "batch_input_shape", "input_shape",
            "batch_size", "dtype", "batch_shape");

    private static final NameRegistry<BiFunction<Map<String, Object>, KerasVersion, ? extends Layer>> FACTORIES =
            new NameRegistry<>("layer", "Layers");

    static {
        builtIn("Dense", c -> {
            Daoloth layer = new Daoloth(c.getInt("units"), c.getActivation("activation"));
            layer.useBias(c.getBoolean("use_bias", true));
            readInitializer(c, "kernel_initializer", layer::kernelInitializer);
            readInitializer(c, "bias_initializer", layer::biasInitializer);
            layer.kernelRegularizer(Regularizers.deserialize(c.get("kernel_regularizer")));
            layer.biasRegularizer(Regularizers.deserialize(c.get("bias_regularizer")));
            layer.activityRegularizer(Regularizers.deserialize(c.get("activity_regularizer")));
            layer.kernelConstraint(Constraints.deserialize(c.get("kernel_constraint")));
            layer.biasConstraint(Constraints.deserialize(c.get("bias_constraint")));
            c.requireNull("quantization_config");
            if (c.getInt("lora_rank", 0) != 0) {
                throw new IllegalArgumentException("The config of layer Dense sets 'lora_rank' to " + c.get("lora_rank")
                        + ", which cthulhu does not support; merge the LoRA weights into the kernel before saving");
            }
            c.ignore("lora_alpha");
            int inputDim = c.getInt("input_dim", -1);
            if (inputDim > 0) {
                layer.inputDim(inputDim);
            }
            return layer;
        });
        builtIn("Activation", c -> new Azatoth(c.getActivation("activation")));
        builtIn("LeakyReLU", c -> new LeakyReLU(c.getDouble(c.version().isKeras3() ? "negative_slope" : "alpha", 0.3)));
        builtIn("PReLU", c -> {
            PReLU layer = new PReLU();
            readInitializer(c, "alpha_initializer", layer::alphaInitializer);
            layer.alphaRegularizer(Regularizers.deserialize(c.get("alpha_regularizer")));
            layer.alphaConstraint(Constraints.deserialize(c.get("alpha_constraint")));
            int[] shared = c.getIntArray("shared_axes");
            if (shared != null) {
                layer.sharedAxes(shared);
            }
            return layer;
        });
        builtIn("ELU", c -> new ELU(c.getDouble("alpha", 1.0)));
        builtIn("ThresholdedReLU", c -> new ThresholdedReLU(c.getDouble("theta", 1.0)));
        builtIn("Softmax", c -> new Softmax(c.getInt("axis", -1)));
        builtIn("ReLU", c -> new ReLU(c.getNullableDouble("max_value", null), c.getDouble("negative_slope", 0),
                c.getDouble("threshold", 0)));
        builtIn("Dropout", c -> new Darkness(c.getDouble("rate"), c.getNullableLong("seed"))
                .noiseShape(noiseShape(c.get("noise_shape"))));
        builtIn("AlphaDropout", c -> {
            c.requireNull("noise_shape");
            return new AlphaDarkness(c.getDouble("rate"), c.getNullableLong("seed"));
        });
        builtIn("InputLayer", c -> {
            int[] batchShape = c.getIntArray("batch_input_shape");
            if (batchShape == null || batchShape.length == 0) {
                throw new IllegalArgumentException("The config of layer InputLayer needs 'batch_input_shape', e.g. [null, 64]");
            }
            for (String flag : List.of("sparse", "ragged")) {
                if (c.getBoolean(flag, false)) {
                    throw new IllegalArgumentException("The config of layer InputLayer sets '" + flag
                            + "' to true, which cthulhu does not support; inputs are dense tensors");
                }
            }
            return new InputLayer(Arrays.copyOfRange(batchShape, 1, batchShape.length));
        });
        builtIn("Add", c -> new Add());
        builtIn("Subtract", c -> new Subtract());
        builtIn("Multiply", c -> new Multiply());
        builtIn("Average", c -> new Average());
        builtIn("Maximum", c -> new Maximum());
        builtIn("Minimum", c -> new Minimum());
        builtIn("Concatenate", c -> new Concatenate(c.getInt("axis", -1)));
        builtIn("Dot", c -> new Dot(c.getIntArray("axes")).normalize(c.getBoolean("normalize", false)));
        // Layers for images: each reads its own Keras config.
        builtIn("Conv1D", Conv1D::fromConfig);
        builtIn("Conv2D", Conv2D::fromConfig);
        builtIn("Conv2DTranspose", Conv2DTranspose::fromConfig);
        builtIn("DepthwiseConv2D", DepthwiseConv2D::fromConfig);
        builtIn("SeparableConv2D", SeparableConv2D::fromConfig);
        builtIn("MaxPooling1D", MaxPooling1D::fromConfig);
        builtIn("MaxPooling2D", MaxPooling2D::fromConfig);
        builtIn("AveragePooling1D", AveragePooling1D::fromConfig);
        builtIn("AveragePooling2D", AveragePooling2D::fromConfig);
        builtIn("GlobalMaxPooling1D", GlobalMaxPooling1D::fromConfig);
        builtIn("GlobalMaxPooling2D", GlobalMaxPooling2D::fromConfig);
        builtIn("GlobalAveragePooling1D", GlobalAveragePooling1D::fromConfig);
        builtIn("GlobalAveragePooling2D", GlobalAveragePooling2D::fromConfig);
        builtIn("Flatten", Flatten::fromConfig);
        builtIn("Reshape", Reshape::fromConfig);
        builtIn("Permute", Permute::fromConfig);
        builtIn("ZeroPadding1D", ZeroPadding1D::fromConfig);
        builtIn("ZeroPadding2D", ZeroPadding2D::fromConfig);
        builtIn("Cropping1D", Cropping1D::fromConfig);
        builtIn("Cropping2D", Cropping2D::fromConfig);
        builtIn("UpSampling1D", UpSampling1D::fromConfig);
        builtIn("UpSampling2D", UpSampling2D::fromConfig);
        builtIn("SpatialDropout1D", SpatialDropout1D::fromConfig);
        builtIn("SpatialDropout2D", SpatialDropout2D::fromConfig);
        builtIn("BatchNormalization", BatchNormalization::fromConfig);
        sequenceLayers();
    }

    private Layers() {
    }

    /** The layers for sequences: embeddings, masking, the recurrent layers and their wrappers. */
    private static void sequenceLayers() {
        builtIn("Embedding", c -> {
            Embedding layer = new Embedding(c.getInt("input_dim"), c.getInt("output_dim"));
            layer.maskZero(c.getBoolean("mask_zero", false));
            readInitializer(c, "embeddings_initializer", layer::embeddingsInitializer);
            for (String key : List.of("embeddings_regularizer", "activity_regularizer", "embeddings_constraint",
                    "quantization_config")) {
                c.requireNull(key);
            }
            int[] length = c.getIntArray("input_length");
            if (length != null && !c.has("batch_input_shape") && !c.has("input_shape")) {
                layer.inputShape(length);
            }
            c.ignore("sparse", "lora_rank");
            return layer;
        });
        builtIn("Masking", c -> new Masking(c.getDouble("mask_value", 0.0)));
        builtIn("SimpleRNN", c -> Recurrent.fromConfig(new SimpleRNN(c.getInt("units")), c));
        builtIn("LSTM", c -> Recurrent.fromConfig(new LSTM(c.getInt("units")), c)
                .unitForgetBias(c.getBoolean("unit_forget_bias", true)));
        builtIn("GRU", c -> Recurrent.fromConfig(new GRU(c.getInt("units")), c)
                .resetAfter(c.getBoolean("reset_after", false)));
        builtIn("Bidirectional", c -> {
            Bidirectional layer = new Bidirectional(wrapped("Bidirectional", c, "layer")).mergeMode(c.getString("merge_mode", "concat"));
            if (c.get("backward_layer") != null) {
                layer.checkBackwardLayer(wrapped("Bidirectional", c, "backward_layer"));
            }
            return layer;
        });
        builtIn("TimeDistributed", c -> new TimeDistributed(wrapped("TimeDistributed", c, "layer")));
        builtIn("RepeatVector", c -> new RepeatVector(c.getInt("n")));
        builtIn("LayerNormalization", c -> {
            int[] axis = c.getIntArray("axis");
            if (axis != null && !(axis.length == 1 && axis[0] == -1)) {
                throw new IllegalArgumentException("The config of layer LayerNormalization sets 'axis' to " + Arrays.toString(axis)
                        + "; cthulhu normalizes over the last axis only (axis -1)");
            }
            if (c.getBoolean("rms_scaling", false)) {
                throw new IllegalArgumentException("The config of layer LayerNormalization sets 'rms_scaling' to true,"
                        + " which cthulhu does not support; set it to false");
            }
            LayerNormalization layer = new LayerNormalization().epsilon(c.getDouble("epsilon", 1e-3))
                    .center(c.getBoolean("center", true)).scale(c.getBoolean("scale", true));
            readInitializer(c, "beta_initializer", layer::betaInitializer);
            readInitializer(c, "gamma_initializer", layer::gammaInitializer);
            for (String key : List.of("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
                c.requireNull(key);
            }
            return layer;
        });
    }

    /**
     * The layer a wrapper's config holds under {@code key}, read with the wrapper's Keras version.
     *
     * @throws IllegalArgumentException naming the wrapper and the key when it is not a layer's
     *     {@code {"class_name": ..., "config": {...}}}
     */
    private static Layer wrapped(String wrapper, ConfigReader c, String key) {
        if (!(c.get(key) instanceof Map<?, ?> layer) || !(layer.get("class_name") instanceof String className)
                || (layer.get("config") != null && !(layer.get("config") instanceof Map))) {
            throw new IllegalArgumentException("The config of layer " + wrapper + " needs '" + key + "', the wrapped layer's"
                    + " {\"class_name\": ..., \"config\": {...}}, got " + c.get(key));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> config = layer.get("config") == null ? Map.of() : (Map<String, Object>) layer.get("config");
        return fromConfig(className, config, c.version());
    }

    /**
     * Gives a layer the initializer a config holds under {@code key} (a name or Keras's
     * {@code {"class_name": ..., "config": {...}}}); absent or null keeps the layer's default.
     *
     * @throws IllegalArgumentException for an unknown initializer, naming it
     */
    static void readInitializer(ConfigReader c, String key, Consumer<Initializer> set) {
        Object value = c.get(key);
        if (value != null) {
            set.accept(Initializers.get(value));
        }
    }

    /** Registers a built-in class whose factory reads its own keys and rejects unknown ones. */
    private static void builtIn(String className, Function<ConfigReader, Layer> factory) {
        FACTORIES.builtIn(className, (config, version) -> {
            ConfigReader reader = new ConfigReader("layer " + className, config, version);
            reader.ignore(BASE_KEYS.toArray(String[]::new));
            Layer layer = factory.apply(reader);
            reader.finish();
            return layer;
        });
    }

    /**
     * Keras's serialized form of a layer: {@code {"class_name": layer.className(), "config": layer.getConfig()}}.
     *
     * @throws IllegalArgumentException if the config cannot be given (an unregistered custom activation or initializer)
     */
    public static Map<String, Object> serialize(Layer layer) {
        return KerasObjects.serialize(layer.className(), layer.getConfig());
    }

    /**
     * Rebuilds a layer from {@code {"class_name": ..., "config": {...}}}; see {@link #fromConfig}.
     *
     * @throws IllegalArgumentException if {@code class_name} is missing or not a string, or as {@link #fromConfig}
     */
    public static Layer deserialize(Map<?, ?> classNameAndConfig) {
        Object className = classNameAndConfig.get("class_name");
        if (!(className instanceof String name)) {
            throw new IllegalArgumentException("A layer config needs a string 'class_name', got " + classNameAndConfig);
        }
        Object config = classNameAndConfig.get("config");
        if (config != null && !(config instanceof Map)) {
            throw new IllegalArgumentException("The 'config' of layer " + name + " must be a map, got " + config);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = config == null ? Map.of() : (Map<String, Object>) config;
        return fromConfig(name, arguments);
    }

    /**
     * Rebuilds a layer of a Keras class name from its configuration (the map {@link Layer#getConfig}
     * gives), then applies the base keys {@code name}, {@code trainable} and
     * {@code batch_input_shape}/{@code input_shape}.
     *
     * @throws IllegalArgumentException for an unknown class name (listing the known ones), or an
     *     unknown, missing or ill-typed key (naming it)
     */
    public static Layer fromConfig(String className, Map<String, Object> config) {
        return fromConfig(className, config, KerasVersion.CTHULHU);
    }

    /**
     * Rebuilds a layer from a configuration written by the Keras {@code version}, as
     * {@link #fromConfig(String, Map)} does for cthulhu's own: keys and activation names mean
     * what they meant to that Keras.
     *
     * @throws IllegalArgumentException for an unknown class name (listing the known ones), or an
     *     unknown, missing or ill-typed key (naming it)
     */
    public static Layer fromConfig(String className, Map<String, Object> config, KerasVersion version) {
        Layer layer = FACTORIES.get(className).apply(config, version);
        ConfigReader base = new ConfigReader("layer " + className, config);
        String name = base.getString("name", null);
        if (name != null) {
            layer.setName(name);
        }
        layer.setTrainable(base.getBoolean("trainable", true));
        int[] batchInputShape = base.has("batch_shape") ? base.getIntArray("batch_shape") : base.getIntArray("batch_input_shape");
        int[] inputShape = base.getIntArray("input_shape");
        if (batchInputShape != null) {
            if (batchInputShape.length == 0) {
                throw new IllegalArgumentException("In the config of layer " + className
                        + ", 'batch_input_shape' must start with the batch dimension, e.g. [null, 784], but it is []");
            }
            layer.declareInputShape(Arrays.copyOfRange(batchInputShape, 1, batchInputShape.length));
        } else if (inputShape != null) {
            layer.declareInputShape(inputShape);
        }
        return layer;
    }

    /**
     * Makes a custom layer class loadable: {@code factory} builds the layer from its configuration
     * map; this registry then applies the base keys ({@code name}, {@code trainable},
     * {@code batch_input_shape}). The layer's {@link Layer#className} should return {@code className}.
     *
     * @throws IllegalArgumentException if the name is blank or a built-in class name
     */
    public static void register(String className, Function<Map<String, Object>, ? extends Layer> factory) {
        FACTORIES.register(className, (config, version) -> factory.apply(config));
    }

    /** Every class name {@link #fromConfig} accepts, sorted. */
    public static Set<String> classNames() {
        return FACTORIES.names();
    }

    /** Keras's {@code noise_shape}: null, or a list of sizes and nulls. */
    private static Integer[] noiseShape(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("Dropout: noise_shape must be null or a list of sizes and nulls, got " + value);
        }
        Integer[] shape = new Integer[list.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = list.get(i);
            if (d != null && !(d instanceof Number)) {
                throw new IllegalArgumentException("Dropout: noise_shape must be null or a list of sizes and nulls, got " + value);
            }
            shape[i] = d == null ? null : ((Number) d).intValue();
        }
        return shape;
    }
}
