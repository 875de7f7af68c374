package cthulhu.saving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import cthulhu.backend.K;
import cthulhu.config.KerasVersion;
import cthulhu.models.Model;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's legacy HDF5 model format ({@code .h5}), as Keras 2.x, tf.keras 2.x and Keras 3 write
 * it: the root's attributes {@code model_config} (the model's Keras JSON), {@code training_config}
 * (optimizer, loss and metrics of a compiled model), {@code keras_version} and {@code backend};
 * the weights in the group {@code model_weights} (see {@link KerasWeights}) and a compiled model's
 * optimizer state in {@code optimizer_weights} (see {@link KerasOptimizerState}).
 */
final class LegacyHdf5 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyHdf5() {
    }

    /**
     * Reads an {@code .h5} model: rebuilds it with the meanings of the Keras that wrote it, sets
     * its weights, and compiles it with its {@code training_config} when {@code compile} is true.
     *
     * @throws ModelFormatException naming the file and the problem (a truncated or damaged file,
     *     a weights-only file, a Keras 1 file, a layer or weight that does not fit)
     */
    static Model read(Path file, boolean compile) throws IOException {
        try (HdfFile h5 = new HdfFile(file)) {
            String modelConfig = Hdf5.string(h5, "model_config");
            String versionText = Hdf5.string(h5, "keras_version");
            Node weights = Hdf5.child(h5, "model_weights");
            if (versionText == null && weights != null) {
                versionText = Hdf5.string(weights, "keras_version");
            }
            KerasVersion version = versionText == null ? null : KerasVersion.parse(versionText);
            if (version != null && version.major() < 2) {
                throw new ModelFormatException(file, "it was written by Keras " + version + " (Keras 1), whose configs cthulhu"
                        + " does not read; load it in Keras 2 and save it again");
            }
            if (modelConfig == null) {
                throw new ModelFormatException(file, "the HDF5 file has no 'model_config' attribute: it holds "
                        + (h5.getAttribute("layer_names") != null || h5.getChildren().containsKey("layers")
                        ? "weights only; build the model and call loadWeights" : "no Keras model"));
            }
            if (!(weights instanceof Group weightsGroup)) {
                throw new ModelFormatException(file, "the HDF5 file has a model_config but no 'model_weights' group");
            }
            Model model = KerasModelConfig.model(file, json(file, "model_config", modelConfig), version);
            try {
                KerasWeights.readLegacy(file, weightsGroup, model.getLayers());
                String training = Hdf5.string(h5, "training_config");
                if (compile && training != null) {
                    Map<?, ?> t = json(file, "training_config", training);
                    KerasModelConfig.compile(file, model, t.get("optimizer_config"), t.get("loss"), t.get("loss_weights"),
                            t.get("metrics"));
                    if (Hdf5.child(h5, "optimizer_weights") instanceof Group g && Hdf5.strings(g, "weight_names") != null) {
                        List<Hdf5.Array64> values = new ArrayList<>();
                        for (String name : Hdf5.strings(g, "weight_names")) {
                            if (!(Hdf5.child(g, name) instanceof Dataset d)) {
                                throw new ModelFormatException(file, "optimizer weight '" + name + "' is listed in"
                                        + " optimizer_weights/weight_names but missing from the file");
                            }
                            values.add(Hdf5.read(file, d));
                        }
                        KerasOptimizerState.restore(file, model, values, version == null || version.isKeras3(),
                                "optimizer_weights");
                    }
                }
                return model;
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        } catch (HdfException e) {
            throw new ModelFormatException(file, "it is not a readable HDF5 file; it is truncated or damaged (" + e.getMessage() + ")", e);
        }
    }

    static Map<?, ?> json(Path file, String what, String text) throws ModelFormatException {
        try {
            return JSON.readValue(text, Map.class);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file, "its " + what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes the model as the legacy HDF5 format Keras 3 writes (its config in Keras 3's form).
     *
     * @throws IllegalArgumentException naming the layer when Keras 3 cannot express it
     * @throws IOException when the file cannot be written
     */
    static void write(Model model, Path file) throws IOException {
        Map<String, Object> root = KerasModelConfig.keras3(model);
        @SuppressWarnings("unchecked")
        Map<String, Object> compile = (Map<String, Object>) root.remove("compile_config");
        String modelConfig;
        String trainingConfig;
        try {
            modelConfig = JSON.writeValueAsString(root);
            trainingConfig = compile == null ? null : JSON.writeValueAsString(KerasModelConfig.trainingConfig(compile));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the config of model " + model.getName() + " as JSON", e);
        }
        AtomicFile.write(file, path -> {
            try (WritableHdfFile h5 = HdfFile.write(path)) {
                h5.putAttribute("backend", K.backend());
                h5.putAttribute("keras_version", KerasVersion.KERAS_3.toString());
                h5.putAttribute("model_config", modelConfig);
                if (trainingConfig != null) {
                    h5.putAttribute("training_config", trainingConfig);
                }
                KerasWeights.writeLegacy(h5.putGroup("model_weights"), model);
            }
        });
    }

    /**
     * Reads weights only into the model's layers: a legacy file ({@code layer_names} at the root
     * or in {@code model_weights}) or Keras 3's {@code .weights.h5} ({@code layers/…}).
     *
     * @throws ModelFormatException naming the file and the problem
     */
    static void readWeights(Path file, Model model) throws IOException {
        try (HdfFile h5 = new HdfFile(file)) {
            if (h5.getChildren().containsKey("layers")) {
                KerasWeights.readKeras3(file, h5, model);
            } else if (Hdf5.child(h5, "model_weights") instanceof Group g) {
                KerasWeights.readLegacy(file, g, model.getLayers());
            } else if (h5.getAttribute("layer_names") != null) {
                KerasWeights.readLegacy(file, h5, model.getLayers());
            } else {
                throw new ModelFormatException(file, "the HDF5 file holds no Keras weights (no 'layers' group, 'model_weights'"
                        + " group or 'layer_names' attribute)");
            }
        } catch (HdfException e) {
            throw new ModelFormatException(file, "it is not a readable HDF5 file; it is truncated or damaged (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Writes weights only: Keras 3's layout for a {@code .weights.h5} name, the legacy layout at
     * the root otherwise.
     *
     * @throws IOException when the file cannot be written
     */
    static void writeWeights(Model model, Path file) throws IOException {
        boolean keras3 = file.getFileName().toString().endsWith(".weights.h5");
        AtomicFile.write(file, path -> {
            try (WritableHdfFile h5 = HdfFile.write(path)) {
                if (keras3) {
                    KerasWeights.writeKeras3(h5, model);
                } else {
                    KerasWeights.writeLegacy(h5, model);
                }
            }
        });
    }
}
