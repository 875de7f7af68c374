package cthulhu.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras-style configuration maps: the {@code config} of a layer, loss, optimizer, initializer or
 * schedule, whose keys keep the order they are written in so that the JSON a model is saved as
 * reads like Keras's own.
 */
public final class Configs {

    private Configs() {
    }

    /**
     * A new, modifiable map of the keys and values in the order given; values may be null
     * (Keras's {@code None}).
     *
     * @param keysAndValues a key, its value, the next key, its value, …
     * @throws IllegalArgumentException if a key is missing its value or is not a string
     */
    public static Map<String, Object> of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Configs.of needs a value for each key, got " + keysAndValues.length
                    + " arguments");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("Configs.of needs string keys, got " + keysAndValues[i] + " at "
                        + i);
            }
            config.put(key, keysAndValues[i + 1]);
        }
        return config;
    }
}
