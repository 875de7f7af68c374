package cthulhu.saving;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.config.KerasVersion;
import cthulhu.layers.Layer;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights in the two HDF5 layouts of Keras, in each layer's variable order:
 *
 * <ul>
 *   <li>Keras 3 ({@code model.weights.h5} of a {@code .keras} zip, {@code .weights.h5}):
 *   {@code layers/<group>/vars/0…}, where a layer's group is its Keras class name in snake case
 *   numbered among the model's layers of that class ({@code dense}, {@code dense_1}, …) and
 *   {@link Layer#kerasWeightPaths} places each variable inside it.</li>
 *   <li>Legacy ({@code model_weights} of an {@code .h5} model, or the root of a weights file):
 *   {@code layer_names} names each layer's group, whose {@code weight_names} list the datasets
 *   ({@code dense/kernel:0} in Keras 2, {@code sequential/dense/kernel} in Keras 3; a wrapper's
 *   under the wrapped layer's name, {@code bidirectional/forward_lstm/kernel}).</li>
 * </ul>
 *
 * <p>Reading checks every layer's count and shapes before any weight is set, so a mismatch
 * leaves the model untouched.
 */
final class KerasWeights {

    private KerasWeights() {
    }

    // ---- Keras 3 --------------------------------------------------------------------------------

    /**
     * Reads Keras 3's layout into the layers.
     *
     * @throws ModelFormatException naming the file, the layer and the weight for a missing weight
     *     or a shape that differs from the layer's
     */
    static void readKeras3(Path file, Group root, List<Layer> layers) throws ModelFormatException {
        Map<Layer, List<Hdf5.Array64>> values = new LinkedHashMap<>();
        List<String> groups = keras3Groups(layers);
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            List<Hdf5.Array64> arrays = new ArrayList<>();
            List<String> paths = layer.kerasWeightPaths();
            Node group = layerGroup(root, groups.get(i));
            for (int w = 0; w < paths.size(); w++) {
                String path = "layers/" + groups.get(i) + "/" + paths.get(w);
                if (!(group instanceof Group g && Hdf5.child(g, paths.get(w)) instanceof Dataset dataset)) {
                    throw new ModelFormatException(file, "weight '" + layer.variables().get(w).name() + "' of layer '"
                            + layer.getName() + "' is missing: the weights file has no dataset " + path);
                }
                arrays.add(Hdf5.read(file, dataset));
            }
            Node vars = group instanceof Group g ? Hdf5.child(g, "vars") : null;
            if (vars instanceof Group g && g.getChildren().size() > countOwnVars(paths)) {
                throw new ModelFormatException(file, "layer '" + layer.getName() + "' has " + paths.size() + " weights but the"
                        + " weights file holds " + g.getChildren().size() + " under layers/" + groups.get(i) + "/vars");
            }
            values.put(layer, arrays);
        }
        assign(file, values, "layers/<layer>/vars");
    }

    /**
     * A layer's group: {@code layers/<name>}, or the single group {@code layers\<name>} that
     * tf.keras 2.13–2.15 wrote on Windows, where its path separator became part of the name.
     */
    private static Node layerGroup(Group root, String name) {
        Node node = Hdf5.child(root, "layers/" + name);
        if (node == null && root.getChildren().containsKey("layers\\" + name)) {
            node = root.getChild("layers\\" + name);
        }
        return node;
    }

    private static long countOwnVars(List<String> paths) {
        return paths.stream().filter(p -> p.startsWith("vars/")).count();
    }

    /** Writes Keras 3's layout; layers without weights get no group (see {@link Hdf5}). */
    static void writeKeras3(WritableGroup root, List<Layer> layers) {
        List<String> groups = keras3Groups(layers);
        WritableGroup layersGroup = null;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            List<Variable> variables = layer.variables();
            if (variables.isEmpty()) {
                continue;
            }
            if (layersGroup == null) {
                layersGroup = root.putGroup("layers");
            }
            WritableGroup layerGroup = layersGroup.putGroup(groups.get(i));
            Map<String, WritableGroup> made = new HashMap<>();
            List<String> paths = layer.kerasWeightPaths();
            for (int w = 0; w < paths.size(); w++) {
                writeAt(layerGroup, made, paths.get(w), variables.get(w).value());
            }
        }
    }

    /**
     * Writes {@code value} at {@code path} ({@code cell/vars/0}) under {@code group}, making the
     * groups on the way once ({@code made} remembers them by path).
     */
    private static void writeAt(WritableGroup group, Map<String, WritableGroup> made, String path, Tensor value) {
        int slash = path.lastIndexOf('/');
        WritableGroup parent = group;
        String prefix = "";
        for (String part : slash < 0 ? new String[0] : path.substring(0, slash).split("/")) {
            prefix += "/" + part;
            WritableGroup p = parent;
            parent = made.computeIfAbsent(prefix, k -> p.putGroup(part));
        }
        Hdf5.write(parent, path.substring(slash + 1), value);
    }

    /** Each layer's group under {@code layers/}: Keras's snake-case class name, numbered per class. */
    private static List<String> keras3Groups(List<Layer> layers) {
        Map<String, Integer> used = new HashMap<>();
        List<String> groups = new ArrayList<>();
        for (Layer layer : layers) {
            String name = KerasModelConfig.kerasSnakeCase(layer.className());
            int n = used.merge(name, 1, Integer::sum) - 1;
            groups.add(n == 0 ? name : name + "_" + n);
        }
        return groups;
    }

    // ---- legacy ---------------------------------------------------------------------------------

    /**
     * Reads the legacy layout (the group holding {@code layer_names}) into the layers, matched by
     * layer name.
     *
     * @throws ModelFormatException naming the file, the layer and the weight for a missing layer
     *     group or weight, a count or a shape that differs from the layer's
     */
    static void readLegacy(Path file, Group weights, List<Layer> layers) throws ModelFormatException {
        Map<Layer, List<Hdf5.Array64>> values = new LinkedHashMap<>();
        for (Layer layer : layers) {
            int expected = layer.variables().size();
            Node node = Hdf5.child(weights, layer.getName());
            List<String> names = node == null ? null : Hdf5.strings(node, "weight_names");
            if (names == null) {
                names = List.of();
            }
            if (names.size() != expected) {
                throw new ModelFormatException(file, "layer '" + layer.getName() + "' has " + expected + " weights "
                        + layer.variables().stream().map(Variable::name).toList() + " but the file holds " + names.size()
                        + " " + names + " for it" + (node == null ? " (no group " + weights.getPath() + layer.getName() + ")" : ""));
            }
            List<Hdf5.Array64> arrays = new ArrayList<>();
            for (String name : names) {
                if (!(Hdf5.child((Group) node, name) instanceof Dataset dataset)) {
                    throw new ModelFormatException(file, "weight '" + name + "' of layer '" + layer.getName()
                            + "' is listed in weight_names but missing from the file");
                }
                arrays.add(Hdf5.read(file, dataset));
            }
            values.put(layer, arrays);
        }
        assign(file, values, "model_weights/<layer>");
    }

    /**
     * Writes the legacy layout into {@code weights}: {@code layer_names} (the layers that have
     * weights, see {@link Hdf5}), {@code backend}, {@code keras_version}, and per layer its
     * {@code weight_names} ({@code layer/variable}, {@code layer/wrapped/variable} in a wrapper)
     * and datasets.
     */
    static void writeLegacy(WritableGroup weights, List<Layer> layers) {
        List<String> names = new ArrayList<>();
        for (Layer layer : layers) {
            List<Variable> variables = layer.variables();
            if (variables.isEmpty()) {
                continue;
            }
            names.add(layer.getName());
            WritableGroup layerGroup = weights.putGroup(layer.getName());
            WritableGroup inner = layerGroup.putGroup(layer.getName());
            Map<String, WritableGroup> made = new HashMap<>();
            List<String> weightNames = new ArrayList<>();
            for (Variable v : variables) {
                // A wrapper's weights sit under the wrapped layer's name: forward_lstm/kernel.
                weightNames.add(layer.getName() + "/" + layer.weightPath(v));
                writeAt(inner, made, layer.weightPath(v), v.value());
            }
            layerGroup.putAttribute("weight_names", weightNames.toArray(String[]::new));
        }
        if (!names.isEmpty()) {
            weights.putAttribute("layer_names", names.toArray(String[]::new));
        }
        weights.putAttribute("backend", K.backend());
        weights.putAttribute("keras_version", KerasVersion.KERAS_3.toString());
    }

    // ---- both -----------------------------------------------------------------------------------

    private static void assign(Path file, Map<Layer, List<Hdf5.Array64>> values, String where) throws ModelFormatException {
        for (Map.Entry<Layer, List<Hdf5.Array64>> e : values.entrySet()) {
            Layer layer = e.getKey();
            List<Variable> variables = layer.variables();
            for (int w = 0; w < variables.size(); w++) {
                int[] shape = e.getValue().get(w).shape();
                if (!Arrays.equals(shape, variables.get(w).shape())) {
                    throw new ModelFormatException(file, "weight '" + variables.get(w).name() + "' of layer '" + layer.getName()
                            + "' has shape " + Arrays.toString(shape) + " in the file (" + where + ") but "
                            + Arrays.toString(variables.get(w).shape()) + " in the model's config");
                }
            }
        }
        try (TensorScope scope = TensorScope.open()) {
            for (Map.Entry<Layer, List<Hdf5.Array64>> e : values.entrySet()) {
                if (e.getValue().isEmpty()) {
                    continue;
                }
                List<Tensor> tensors = new ArrayList<>();
                for (Hdf5.Array64 a : e.getValue()) {
                    tensors.add(K.constant(a.dtype(), a.data(), a.shape()));
                }
                e.getKey().setWeights(tensors);
            }
        }
    }
}
