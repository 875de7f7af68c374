package cthulhu.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Keras's form for a configured object inside a config, {@code {"class_name": …, "config": {…}}}:
 * written for every kind (layers, initializers, losses, optimizers, …), read for the kinds whose
 * registries map a class name to a builder (regularizers, constraints, learning-rate schedules).
 */
public final class KerasObjects {

    private KerasObjects() {
    }

    /** {@code {"class_name": className, "config": config}}. */
    public static Map<String, Object> serialize(String className, Map<String, Object> config) {
        return Configs.of("class_name", className, "config", config);
    }

    /**
     * Builds the object of {@code {"class_name": …, "config": {…}}} (the {@code config} may be
     * absent, for the defaults; Keras's {@code name} inside it is ignored), or of a bare name.
     *
     * @param kind what is built, for messages, e.g. {@code "regularizer"}
     * @throws IllegalArgumentException for another form, an unknown name (listing the known ones),
     *     or a bad or unknown key in the config
     */
    public static <T> T deserialize(String kind, Object value, NameRegistry<Function<ConfigReader, T>> registry) {
        if (value instanceof String name) {
            return deserialize(kind, Map.of("class_name", name), registry);
        }
        if (!(value instanceof Map<?, ?> map) || !(map.get("class_name") instanceof String name)) {
            throw new IllegalArgumentException("A " + kind + " must be a name or {\"class_name\": ..., \"config\": {...}}, got "
                    + value);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        if (map.get("config") instanceof Map<?, ?> c) {
            c.forEach((k, v) -> config.put(String.valueOf(k), v));
        }
        ConfigReader reader = new ConfigReader(kind + " " + name, config);
        reader.ignore("name");
        T built = registry.get(name).apply(reader);
        reader.finish();
        return built;
    }
}
