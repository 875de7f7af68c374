package cthulhu.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keras release that wrote a configuration, so that a name or key means what that Keras
 * computed: {@code "2.2.4"}, {@code "2.2.4-tf"} (tf.keras), {@code "2.15.0"}, {@code "3.2.1"}.
 *
 * <p>cthulhu's own names follow Keras 2.2.4 ({@link #CTHULHU}); a Keras 3 file is read with Keras
 * 3's meanings. Where one name means two things, this class is the one place that maps it:
 * {@link #activationName} for reading, {@link #kerasActivation} for writing. Keras 3 changed
 * {@code hard_sigmoid} from {@code clip(0.2x + 0.5, 0, 1)} to {@code relu6(x + 3) / 6}; cthulhu
 * keeps the first under {@code hard_sigmoid} and knows the second as {@value #KERAS3_HARD_SIGMOID}.
 */
public final class KerasVersion {

    /** The semantics of cthulhu's own configurations: Keras 2.2.4's. */
    public static final KerasVersion CTHULHU = new KerasVersion("2.2.4", 2, 2, 4);
    /** The Keras 3 release whose file format the writers follow. */
    public static final KerasVersion KERAS_3 = new KerasVersion("3.15.1", 3, 15, 1);
    /** The registered cthulhu activation of Keras 3's {@code hard_sigmoid}, {@code relu6(x + 3) / 6}: {@code Activations.hardSigmoidV3}. */
    public static final String KERAS3_HARD_SIGMOID = "hard_sigmoid_v3";

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    private final String text;
    private final int major;
    private final int minor;
    private final int patch;

    private KerasVersion(String text, int major, int minor, int patch) {
        this.text = text;
        this.major = major;
        this.minor = minor;
        this.patch = patch;
    }

    /**
     * Parses a {@code keras_version} string such as {@code "2.2.4-tf"} or {@code "3.2.1"}.
     *
     * @throws IllegalArgumentException when it does not start with {@code major.minor}
     */
    public static KerasVersion parse(String version) {
        Matcher m = version == null ? null : VERSION.matcher(version.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("Not a Keras version: '" + version + "'; expected e.g. \"2.2.4\" or \"3.2.1\"");
        }
        return new KerasVersion(version.trim(), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    /** The major release: 1, 2 or 3. */
    public int major() {
        return major;
    }

    /** Whether Keras 3 wrote it. */
    public boolean isKeras3() {
        return major >= 3;
    }

    /**
     * The cthulhu activation name computing what this Keras computed for {@code identifier}: a
     * name, or Keras 3's serialized function {@code {"class_name": "function", "config": name,
     * "registered_name": "package>name"}} of a custom activation (read by its name). Null stays null.
     *
     * @throws IllegalArgumentException for an identifier that is neither
     */
    public String activationName(Object identifier) {
        if (identifier == null) {
            return null;
        }
        String name;
        if (identifier instanceof String s) {
            name = s;
        } else if (identifier instanceof Map<?, ?> m && m.get("config") instanceof String s) {
            name = s;
        } else {
            throw new IllegalArgumentException("Cannot read activation " + identifier
                    + ": expected a name or Keras's serialized function {\"class_name\": \"function\", \"config\": name}");
        }
        return isKeras3() && name.equals("hard_sigmoid") ? KERAS3_HARD_SIGMOID : name;
    }

    /**
     * How this Keras names the cthulhu activation {@code name}: the name itself for a name both
     * share, {@code hard_sigmoid} for {@value #KERAS3_HARD_SIGMOID} in Keras 3, and for a custom
     * activation (one not in {@code builtIn}) Keras 3's serialized registered function
     * {@code {"module": "builtins", "class_name": "function", "config": name, "registered_name": "Custom>name"}},
     * which Python Keras loads once the same name is registered with
     * {@code keras.saving.register_keras_serializable()}.
     *
     * @param builtIn whether {@code name} is one of cthulhu's built-in activations
     * @throws IllegalArgumentException when this Keras has no activation computing the same
     *     function (Keras 2.2.4's {@code hard_sigmoid} in Keras 3), saying so
     */
    public Object kerasActivation(String name, boolean builtIn) {
        if (!isKeras3()) {
            if (name.equals(KERAS3_HARD_SIGMOID)) {
                throw new IllegalArgumentException("Keras " + text + " has no activation computing Keras 3's hard_sigmoid"
                        + " relu6(x + 3) / 6; save the model in the Keras 3 format (.keras)");
            }
            return name;
        }
        if (name.equals("hard_sigmoid")) {
            throw new IllegalArgumentException("Keras 3 has no activation computing Keras 2's hard_sigmoid"
                    + " clip(0.2x + 0.5, 0, 1) (its hard_sigmoid is relu6(x + 3) / 6); save the model in cthulhu's own"
                    + " format, or use \"" + KERAS3_HARD_SIGMOID + "\"");
        }
        if (name.equals(KERAS3_HARD_SIGMOID)) {
            return "hard_sigmoid";
        }
        if (builtIn) {
            return name;
        }
        return Configs.of(
                "module", "builtins",
                "class_name", "function",
                "config", name,
                "registered_name", "Custom>" + name);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KerasVersion v && v.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
