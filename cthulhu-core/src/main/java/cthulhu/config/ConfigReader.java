package cthulhu.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, checked access to a Keras-style configuration map (the {@code config} of a
 * {@code {"class_name": ..., "config": {...}}} object), as read from JSON: numbers may arrive as
 * any {@link Number}, lists as {@link List}, objects as {@link Map}.
 *
 * <p>Every getter records the key as read; {@link #finish()} then rejects keys nobody read, so a
 * misspelt or unsupported option fails loudly instead of being ignored. Errors name the owner
 * (e.g. {@code "layer Dense"}), the key, the value found and what was expected.
 */
public final class ConfigReader {

    private final String owner;
    private final Map<String, ?> config;
    private final Set<String> read = new LinkedHashSet<>();
    private final KerasVersion version;

    /**
     * A reader of a configuration with cthulhu's own meanings ({@link KerasVersion#CTHULHU}).
     *
     * @param owner what the configuration describes, for messages, e.g. {@code "layer Dense"}
     * @param config the configuration; null reads as empty
     */
    public ConfigReader(String owner, Map<String, ?> config) {
        this(owner, config, KerasVersion.CTHULHU);
    }

    /**
     * A reader of a configuration written by the Keras {@code version}.
     *
     * @param owner what the configuration describes, for messages, e.g. {@code "layer Dense"}
     * @param config the configuration; null reads as empty
     * @param version the Keras that wrote it
     */
    public ConfigReader(String owner, Map<String, ?> config, KerasVersion version) {
        this.owner = owner;
        this.config = config == null ? Map.of() : config;
        this.version = version;
    }

    /** The Keras that wrote the configuration. */
    public KerasVersion version() {
        return version;
    }

    /**
     * An optional activation, as the cthulhu name computing what the writing Keras computed
     * ({@link KerasVersion#activationName}); null when absent or null.
     *
     * @throws IllegalArgumentException when the value is neither a name nor a serialized function
     */
    public String getActivation(String key) {
        Object v = get(key);
        try {
            return version.activationName(v);
        } catch (IllegalArgumentException e) {
            throw error(key, v, "an activation name");
        }
    }

    /** Whether the key is present (even with a null value). */
    public boolean has(String key) {
        return config.containsKey(key);
    }

    /** The raw value of {@code key}, or null when absent; marks it read. */
    public Object get(String key) {
        read.add(key);
        return config.get(key);
    }

    /**
     * A required integer.
     *
     * @throws IllegalArgumentException if absent, null or not integral
     */
    public int getInt(String key) {
        Object v = get(key);
        if (v == null) {
            throw error(key, v, "an integer; the key is required");
        }
        return toInt(key, v);
    }

    /** An optional integer; {@code defaultValue} when absent or null. */
    public int getInt(String key, int defaultValue) {
        Object v = get(key);
        return v == null ? defaultValue : toInt(key, v);
    }

    /**
     * A required number.
     *
     * @throws IllegalArgumentException if absent, null or not a number
     */
    public double getDouble(String key) {
        Object v = get(key);
        if (v == null) {
            throw error(key, v, "a number; the key is required");
        }
        return toDouble(key, v);
    }

    /** An optional number; {@code defaultValue} when absent or null. */
    public double getDouble(String key, double defaultValue) {
        Object v = get(key);
        return v == null ? defaultValue : toDouble(key, v);
    }

    /** An optional number that may be null; {@code defaultValue} when absent, null when null. */
    public Double getNullableDouble(String key, Double defaultValue) {
        if (!has(key)) {
            read.add(key);
            return defaultValue;
        }
        Object v = get(key);
        return v == null ? null : toDouble(key, v);
    }

    /** An optional integral value (a seed) that may be null; null when absent or null. */
    public Long getNullableLong(String key) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw error(key, v, "an integer or null");
    }

    /** An optional boolean; {@code defaultValue} when absent or null. */
    public boolean getBoolean(String key, boolean defaultValue) {
        Object v = get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(key, v, "true or false");
    }

    /** An optional string; {@code defaultValue} when absent, null when null. */
    public String getString(String key, String defaultValue) {
        if (!has(key)) {
            read.add(key);
            return defaultValue;
        }
        Object v = get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw error(key, v, "a string");
    }

    /**
     * An optional list of integers in which nulls (Keras's {@code None}, an unknown dimension)
     * read as -1; null when absent or null. A single integer reads as a list of one.
     */
    public int[] getIntArray(String key) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number) {
            return new int[] {toInt(key, v)};
        }
        if (!(v instanceof List<?> list)) {
            throw error(key, v, "a list of integers");
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            out[i] = e == null ? -1 : toInt(key, e);
        }
        return out;
    }

    /** Marks keys as read without using them: options that do not affect this implementation. */
    public void ignore(String... keys) {
        read.addAll(List.of(keys));
    }

    /**
     * Accepts a Keras option this implementation does not support only when it is absent or null.
     *
     * @throws IllegalArgumentException naming the option when it has a value
     */
    public void requireNull(String key) {
        Object v = get(key);
        if (v != null) {
            throw new IllegalArgumentException("The config of " + owner + " sets '" + key + "' to " + v
                    + ", which cthulhu does not support; remove it or set it to null");
        }
    }

    /**
     * Checks that every key was read.
     *
     * @throws IllegalArgumentException naming the unknown keys and listing the known ones
     */
    public void finish() {
        List<String> unknown = new ArrayList<>();
        for (String key : config.keySet()) {
            if (!read.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown key(s) " + unknown + " in the config of " + owner
                    + "; known keys: " + new TreeSet<>(read));
        }
    }

    private int toInt(String key, Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw error(key, v, "an integer");
    }

    private double toDouble(String key, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw error(key, v, "a number");
    }

    private IllegalArgumentException error(String key, Object v, String expected) {
        String found = v == null ? "null" : v + " (" + v.getClass().getSimpleName() + ")";
        return new IllegalArgumentException("In the config of " + owner + ", '" + key + "' must be " + expected
                + ", but it is " + found);
    }
}
