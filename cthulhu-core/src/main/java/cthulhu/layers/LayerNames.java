package cthulhu.layers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Gives the layers of one model unique names the way Keras does: the class name in snake case
 * and a counter per prefix starting at 1, {@code dense_1, dense_2, leaky_re_lu_1, …}. A model
 * keeps one instance and calls {@link #assign} for each layer it adds.
 */
public final class LayerNames {

    private final Set<String> taken = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** An empty set of names, for a new model. */
    public LayerNames() {
    }

    /**
     * Names {@code layer} uniquely within this model: a layer that already has a name keeps it,
     * any other gets {@code prefix_n} with the next free {@code n} for its prefix.
     *
     * @return the layer's name
     * @throws IllegalArgumentException if the layer's own name is already used in this model
     */
    public String assign(Layer layer) {
        if (layer.hasName()) {
            String name = layer.getName();
            if (!taken.add(name)) {
                throw new IllegalArgumentException("All layers of a model must have unique names. Name \"" + name
                        + "\" is already the name of a layer in this model. Give the layer another name with setName");
            }
            return name;
        }
        String prefix = layer.namePrefix();
        String name;
        do {
            name = prefix + "_" + counters.merge(prefix, 1, Integer::sum);
        } while (taken.contains(name));
        taken.add(name);
        layer.setName(name);
        return name;
    }

    /**
     * Keras's {@code to_snake_case}: {@code "Dense"} → {@code "dense"}, {@code "LeakyReLU"} →
     * {@code "leaky_re_lu"}, {@code "ThresholdedReLU"} → {@code "thresholded_re_lu"}.
     */
    public static String snakeCase(String className) {
        String s = className.replaceAll("(.)([A-Z][a-z0-9]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        return s.startsWith("_") ? "private" + s : s;
    }
}
