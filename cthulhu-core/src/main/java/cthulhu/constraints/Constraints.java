package cthulhu.constraints;

import cthulhu.config.ConfigReader;
import cthulhu.config.KerasObjects;
import cthulhu.config.NameRegistry;

import java.util.Map;
import java.util.function.Function;

/**
 * The one registry of constraint names: Keras's {@code max_norm}, {@code min_max_norm},
 * {@code non_neg}, {@code unit_norm} and their class names {@code MaxNorm}, {@code MinMaxNorm},
 * {@code NonNeg}, {@code UnitNorm}, with Keras's defaults.
 */
public final class Constraints {

    private static final NameRegistry<Function<ConfigReader, Constraint>> REGISTRY =
            new NameRegistry<>("constraint", "Constraints");

    static {
        Function<ConfigReader, Constraint> maxNorm = r -> new MaxNorm(r.getDouble("max_value", 2), r.getInt("axis", 0));
        Function<ConfigReader, Constraint> minMaxNorm = r -> new MinMaxNorm(r.getDouble("min_value", 0),
                r.getDouble("max_value", 1), r.getDouble("rate", 1), r.getInt("axis", 0));
        Function<ConfigReader, Constraint> nonNeg = r -> new NonNeg();
        Function<ConfigReader, Constraint> unitNorm = r -> new UnitNorm(r.getInt("axis", 0));
        REGISTRY.builtIn("max_norm", maxNorm);
        REGISTRY.builtIn("MaxNorm", maxNorm);
        REGISTRY.builtIn("min_max_norm", minMaxNorm);
        REGISTRY.builtIn("MinMaxNorm", minMaxNorm);
        REGISTRY.builtIn("non_neg", nonNeg);
        REGISTRY.builtIn("NonNeg", nonNeg);
        REGISTRY.builtIn("unit_norm", unitNorm);
        REGISTRY.builtIn("UnitNorm", unitNorm);
        // Keras 2.2.4's older aliases.
        REGISTRY.builtIn("maxnorm", maxNorm);
        REGISTRY.builtIn("nonneg", nonNeg);
        REGISTRY.builtIn("unitnorm", unitNorm);
    }

    private Constraints() {
    }

    /**
     * A constraint with its defaults, by name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Constraint get(String name) {
        return deserialize(name);
    }

    /**
     * A constraint from a config value: null (none), a name, or {@code {"class_name": …, "config": {…}}}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones, or a bad config
     */
    public static Constraint deserialize(Object value) {
        return value == null ? null : KerasObjects.deserialize("constraint", value, REGISTRY);
    }

    /** Null for none, else Keras's {@code {"class_name": …, "config": {…}}}. */
    public static Map<String, Object> serialize(Constraint constraint) {
        return constraint == null ? null : KerasObjects.serialize(constraint.className(), constraint.getConfig());
    }
}
