package cthulhu.saving;

import cthulhu.models.Model;
import cthulhu.models.ModelStorage;
import cthulhu.models.Sequential;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link ModelStorage} that {@link Model} finds through the service registry: the files of
 * {@link ModelFiles} and the JSON of {@link ModelIO}.
 */
public final class ModelFileStorage implements ModelStorage {

    /** Made by the service registry. */
    public ModelFileStorage() {
    }

    /** @throws ModelFormatException naming the file and the problem, or the class of model it holds */
    @Override
    public <M extends Model> M load(Path path, boolean compile, Class<M> type) throws IOException {
        Model model = ModelFiles.load(path, compile);
        if (type.isInstance(model)) {
            return type.cast(model);
        }
        model.close();
        throw new ModelFormatException(path, "it holds functional model " + model.getName() + ", not a "
                + type.getSimpleName() + " one; read it with Model.load");
    }

    @Override
    public void save(Model model, Path path) throws IOException {
        ModelFiles.save(model, path);
    }

    @Override
    public void loadWeights(Model model, Path path) throws IOException {
        ModelFiles.loadWeights(model, path);
    }

    @Override
    public void saveWeights(Model model, Path path) throws IOException {
        ModelFiles.saveWeights(model, path);
    }

    @Override
    public String toJson(Model model) {
        return ModelIO.toJson(model);
    }

    @Override
    public <M extends Model> M fromJson(String json, Class<M> type) {
        return ModelIO.fromJson(json, type);
    }

    @Override
    public Model functionalFromConfig(Map<String, Object> config) {
        return ModelIO.functionalFromConfig(config);
    }

    @Override
    public Sequential sequentialFromConfig(Map<String, Object> config) {
        return ModelIO.sequentialFromConfig(config);
    }
}
