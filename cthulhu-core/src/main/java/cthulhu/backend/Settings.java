package cthulhu.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The user's configuration, read in one place with a fixed precedence: system property
 * ({@code cthulhu.backend}, {@code cthulhu.floatx}, {@code cthulhu.epsilon}), else environment
 * variable ({@code CTHULHU_BACKEND}, {@code CTHULHU_FLOATX}, {@code CTHULHU_EPSILON}), else the
 * key ({@code "backend"}, {@code "floatx"}, {@code "epsilon"}) in {@code ~/.cthulhu/cthulhu.json},
 * else the default (no backend named, {@code float32}, {@code 1e-7}).
 *
 * @param backend the backend name the user asked for, or null when none
 * @param backendSource where {@code backend} came from, for error messages
 * @param floatx the default float type
 * @param epsilon the fuzz factor Keras calls {@code epsilon}
 */
public record Settings(String backend, String backendSource, DType floatx, double epsilon) {

    /** The system property that names the backend. */
    public static final String BACKEND_PROPERTY = "cthulhu.backend";
    /** The environment variable that names the backend. */
    public static final String BACKEND_ENV = "CTHULHU_BACKEND";

    /** Reads the settings of this process: {@link System#getProperties()}, {@link System#getenv()} and the user's home. */
    public static Settings fromEnvironment() {
        return read(System.getProperties(), System.getenv(),
                Path.of(System.getProperty("user.home"), ".cthulhu", "cthulhu.json"));
    }

    /**
     * Reads settings from explicit sources.
     *
     * @param properties system properties
     * @param env environment variables
     * @param configFile the JSON file; a missing file is no settings
     * @throws IllegalArgumentException if the file is not a JSON object or a value is invalid
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public static Settings read(Properties properties, Map<String, String> env, Path configFile) {
        JsonNode json = readConfig(configFile);
        String[] backend = pick(properties, env, json, configFile, BACKEND_PROPERTY, BACKEND_ENV, "backend");
        String[] floatx = pick(properties, env, json, configFile, "cthulhu.floatx", "CTHULHU_FLOATX", "floatx");
        String[] epsilon = pick(properties, env, json, configFile, "cthulhu.epsilon", "CTHULHU_EPSILON", "epsilon");
        double eps = 1e-7;
        if (epsilon != null) {
            try {
                eps = Double.parseDouble(epsilon[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("epsilon from " + epsilon[1] + " is not a number: " + epsilon[0], e);
            }
        }
        return new Settings(backend == null ? null : backend[0], backend == null ? null : backend[1],
                floatx == null ? DType.FLOAT32 : DType.of(floatx[0]), eps);
    }

    private static String[] pick(Properties properties, Map<String, String> env, JsonNode json, Path file,
                                 String property, String variable, String key) {
        String value = properties.getProperty(property);
        if (value != null && !value.isBlank()) {
            return new String[] {value.trim(), "system property " + property};
        }
        value = env.get(variable);
        if (value != null && !value.isBlank()) {
            return new String[] {value.trim(), "environment variable " + variable};
        }
        if (json != null && json.hasNonNull(key)) {
            return new String[] {json.get(key).asText().trim(), "\"" + key + "\" in " + file};
        }
        return null;
    }

    private static JsonNode readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = new ObjectMapper().readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(file + " must hold a JSON object such as {\"backend\": \"pure\"}");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
