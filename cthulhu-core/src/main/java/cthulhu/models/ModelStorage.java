package cthulhu.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What models need of their files: reading and writing them, and building a model from the
 * {@code config} of a Keras {@code Sequential} or {@code Functional} entry.
 *
 * <p>{@code cthulhu.saving} implements it and registers the implementation with
 * {@link java.util.ServiceLoader}, where {@link Model} finds it, so this package does not depend
 * on the file formats, which depend on it. The contract of each method is that of the
 * {@link Model} or {@link Sequential} method that calls it.
 */
public interface ModelStorage {

    /**
     * Reads a model of the given class from a file in any supported format.
     *
     * @throws IOException when the file cannot be read, is in no supported format, is damaged, or
     *     holds a model of another class
     */
    <M extends Model> M load(Path path, boolean compile, Class<M> type) throws IOException;

    /** Writes the model in the format its file name asks for. */
    void save(Model model, Path path) throws IOException;

    /** Sets the model's weights from a Keras weights or model file. */
    void loadWeights(Model model, Path path) throws IOException;

    /** Writes the model's weights only. */
    void saveWeights(Model model, Path path) throws IOException;

    /** The architecture and training configuration as Keras-style JSON. */
    String toJson(Model model);

    /** A new model of the given class, with fresh weights, from JSON written by {@link #toJson}. */
    <M extends Model> M fromJson(String json, Class<M> type);

    /** A functional model from its Keras config ({@code layers}, {@code input_layers}, {@code output_layers}). */
    Model functionalFromConfig(Map<String, Object> config);

    /** A Sequential model from its Keras config ({@code layers}). */
    Sequential sequentialFromConfig(Map<String, Object> config);
}
