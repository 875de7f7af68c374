package cthulhu.initializers;

import cthulhu.config.ConfigReader;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The one registry of initializer names (Keras 2.2.4's {@code keras.initializers.get},
 * {@code serialize} and {@code deserialize}).
 *
 * <table>
 *   <caption>Names and what they resolve to</caption>
 *   <tr><th>name</th><th>initializer</th></tr>
 *   <tr><td>{@code zeros}, {@code ones}</td><td>{@link Zeros}, {@link Ones}</td></tr>
 *   <tr><td>{@code constant}</td><td>{@link Constant} with value 0</td></tr>
 *   <tr><td>{@code random_normal}</td><td>{@link RandomNormal}: mean 0, stddev 0.05</td></tr>
 *   <tr><td>{@code random_uniform}</td><td>{@link RandomUniform}: [-0.05, 0.05)</td></tr>
 *   <tr><td>{@code truncated_normal}</td><td>{@link TruncatedNormal}: mean 0, stddev 0.05</td></tr>
 *   <tr><td>{@code glorot_normal}, {@code glorot_uniform}</td><td>{@link VarianceScaling}: scale 1, {@code fan_avg}</td></tr>
 *   <tr><td>{@code he_normal}, {@code he_uniform}</td><td>{@link VarianceScaling}: scale 2, {@code fan_in}</td></tr>
 *   <tr><td>{@code lecun_normal}, {@code lecun_uniform}</td><td>{@link VarianceScaling}: scale 1, {@code fan_in}</td></tr>
 * </table>
 * Keras's class names ({@code "Zeros"}, {@code "RandomNormal"}, {@code "VarianceScaling"}, …) name
 * the class with its default arguments. All of these are unseeded: every call draws a fresh seed.
 *
 * <p>A configuration is Keras's: {@link #serialize} gives {@code {"class_name": "VarianceScaling",
 * "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": null}}} for
 * {@code glorot_uniform}, and {@link #deserialize} reads it back (and reads Keras's JSON). A custom
 * initializer joins with {@link #register} and serializes by its name.
 */
public final class Initializers {

    private static final Map<String, Supplier<KerasInitializer>> BUILT_IN = new LinkedHashMap<>();
    private static final Map<String, Function<ConfigReader, KerasInitializer>> CLASSES = new LinkedHashMap<>();
    private static final Map<String, Initializer> REGISTERED = new ConcurrentHashMap<>();
    private static final Map<Initializer, String> REGISTERED_NAMES = new ConcurrentHashMap<>();

    static {
        BUILT_IN.put("zeros", Zeros::new);
        BUILT_IN.put("ones", Ones::new);
        BUILT_IN.put("constant", Constant::new);
        BUILT_IN.put("random_normal", RandomNormal::new);
        BUILT_IN.put("random_uniform", RandomUniform::new);
        BUILT_IN.put("truncated_normal", TruncatedNormal::new);
        BUILT_IN.put("glorot_normal", () -> new VarianceScaling(1.0, "fan_avg", "normal"));
        BUILT_IN.put("glorot_uniform", () -> new VarianceScaling(1.0, "fan_avg", "uniform"));
        BUILT_IN.put("he_normal", () -> new VarianceScaling(2.0, "fan_in", "normal"));
        BUILT_IN.put("he_uniform", () -> new VarianceScaling(2.0, "fan_in", "uniform"));
        BUILT_IN.put("lecun_normal", () -> new VarianceScaling(1.0, "fan_in", "normal"));
        BUILT_IN.put("lecun_uniform", () -> new VarianceScaling(1.0, "fan_in", "uniform"));

        CLASSES.put("Zeros", c -> new Zeros());
        CLASSES.put("Ones", c -> new Ones());
        CLASSES.put("Constant", c -> new Constant(c.getDouble("value", 0)));
        CLASSES.put("RandomNormal", c -> new RandomNormal(c.getDouble("mean", 0), c.getDouble("stddev", 0.05),
                c.getNullableLong("seed")));
        CLASSES.put("RandomUniform", c -> new RandomUniform(c.getDouble("minval", -0.05), c.getDouble("maxval", 0.05),
                c.getNullableLong("seed")));
        CLASSES.put("TruncatedNormal", c -> new TruncatedNormal(c.getDouble("mean", 0), c.getDouble("stddev", 0.05),
                c.getNullableLong("seed")));
        // tf.keras 2 and Keras 3 name Keras 2.2.4's truncated "normal" "truncated_normal".
        CLASSES.put("VarianceScaling", c -> new VarianceScaling(c.getDouble("scale", 1.0), c.getString("mode", "fan_in"),
                c.getString("distribution", "normal").replace("truncated_normal", "normal"), varianceSeed(c)));
        // The class names tf.keras and Keras 3 write for the named variance-scaling initializers.
        for (String name : List.of("glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform")) {
            String className = Arrays.stream(name.split("_")).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                    .collect(Collectors.joining());
            CLASSES.put(className, c -> {
                VarianceScaling v = (VarianceScaling) BUILT_IN.get(name).get();
                return new VarianceScaling(v.scale(), v.mode(), v.distribution(), varianceSeed(c));
            });
        }
    }

    private Initializers() {
    }

    /**
     * The initializer of a name: a name of the table above, a Keras class name (default
     * arguments), or a name given to {@link #register}.
     *
     * @throws IllegalArgumentException {@code "Unknown initializer: foo. Valid names: ..."}
     */
    public static Initializer get(String name) {
        if (name == null) {
            throw new IllegalArgumentException("An initializer name must not be null. Valid names: " + String.join(", ", names()));
        }
        Supplier<KerasInitializer> builtIn = BUILT_IN.get(name);
        if (builtIn != null) {
            return builtIn.get();
        }
        Initializer registered = REGISTERED.get(name);
        if (registered != null) {
            return registered;
        }
        if (CLASSES.containsKey(name)) {
            return deserialize(Map.of("class_name", name));
        }
        throw new IllegalArgumentException("Unknown initializer: " + name + ". Valid names: " + String.join(", ", names()));
    }

    /**
     * Resolves what a configuration holds for an initializer: a name ({@link #get(String)}), a
     * {@code class_name}/{@code config} map ({@link #deserialize}) or an {@link Initializer}.
     *
     * @throws IllegalArgumentException for anything else, or an unknown name or class
     */
    public static Initializer get(Object identifier) {
        if (identifier instanceof Initializer i) {
            return i;
        }
        if (identifier instanceof String s) {
            return get(s);
        }
        if (identifier instanceof Map<?, ?> m) {
            return deserialize(m);
        }
        throw new IllegalArgumentException("Could not interpret initializer identifier: " + identifier
                + "; give a name such as \"glorot_uniform\" or a {\"class_name\": ..., \"config\": {...}} map");
    }

    /**
     * Keras's configuration of an initializer: {@code {"class_name": ..., "config": {...}}}.
     * A registered custom initializer gives its registered name and an empty config.
     *
     * @throws IllegalArgumentException for a custom initializer that was not registered, saying how to register it
     */
    public static Map<String, Object> serialize(Initializer initializer) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (initializer instanceof KerasInitializer k) {
            out.put("class_name", k.className());
            out.put("config", k.getConfig());
            return out;
        }
        String name = REGISTERED_NAMES.get(initializer);
        if (name == null) {
            throw new IllegalArgumentException("Cannot serialize initializer " + initializer
                    + ": it is neither built in nor registered. Register it first with Initializers.register(\"name\", initializer)"
                    + " and use that same object.");
        }
        out.put("class_name", name);
        out.put("config", new LinkedHashMap<>());
        return out;
    }

    /**
     * Rebuilds an initializer from {@code {"class_name": ..., "config": {...}}}: a Keras class
     * name with its arguments (missing ones take Keras's defaults), or a registered name.
     *
     * @throws IllegalArgumentException for a missing or unknown class name, or an unknown or
     *     ill-typed argument, naming it
     */
    public static Initializer deserialize(Map<?, ?> classNameAndConfig) {
        Object className = classNameAndConfig.get("class_name");
        if (!(className instanceof String name)) {
            throw new IllegalArgumentException("An initializer config needs a string 'class_name', got " + classNameAndConfig);
        }
        Object config = classNameAndConfig.get("config");
        if (config != null && !(config instanceof Map)) {
            throw new IllegalArgumentException("The 'config' of initializer " + name + " must be a map, got " + config);
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> arguments = (Map<String, ?>) config;
        Function<ConfigReader, KerasInitializer> factory = CLASSES.get(name);
        if (factory == null) {
            Initializer registered = REGISTERED.get(name);
            if (registered != null && (arguments == null || arguments.isEmpty())) {
                return registered;
            }
            if (registered == null && BUILT_IN.containsKey(name)) {
                return BUILT_IN.get(name).get();
            }
            throw new IllegalArgumentException("Unknown initializer: " + name + (registered != null
                    ? " with arguments " + arguments + " (a registered initializer takes none)"
                    : "") + ". Valid class names: " + String.join(", ", CLASSES.keySet())
                    + "; registered names: " + new TreeSet<>(REGISTERED.keySet()));
        }
        ConfigReader reader = new ConfigReader("initializer " + name, arguments);
        reader.ignore("dtype"); // tf.keras 2 writes the dtype the initializer was built with
        KerasInitializer initializer = factory.apply(reader);
        reader.finish();
        return initializer;
    }

    /**
     * Makes a custom initializer known by name, so that layers can name it and models using it
     * can be saved and loaded.
     *
     * @throws IllegalArgumentException if the name is blank or a built-in name or class name
     */
    public static void register(String name, Initializer initializer) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An initializer name must not be blank");
        }
        if (BUILT_IN.containsKey(name) || CLASSES.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is a built-in initializer and cannot be replaced; choose another name");
        }
        Initializer previous = REGISTERED.put(name, initializer);
        if (previous != null) {
            REGISTERED_NAMES.remove(previous, name);
        }
        REGISTERED_NAMES.put(initializer, name);
    }

    /** Every name {@link #get(String)} accepts, sorted: the table's names, Keras class names and registered names. */
    public static Set<String> names() {
        Set<String> names = new TreeSet<>(BUILT_IN.keySet());
        names.addAll(CLASSES.keySet());
        names.addAll(REGISTERED.keySet());
        return names;
    }

    /** The seed of a variance-scaling config; Keras 3.15's {@code input_axes}/{@code output_axes} only when null. */
    private static Long varianceSeed(ConfigReader c) {
        c.requireNull("input_axes");
        c.requireNull("output_axes");
        return c.getNullableLong("seed");
    }

    static void checkSpread(String owner, String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(owner + " needs a finite, non-negative " + key + ", got " + value);
        }
    }
}
