package cthulhu.saving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.config.Configs;
import cthulhu.config.KerasObjects;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import cthulhu.losses.Losses;
import cthulhu.losses.Loss;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.Optimizers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Saves and loads a {@link Model} (functional or {@link Sequential}) as one zip archive (conventionally
 * {@code model.cthulhu}) holding two or three entries:
 *
 * <dl>
 *   <dt>{@value #ARCHITECTURE}</dt>
 *   <dd>The architecture as Keras-style JSON:
 *   {@code {"class_name": "Sequential", "config": {"name": …, "layers": [{"class_name": "Dense",
 *   "config": {…}}, …], "build_input_shape": [null, 64]}, "backend": "pure", "training_config":
 *   {"optimizer_config": {"class_name": "adam", "config": {…}}, "loss": …, "metrics": […]}}}; a
 *   functional model's {@code config} holds Keras's {@code layers} with their {@code inbound_nodes},
 *   {@code input_layers} and {@code output_layers} instead ({@link Model#getConfig}), and models
 *   nest as layers. Several outputs save {@code loss}, {@code loss_weights} and {@code metrics} as
 *   lists or maps by output name, as they were compiled.
 *   Layers are written by {@link Layers#serialize} and rebuilt by {@link Layers#deserialize}, so
 *   custom activations, initializers and layers load when registered by name.
 *   {@code training_config} is present when the model was compiled.</dd>
 *   <dt>{@value #WEIGHTS}</dt>
 *   <dd>The weights, in the order of {@link Model#variables()}, in this binary format (all
 *   integers and floats big-endian):
 *   <pre>
 *   magic      4 bytes   "CTHW" (0x43 0x54 0x48 0x57)
 *   version    int32     1
 *   count      int32     number of weights
 *   count times:
 *     name     uint16 length + modified UTF-8 (Java's DataOutput.writeUTF), e.g. "dense_1/kernel:0"
 *              (a nested model's layers prefixed by its name: "encoder/dense_1/kernel:0")
 *     dtype    uint8     0 = float32, 1 = float64
 *     rank     int32, then rank × int32 dimensions
 *     data     product(dimensions) IEEE-754 values of the dtype, row-major
 *   checksum   int64     CRC-32 of every preceding byte of the entry
 *   </pre></dd>
 *   <dt>{@value #OPTIMIZER}</dt>
 *   <dd>Present once the model has taken a training step: the optimizer's state in the same
 *   format, so that training resumes where it stopped (Keras's {@code include_optimizer}): first
 *   the step count as a float64 scalar named {@code iterations}, then each trainable weight's
 *   slots (e.g. Adam's {@code m}, {@code v}) in the order of the trainable weights, named
 *   {@code layer/weight/slot:0}.</dd>
 * </dl>
 *
 * <p>A single file rather than a directory so that saving can replace it atomically: the archive
 * is written to a temporary file beside the target, then renamed over it, so a reader never sees
 * a half-written model. Loading refuses, with a {@link ModelFormatException} naming the file and
 * the problem, an archive that is damaged (not a zip, missing entry, bad magic, unknown version,
 * truncated, checksum mismatch, malformed JSON) or whose weights do not match the architecture
 * (count, shape).
 */
public final class ModelIO {

    /** The name of the architecture entry. */
    public static final String ARCHITECTURE = "model.json";
    /** The name of the weights entry. */
    public static final String WEIGHTS = "weights.bin";
    /** The name of the optimizer-state entry, present once the saved model had taken a training step. */
    public static final String OPTIMIZER = "optimizer.bin";
    /** The first four bytes of the weights entry: {@code "CTHW"}. */
    public static final int MAGIC = 0x43544857;
    /** The version of the weights format written. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** What a JSON object reads as: its members, in order. */
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private ModelIO() {
    }

    // ---- saving -----------------------------------------------------------------------------

    /**
     * Writes the model to {@code path} atomically (a temporary file in the same directory, then
     * a rename), creating the parent directories.
     *
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException when a layer, loss or optimizer cannot be serialized by name
     */
    public static void save(Model model, Path path) throws IOException {
        byte[] architecture = JSON.writeValueAsBytes(architecture(model));
        byte[] weights = encode(modelWeights(model));
        List<Tensor> owned = new ArrayList<>();
        byte[] optimizer;
        try {
            Map<String, Tensor> state = optimizerState(model, owned);
            optimizer = state.isEmpty() ? null : encode(state);
        } finally {
            owned.forEach(Tensor::close);
        }
        AtomicFile.write(path, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.putNextEntry(new ZipEntry(ARCHITECTURE));
                zip.write(architecture);
                zip.closeEntry();
                putStored(zip, WEIGHTS, weights);
                if (optimizer != null) {
                    putStored(zip, OPTIMIZER, optimizer);
                }
            }
        });
    }

    /**
     * The architecture and training configuration as the JSON text of {@value #ARCHITECTURE}
     * (Keras's {@code model.to_json()}).
     *
     * @throws IllegalArgumentException when a layer, loss or optimizer cannot be serialized by name
     */
    public static String toJson(Model model) {
        try {
            return JSON.writeValueAsString(architecture(model));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the architecture of model " + model.getName() + " as JSON", e);
        }
    }

    /**
     * A new model with freshly initialized weights from JSON written by {@link #toJson} (Keras's
     * {@code model_from_json}), compiled when the JSON holds a training configuration.
     *
     * @throws IllegalArgumentException when the JSON is malformed or names a layer, activation,
     *     loss or optimizer unknown here, saying which
     */
    public static Model fromJson(String json) {
        return fromJson(json, Model.class);
    }

    /**
     * As {@link #fromJson(String)}, requiring a model of {@code type}.
     *
     * @throws IllegalArgumentException also when the JSON holds another kind of model
     */
    public static <T extends Model> T fromJson(String json, Class<T> type) {
        Map<String, Object> root;
        try {
            root = JSON.readValue(json, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a model's JSON: " + e.getOriginalMessage(), e);
        }
        T model = rebuild(root, type);
        try {
            compile(model, root);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** The architecture and training configuration as a JSON-ready map. */
    public static Map<String, Object> architecture(Model model) {
        Map<String, Object> root = new LinkedHashMap<>(Layers.serialize(model));
        root.put("backend", K.backend());
        if (model.getLossSpec() != null) {
            Optimizer optimizer = model.getOptimizer();
            Map<String, Object> training = Configs.of(
                    "optimizer_config", KerasObjects.serialize(Optimizers.serialize(optimizer), optimizer.getConfig()),
                    "loss", lossNames(model.getLossSpec(), Losses::serializeConfig));
            if (model.getLossWeightSpec() != null) {
                training.put("loss_weights", model.getLossWeightSpec());
            }
            training.put("metrics", model.getMetricSpec());
            root.put("training_config", training);
        }
        return root;
    }

    /**
     * The losses as compiled, each written by {@code each} (here {@link Losses#serializeConfig}: a
     * name, or a Keras 3 loss config for a loss with options): one, a list, or a map of output
     * names to them.
     */
    static Object lossNames(Object spec, Function<Loss, Object> each) {
        if (spec instanceof Loss loss) {
            return each.apply(loss);
        }
        if (spec instanceof List<?> list) {
            return list.stream().map(l -> each.apply((Loss) l)).toList();
        }
        Map<String, Object> names = new LinkedHashMap<>();
        ((Map<?, ?>) spec).forEach((k, v) -> names.put((String) k, each.apply((Loss) v)));
        return names;
    }

    /**
     * The path of each variable of the model, as the weights entry names it: the path of the layer
     * that owns it ({@code dense_1}, or {@code encoder/dense_1} inside a nested model) and the
     * variable's path within that layer ({@link Layer#weightPath}: {@code kernel}, or
     * {@code forward_lstm/kernel} in a wrapper).
     */
    static Map<Variable, String> weightPaths(Model model) {
        Map<Variable, String> paths = new IdentityHashMap<>();
        for (Layer l : model.getLayers()) {
            if (l instanceof Model nested) {
                weightPaths(nested).forEach((v, path) -> paths.putIfAbsent(v, l.getName() + "/" + path));
            } else {
                l.variables().forEach(v -> paths.putIfAbsent(v, l.getName() + "/" + l.weightPath(v)));
            }
        }
        return paths;
    }

    /** The model's weights in the order of {@link Model#variables()}, named {@code layer/weight:0}. */
    private static Map<String, Tensor> modelWeights(Model model) {
        Map<Variable, String> paths = weightPaths(model);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Variable v : model.variables()) {
            weights.put(paths.get(v) + ":0", v.value());
        }
        return weights;
    }

    /**
     * The optimizer's step count (as a float64 scalar named {@code iterations}) and its state for
     * each trainable variable in order, named {@code layer/weight/slot:0}; empty before the first step.
     */
    private static Map<String, Tensor> optimizerState(Model model, List<Tensor> owned) {
        Optimizer optimizer = model.getOptimizer();
        Map<String, Tensor> state = new LinkedHashMap<>();
        if (optimizer == null || optimizer.iterations() == 0) {
            return state;
        }
        // Owned by the caller, who closes it, not by a scope that may be open around save.
        Tensor iterations = TensorScope.detach(K.constant(DType.FLOAT64, new double[] {optimizer.iterations()}));
        owned.add(iterations);
        state.put("iterations", iterations);
        Map<Variable, String> paths = weightPaths(model);
        for (Variable v : model.trainableVariables()) {
            for (Variable slot : optimizer.stateOf(v)) {
                // The slot is named after its variable ("kernel/m"): the slot's part follows the variable's path.
                state.put(paths.get(v) + slot.name().substring(v.name().length()) + ":0", slot.value());
            }
        }
        return state;
    }

    /** A weights entry: see the class documentation. */
    private static byte[] encode(Map<String, Tensor> weights) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(weights.size());
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            Tensor t = e.getValue();
            out.writeUTF(e.getKey());
            out.writeByte(t.dtype() == DType.FLOAT64 ? 1 : 0);
            int[] shape = t.shape();
            out.writeInt(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            ByteBuffer data;
            if (t.dtype() == DType.FLOAT64) {
                double[] values = t.toDoubleArray();
                data = ByteBuffer.allocate(values.length * Double.BYTES);
                data.asDoubleBuffer().put(values);
            } else {
                float[] values = t.toFloatArray();
                data = ByteBuffer.allocate(values.length * Float.BYTES);
                data.asFloatBuffer().put(values);
            }
            out.write(data.array());
        }
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * Writes {@code bytes} as an uncompressed entry: weights hardly deflate (a few per cent), and
     * deflating and inflating them took most of the time of saving and loading a model.
     */
    private static void putStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    // ---- loading ----------------------------------------------------------------------------

    /**
     * Reads a model written by {@link #save}: rebuilds the layers, checks and sets the weights,
     * compiles it with the saved training configuration if there is one, and restores the
     * optimizer's state if it was saved.
     *
     * @throws ModelFormatException naming the file and the problem when it is damaged or
     *     mismatched, or its architecture names a layer, activation, loss or optimizer unknown here
     * @throws IOException when the file cannot be read
     */
    public static Model load(Path path) throws IOException {
        return load(path, Model.class);
    }

    /**
     * As {@link #load(Path)}, requiring a model of {@code type}.
     *
     * @throws ModelFormatException also when the file holds another kind of model
     */
    public static <T extends Model> T load(Path path, Class<T> type) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null,
                    "no saved model there; save one with model.save(path)");
        }
        byte[] architectureBytes;
        byte[] weightBytes;
        byte[] optimizerBytes = null;
        try (ZipFile zip = new ZipFile(path.toFile())) {
            architectureBytes = entry(zip, path, ARCHITECTURE);
            weightBytes = entry(zip, path, WEIGHTS);
            if (zip.getEntry(OPTIMIZER) != null) {
                optimizerBytes = entry(zip, path, OPTIMIZER);
            }
        } catch (ZipException e) {
            throw new ModelFormatException(path, "the file is damaged or not a cthulhu model archive (" + e.getMessage() + ")", e);
        }
        Map<String, Object> root;
        try {
            root = JSON.readValue(architectureBytes, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(path, ARCHITECTURE + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        List<SavedWeight> weights = decode(path, WEIGHTS, weightBytes);
        List<SavedWeight> optimizerState = optimizerBytes == null ? List.of() : decode(path, OPTIMIZER, optimizerBytes);
        T model;
        try {
            model = rebuild(root, type);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new ModelFormatException(path, "its architecture cannot be rebuilt: " + e.getMessage(), e);
        }
        try {
            setWeights(path, model, weights);
            compile(model, root);
            if (!optimizerState.isEmpty()) {
                restoreOptimizer(path, model, optimizerState);
            }
        } catch (IllegalArgumentException e) {
            model.close();
            throw new ModelFormatException(path, "its training configuration cannot be restored: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static byte[] entry(ZipFile zip, Path path, String name) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new ModelFormatException(path, "the archive has no entry '" + name + "'; it was not written by Model.save");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        } catch (ZipException ex) {
            throw new ModelFormatException(path, "entry '" + name + "' is damaged (" + ex.getMessage() + ")", ex);
        }
    }

    /** One weight as read from the file. */
    private record SavedWeight(String name, DType dtype, int[] shape, double[] data) {
    }

    private static List<SavedWeight> decode(Path path, String entry, byte[] bytes) throws ModelFormatException {
        if (bytes.length < 4) {
            throw new ModelFormatException(path, entry + " is truncated: " + bytes.length + " bytes, too short for a header");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new ModelFormatException(path, String.format("%s has a bad magic number 0x%08X (expected 0x%08X, \"CTHW\");"
                        + " the file is damaged or not a cthulhu weights file", entry, magic, MAGIC));
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new ModelFormatException(path, entry + " has format version " + version + ", but this cthulhu reads version "
                        + VERSION + "; load it with the cthulhu version that saved it");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new ModelFormatException(path, entry + " is damaged: negative weight count " + count);
            }
            List<SavedWeight> weights = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int code = in.readUnsignedByte();
                if (code > 1) {
                    throw new ModelFormatException(path, entry + " is damaged: weight '" + name + "' has unknown dtype code " + code);
                }
                DType dtype = code == 1 ? DType.FLOAT64 : DType.FLOAT32;
                int rank = in.readInt();
                if (rank < 0 || rank > 32) {
                    throw new ModelFormatException(path, entry + " is damaged: weight '" + name + "' has rank " + rank);
                }
                int[] shape = new int[rank];
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readInt();
                    if (shape[d] < 0) {
                        throw new ModelFormatException(path, entry + " is damaged: weight '" + name + "' has dimension " + shape[d]);
                    }
                    size *= shape[d];
                }
                long bytesNeeded = size * (dtype == DType.FLOAT64 ? 8 : 4);
                if (bytesNeeded > in.available()) {
                    throw new ModelFormatException(path, entry + " is truncated: weight '" + name + "' of shape "
                            + Arrays.toString(shape) + " needs " + bytesNeeded + " bytes but only " + in.available() + " remain");
                }
                byte[] raw = new byte[(int) bytesNeeded];
                in.readFully(raw);
                double[] data = new double[(int) size];
                if (dtype == DType.FLOAT64) {
                    ByteBuffer.wrap(raw).asDoubleBuffer().get(data);
                } else {
                    FloatBuffer floats = ByteBuffer.wrap(raw).asFloatBuffer();
                    for (int k = 0; k < data.length; k++) {
                        data[k] = floats.get(k);
                    }
                }
                weights.add(new SavedWeight(name, dtype, shape, data));
            }
            int payload = bytes.length - in.available();
            long stored = in.readLong();
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, payload);
            if (stored != crc.getValue()) {
                throw new ModelFormatException(path, String.format("%s fails its checksum (stored CRC-32 %08X, computed %08X);"
                        + " the file is damaged", entry, stored, crc.getValue()));
            }
            if (in.available() > 0) {
                throw new ModelFormatException(path, entry + " is damaged: " + in.available() + " unexpected bytes after the checksum");
            }
            return weights;
        } catch (EOFException e) {
            throw new ModelFormatException(path, entry + " is truncated: it ends before its checksum", e);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException(path, entry + " is damaged: " + e.getMessage(), e);
        }
    }

    /** The model of a JSON root {@code {"class_name", "config"}}, which must be of {@code type}. */
    private static <T extends Model> T rebuild(Map<String, Object> root, Class<T> type) {
        Object className = root.get("class_name");
        if (!(className instanceof String) || !(root.get("config") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a model needs a string 'class_name' and an object 'config', got class_name "
                    + className);
        }
        Layer layer = Layers.deserialize(root);
        if (!type.isInstance(layer)) {
            layer.close();
            throw new IllegalArgumentException("class_name is " + className + ", which is not a " + type.getSimpleName()
                    + (layer instanceof Model ? "; load it with Model.load" : "; only models load"));
        }
        return type.cast(layer);
    }

    /**
     * A Sequential model from its Keras configuration ({@code name}, {@code layers},
     * {@code build_input_shape}); the factory of class {@code Sequential} in {@link Layers}.
     *
     * @throws IllegalArgumentException when the configuration is malformed or names an unknown layer
     */
    public static Sequential sequentialFromConfig(Map<String, Object> config) {
        if (!(config.get("layers") instanceof List<?> layers)) {
            throw new IllegalArgumentException("'config' must be an object with a 'layers' list");
        }
        Object name = config.get("name");
        Sequential model = name instanceof String s ? new Sequential(s) : new Sequential();
        try {
            for (Object layerConfig : layers) {
                if (!(layerConfig instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("each layer must be an object {\"class_name\", \"config\"}, got " + layerConfig);
                }
                model.add(Layers.deserialize(map));
            }
            if (!model.isBuilt()) {
                if (!(config.get("build_input_shape") instanceof List<?> shape) || shape.isEmpty()) {
                    throw new IllegalArgumentException("the first layer declares no input shape and 'build_input_shape' is missing");
                }
                int[] sample = new int[shape.size() - 1];
                for (int i = 1; i < shape.size(); i++) {
                    sample[i - 1] = shape.get(i) == null ? -1 : ((Number) shape.get(i)).intValue();
                }
                model.build(sample);
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * A functional model from its Keras configuration: {@code layers} (each with {@code name},
     * {@code class_name}, {@code config} and {@code inbound_nodes}), {@code input_layers} and
     * {@code output_layers}. Layers are rebuilt through {@link Layers}, then called on their
     * inbound nodes in dependency order, as Keras's {@code from_config} does; the factory of
     * classes {@code Model} and {@code Functional} in {@link Layers}.
     *
     * @throws IllegalArgumentException when the configuration is malformed, names a layer twice or
     *     a layer or node that does not exist, or its nodes depend on each other in a cycle
     */
    public static Model functionalFromConfig(Map<String, Object> config) {
        return GraphConfig.build(config, Layers::deserialize, true);
    }

    private static void setWeights(Path path, Model model, List<SavedWeight> saved) throws ModelFormatException {
        List<Variable> variables = model.variables();
        List<String> expected = new ArrayList<>(modelWeights(model).keySet());
        if (saved.size() != variables.size()) {
            throw new ModelFormatException(path, "its architecture has " + variables.size() + " weights " + expected + " but "
                    + WEIGHTS + " holds " + saved.size() + " " + saved.stream().map(SavedWeight::name).toList());
        }
        for (int i = 0; i < saved.size(); i++) {
            SavedWeight w = saved.get(i);
            if (!Arrays.equals(w.shape(), variables.get(i).shape())) {
                throw new ModelFormatException(path, "weight " + (i + 1) + " '" + w.name() + "' has shape " + Arrays.toString(w.shape())
                        + " in " + WEIGHTS + " but the architecture's '" + expected.get(i) + "' has shape "
                        + Arrays.toString(variables.get(i).shape()));
            }
        }
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> tensors = new ArrayList<>();
            for (SavedWeight w : saved) {
                tensors.add(K.constant(w.dtype(), w.data(), w.shape()));
            }
            model.setWeights(tensors);
        }
    }

    private static void restoreOptimizer(Path path, Model model, List<SavedWeight> saved) throws ModelFormatException {
        Optimizer optimizer = model.getOptimizer();
        if (optimizer == null) {
            throw new ModelFormatException(path, "it holds " + OPTIMIZER + " but no training_config to rebuild the optimizer from");
        }
        SavedWeight iterations = saved.get(0);
        if (!iterations.name().equals("iterations") || iterations.shape().length != 0) {
            throw new ModelFormatException(path, OPTIMIZER + " must start with the scalar 'iterations', found '"
                    + iterations.name() + "' of shape " + Arrays.toString(iterations.shape()));
        }
        List<Variable> params = model.trainableVariables();
        int expected = 0;
        for (Variable v : params) {
            expected += optimizer.stateOf(v).size();
        }
        if (saved.size() - 1 != expected) {
            throw new ModelFormatException(path, OPTIMIZER + " holds " + (saved.size() - 1) + " state tensors but "
                    + optimizer.className() + " keeps " + expected + " for this model's " + params.size() + " trainable weights");
        }
        List<Variable> slots = new ArrayList<>();
        params.forEach(v -> slots.addAll(optimizer.stateOf(v)));
        for (int i = 0; i < slots.size(); i++) {
            SavedWeight w = saved.get(i + 1);
            if (!Arrays.equals(w.shape(), slots.get(i).shape())) {
                throw new ModelFormatException(path, OPTIMIZER + ": state '" + w.name() + "' has shape "
                        + Arrays.toString(w.shape()) + " but " + optimizer.className() + "'s '" + slots.get(i).name()
                        + "' has shape " + Arrays.toString(slots.get(i).shape()));
            }
        }
        try (TensorScope scope = TensorScope.open()) {
            for (int i = 0; i < slots.size(); i++) {
                SavedWeight w = saved.get(i + 1);
                Variable slot = slots.get(i);
                slot.assign(K.cast(K.constant(w.dtype(), w.data(), w.shape()), slot.value().dtype()));
            }
        }
        optimizer.setIterations((long) iterations.data()[0]);
    }

    private static void compile(Model model, Map<String, Object> root) {
        if (!(root.get("training_config") instanceof Map<?, ?> training)) {
            return;
        }
        Object loss = training.get("loss");
        if (!(training.get("optimizer_config") instanceof Map<?, ?> optimizerConfig)
                || !(optimizerConfig.get("class_name") instanceof String optimizerName)
                || !(loss instanceof String || loss instanceof List<?> || loss instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("'training_config' needs 'optimizer_config' {class_name, config} and a 'loss'"
                    + " (a name or loss config, a list of them or a map of output names to them)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> hyper = optimizerConfig.get("config") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Optimizer optimizer = Optimizers.deserialize(optimizerName, hyper);
        Object weights = training.get("loss_weights");
        Object metrics = training.get("metrics");
        boolean single = loss instanceof String || loss instanceof Map<?, ?> m && m.containsKey("class_name");
        if (single && !(weights instanceof Map<?, ?>) && !(metrics instanceof Map<?, ?>)) {
            if (weights == null) {
                model.compile(optimizer, Losses.deserialize(loss), strings(metrics).toArray(String[]::new));
            } else {
                model.compile(optimizer, model.outputs().stream().map(o -> Losses.deserialize(loss)).toList(), doubles(weights),
                        strings(metrics).toArray(String[]::new));
            }
        } else if (loss instanceof List<?> names && !(weights instanceof Map<?, ?>) && !(metrics instanceof Map<?, ?>)) {
            model.compile(optimizer, names.stream().map(Losses::deserialize).toList(),
                    weights == null ? null : doubles(weights), strings(metrics).toArray(String[]::new));
        } else {
            List<String> outputs = model.outputs().stream().map(s -> s.layer().getName()).toList();
            Map<String, Loss> losses = new LinkedHashMap<>();
            Map<String, Double> lossWeights = new LinkedHashMap<>();
            Map<String, List<String>> outputMetrics = new LinkedHashMap<>();
            for (int k = 0; k < outputs.size(); k++) {
                String o = outputs.get(k);
                Object l = loss instanceof Map<?, ?> map ? map.get(o) : loss instanceof List<?> list ? list.get(k) : loss;
                if (l != null) {
                    losses.put(o, Losses.deserialize(l));
                }
                Object w = weights instanceof Map<?, ?> map ? map.get(o) : weights instanceof List<?> list ? list.get(k) : null;
                if (w != null) {
                    lossWeights.put(o, ((Number) w).doubleValue());
                }
                Object ms = metrics instanceof Map<?, ?> map ? map.get(o) : metrics;
                outputMetrics.put(o, strings(ms));
            }
            model.compile(optimizer, losses, lossWeights, outputMetrics);
        }
    }

    private static List<String> strings(Object list) {
        return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private static List<Double> doubles(Object list) {
        if (!(list instanceof List<?> l)) {
            throw new IllegalArgumentException("'loss_weights' must be a list of numbers or a map of output names to numbers, got " + list);
        }
        return l.stream().map(v -> ((Number) v).doubleValue()).toList();
    }
}
