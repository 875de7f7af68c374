package cthulhu.regularizers;

import cthulhu.config.ConfigReader;
import cthulhu.config.KerasObjects;
import cthulhu.config.NameRegistry;

import java.util.Map;
import java.util.function.Function;

/**
 * The one registry of regularizer names: Keras's functions {@code l1}, {@code l2}, {@code l1_l2}
 * (factor 0.01 each by default) and classes {@code L1}, {@code L2}, {@code L1L2} (Keras 3's
 * config forms {@code {"class_name": "L2", "config": {"l2": 0.01}}}).
 */
public final class Regularizers {

    private static final NameRegistry<Function<ConfigReader, Regularizer>> REGISTRY =
            new NameRegistry<>("regularizer", "Regularizers");

    static {
        REGISTRY.builtIn("l1", r -> l1(r.getDouble("l1", 0.01)));
        REGISTRY.builtIn("l2", r -> l2(r.getDouble("l2", 0.01)));
        REGISTRY.builtIn("l1_l2", r -> l1L2(r.getDouble("l1", 0.01), r.getDouble("l2", 0.01)));
        REGISTRY.builtIn("L1", r -> l1(r.getDouble("l1", 0.01)));
        REGISTRY.builtIn("L2", r -> l2(r.getDouble("l2", 0.01)));
        // Keras 2.2.4's class and Keras 3's both default to no penalty.
        REGISTRY.builtIn("L1L2", r -> l1L2(r.getDouble("l1", 0), r.getDouble("l2", 0)));
        REGISTRY.builtIn("orthogonal_regularizer", r -> new OrthogonalRegularizer(r.getDouble("factor", 0.01), r.getString("mode", "rows")),
                "OrthogonalRegularizer");
    }

    private Regularizers() {
    }

    /**
     * {@code l · Σ|x|}.
     *
     * @throws IllegalArgumentException for a negative or non-finite factor
     */
    public static Regularizer l1(double l) {
        return new L1L2(l, 0);
    }

    /**
     * {@code l · Σx²}.
     *
     * @throws IllegalArgumentException for a negative or non-finite factor
     */
    public static Regularizer l2(double l) {
        return new L1L2(0, l);
    }

    /**
     * {@code l1 · Σ|x| + l2 · Σx²}.
     *
     * @throws IllegalArgumentException for a negative or non-finite factor
     */
    public static Regularizer l1L2(double l1, double l2) {
        return new L1L2(l1, l2);
    }

    /**
     * A regularizer with its defaults: {@code "l1"}, {@code "l2"}, {@code "l1_l2"} (or a class name).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Regularizer get(String name) {
        return deserialize(name);
    }

    /**
     * A regularizer from a config value: null (none), a name, or
     * {@code {"class_name": …, "config": {…}}}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones, or a bad config
     */
    public static Regularizer deserialize(Object value) {
        return value == null ? null : KerasObjects.deserialize("regularizer", value, REGISTRY);
    }

    /** Null for none, else Keras's {@code {"class_name": …, "config": {…}}}. */
    public static Map<String, Object> serialize(Regularizer regularizer) {
        if (regularizer == null) {
            return null;
        }
        return KerasObjects.serialize(regularizer.className(), regularizer.getConfig());
    }
}
