package cthulhu.saving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import cthulhu.config.Configs;
import cthulhu.config.KerasVersion;
import cthulhu.models.Model;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.exceptions.HdfException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Keras 3's {@code .keras} format: a zip of {@code config.json} (the model's Keras JSON with
 * {@code compile_config}), {@code metadata.json} ({@code keras_version}, {@code date_saved}) and
 * {@code model.weights.h5} (the weights in Keras 3's layout, see {@link KerasWeights}, and a
 * compiled model's optimizer state under {@code optimizer/vars}, see {@link KerasOptimizerState}).
 */
final class KerasArchive {

    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";
    /** Where {@link #WEIGHTS} keeps Keras's {@code optimizer.variables}. */
    static final String OPTIMIZER_VARS = "optimizer/vars";

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasArchive() {
    }

    /**
     * Reads a {@code .keras} file: rebuilds the model, sets its weights, and compiles it with its
     * {@code compile_config} when {@code compile} is true.
     *
     * @throws ModelFormatException naming the file and the problem (no {@code config.json},
     *     damaged entries, a layer or weight that does not fit)
     */
    static Model read(Path file, boolean compile) throws IOException {
        Map<?, ?> config;
        KerasVersion version = null;
        byte[] weights;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            byte[] configBytes = entry(file, zip, CONFIG);
            if (configBytes == null) {
                throw new ModelFormatException(file, "the zip archive has no " + CONFIG + ", so it is not a Keras .keras file");
            }
            config = json(file, CONFIG, configBytes);
            byte[] metadata = entry(file, zip, METADATA);
            if (metadata != null && json(file, METADATA, metadata).get("keras_version") instanceof String v) {
                version = KerasVersion.parse(v);
            }
            weights = entry(file, zip, WEIGHTS);
            if (weights == null) {
                throw new ModelFormatException(file, "the .keras archive has no " + WEIGHTS);
            }
        } catch (ZipException e) {
            throw new ModelFormatException(file, "the zip archive is damaged (" + e.getMessage() + ")", e);
        }
        Model model = KerasModelConfig.model(file, config, version);
        boolean keras3 = version == null || version.isKeras3();
        try {
            try (HdfFile h5 = HdfFile.fromBytes(weights)) {
                KerasWeights.readKeras3(file, h5, model);
                // Keras 3 writes an uncompiled model's compile_config as {}.
                if (compile && config.get("compile_config") instanceof Map<?, ?> c && !c.isEmpty()) {
                    KerasModelConfig.compile(file, model, c.get("optimizer"), c.get("loss"), c.get("loss_weights"),
                            c.get("metrics"));
                    if (Hdf5.child(h5, OPTIMIZER_VARS) instanceof Group vars && !vars.getChildren().isEmpty()) {
                        KerasOptimizerState.restore(file, model, numbered(file, vars), keras3, WEIGHTS + " " + OPTIMIZER_VARS);
                    }
                }
            } catch (HdfException e) {
                throw new ModelFormatException(file, WEIGHTS + " is not a readable HDF5 file (" + e.getMessage() + ")", e);
            }
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The datasets {@code 0}, {@code 1}, … of a group, in that order. */
    private static List<Hdf5.Array64> numbered(Path file, Group vars) throws ModelFormatException {
        List<Hdf5.Array64> values = new ArrayList<>();
        for (int i = 0; i < vars.getChildren().size(); i++) {
            if (!(Hdf5.child(vars, String.valueOf(i)) instanceof Dataset d)) {
                throw new ModelFormatException(file, WEIGHTS + " has no dataset " + vars.getPath() + i + " among the "
                        + vars.getChildren().size() + " optimizer variables");
            }
            values.add(Hdf5.read(file, d));
        }
        return values;
    }

    /** An entry's bytes, or null when absent. */
    private static byte[] entry(Path file, ZipFile zip, String name) throws ModelFormatException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new ModelFormatException(file, "entry " + name + " is damaged (" + ex.getMessage() + ")", ex);
        }
    }

    private static Map<?, ?> json(Path file, String entry, byte[] bytes) throws ModelFormatException {
        try {
            return JSON.readValue(bytes, Map.class);
        } catch (IOException e) {
            throw new ModelFormatException(file, entry + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the model as a {@code .keras} zip that Python Keras 3's {@code load_model} reads.
     *
     * @throws IllegalArgumentException naming the layer when Keras 3 cannot express it
     * @throws IOException when the file cannot be written
     */
    static void write(Model model, Path file) throws IOException {
        byte[] config;
        byte[] metadata;
        try {
            config = JSON.writeValueAsBytes(KerasModelConfig.keras3(model));
            Map<String, Object> meta = Configs.of(
                    "keras_version", KerasVersion.KERAS_3.toString(),
                    "date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
            metadata = JSON.writeValueAsBytes(meta);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the config of model " + model.getName() + " as JSON", e);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path weights = Files.createTempFile(file.toAbsolutePath().getParent(), "model", ".weights.h5");
        try {
            try (WritableHdfFile h5 = HdfFile.write(weights)) {
                KerasWeights.writeKeras3(h5, model);
                KerasOptimizerState.write(h5, model);
            }
            byte[] weightBytes = Files.readAllBytes(weights);
            AtomicFile.write(file, path -> {
                try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
                    put(zip, METADATA, metadata);
                    put(zip, CONFIG, config);
                    put(zip, WEIGHTS, weightBytes);
                }
            });
        } finally {
            Files.deleteIfExists(weights);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }
}
