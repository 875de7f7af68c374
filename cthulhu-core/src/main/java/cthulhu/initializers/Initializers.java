package cthulhu.initializers;

import cthulhu.config.ConfigReader;
import cthulhu.config.KerasObjects;
import cthulhu.config.NameRegistry;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
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
 *   <tr><td>{@code orthogonal}</td><td>{@link Orthogonal}: gain 1</td></tr>
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

    /** Every name {@link #get(String)} accepts: the table's, the class names (with their defaults), the registered. */
    private static final NameRegistry<Initializer> NAMES = new NameRegistry<>("initializer", "Initializers");
    /** Keras's class names, each with the factory that reads its {@code config}. */
    private static final NameRegistry<Function<ConfigReader, KerasInitializer>> CLASSES =
            new NameRegistry<>("initializer class", "Initializers");

    static {
        // Initializers are immutable records, so a name can give the same object every time.
        NAMES.builtIn("zeros", new Zeros());
        NAMES.builtIn("ones", new Ones());
        NAMES.builtIn("constant", new Constant());
        NAMES.builtIn("random_normal", new RandomNormal());
        NAMES.builtIn("random_uniform", new RandomUniform());
        NAMES.builtIn("truncated_normal", new TruncatedNormal());
        NAMES.builtIn("glorot_normal", new VarianceScaling(1.0, "fan_avg", "normal"));
        NAMES.builtIn("glorot_uniform", new VarianceScaling(1.0, "fan_avg", "uniform"));
        NAMES.builtIn("he_normal", new VarianceScaling(2.0, "fan_in", "normal"));
        NAMES.builtIn("he_uniform", new VarianceScaling(2.0, "fan_in", "uniform"));
        NAMES.builtIn("lecun_normal", new VarianceScaling(1.0, "fan_in", "normal"));
        NAMES.builtIn("lecun_uniform", new VarianceScaling(1.0, "fan_in", "uniform"));

        CLASSES.builtIn("Zeros", c -> new Zeros());
        CLASSES.builtIn("Ones", c -> new Ones());
        CLASSES.builtIn("Constant", c -> new Constant(c.getDouble("value", 0)));
        CLASSES.builtIn("RandomNormal", c -> new RandomNormal(c.getDouble("mean", 0), c.getDouble("stddev", 0.05),
                c.getNullableLong("seed")));
        CLASSES.builtIn("RandomUniform", c -> new RandomUniform(c.getDouble("minval", -0.05), c.getDouble("maxval", 0.05),
                c.getNullableLong("seed")));
        CLASSES.builtIn("TruncatedNormal", c -> new TruncatedNormal(c.getDouble("mean", 0), c.getDouble("stddev", 0.05),
                c.getNullableLong("seed")));
        // tf.keras 2 and Keras 3 name Keras 2.2.4's truncated "normal" "truncated_normal".
        CLASSES.builtIn("VarianceScaling", c -> new VarianceScaling(c.getDouble("scale", 1.0), c.getString("mode", "fan_in"),
                c.getString("distribution", "normal").replace("truncated_normal", "normal"), varianceSeed(c)));
        // The class names tf.keras and Keras 3 write for the named variance-scaling initializers.
        for (String name : List.of("glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform")) {
            String className = Arrays.stream(name.split("_")).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                    .collect(Collectors.joining());
            VarianceScaling v = (VarianceScaling) NAMES.get(name);
            CLASSES.builtIn(className, c -> new VarianceScaling(v.scale(), v.mode(), v.distribution(), varianceSeed(c)));
        }
        NAMES.builtIn("orthogonal", new Orthogonal());
        CLASSES.builtIn("Orthogonal", c -> new Orthogonal(c.getDouble("gain", 1.0), c.getNullableLong("seed")));
        for (String className : CLASSES.names()) {
            NAMES.builtIn(className, deserialize(Map.of("class_name", className)));
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
        return NAMES.get(name);
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
        if (initializer instanceof KerasInitializer k) {
            return KerasObjects.serialize(k.className(), k.getConfig());
        }
        return KerasObjects.serialize(NAMES.serialize(initializer), new LinkedHashMap<>());
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
        Function<ConfigReader, KerasInitializer> factory = CLASSES.find(name);
        if (factory == null) {
            Initializer named = NAMES.get(name);
            if (arguments != null && !arguments.isEmpty()) {
                throw new IllegalArgumentException("Initializer " + name + " takes no arguments, got " + arguments
                        + "; give arguments to a Keras class instead: " + String.join(", ", CLASSES.names()));
            }
            return named;
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
        NAMES.register(name, initializer);
    }

    /** Every name {@link #get(String)} accepts, sorted: the table's names, Keras class names and registered names. */
    public static Set<String> names() {
        return NAMES.names();
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
