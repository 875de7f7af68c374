package cthulhu.saving;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.config.KerasVersion;
import cthulhu.layers.Layer;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights in the two HDF5 layouts of Keras, in each layer's variable order:
 *
 * <ul>
 *   <li>Keras 3 ({@code model.weights.h5} of a {@code .keras} zip, {@code .weights.h5}):
 *   {@code layers/<group>/vars/0…}, where a layer's group is its Keras class name in snake case
 *   numbered among the model's layers of that class in Keras's order ({@code dense},
 *   {@code dense_1}, …; a nested model's layers under {@code layers/sequential/layers/…}) and
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

    /** A layer with weights of its own and its group in a Keras 3 weights file ({@code layers/dense}, {@code layers/sequential/layers/dense}). */
    private record Placed(Layer layer, String group) {
    }

    /**
     * Every layer of the model that is not itself a model, with its group: each layer's group is
     * its Keras class name in snake case, numbered among the layers of that class in its model in
     * Keras's order ({@link KerasGraph}); a nested model's layers are under its group's {@code layers/}.
     */
    private static List<Placed> placed(Model model) {
        List<Placed> out = new ArrayList<>();
        place(model, "layers/", out);
        return out;
    }

    private static void place(Model model, String prefix, List<Placed> out) {
        Map<String, Integer> used = new HashMap<>();
        for (Layer layer : KerasGraph.of(model).layers()) {
            String name = KerasModelConfig.kerasSnakeCase(layer instanceof Sequential ? "Sequential"
                    : layer instanceof Model ? "Functional" : layer.className());
            int n = used.merge(name, 1, Integer::sum) - 1;
            String group = prefix + (n == 0 ? name : name + "_" + n);
            if (layer instanceof Model nested) {
                place(nested, group + "/layers/", out);
            } else {
                out.add(new Placed(layer, group));
            }
        }
    }

    /**
     * Reads Keras 3's layout into the model's layers.
     *
     * @throws ModelFormatException naming the file, the layer and the weight for a missing weight
     *     or a shape that differs from the layer's
     */
    static void readKeras3(Path file, Group root, Model model) throws ModelFormatException {
        Map<Layer, List<Hdf5.Array64>> values = new LinkedHashMap<>();
        for (Placed p : placed(model)) {
            Layer layer = p.layer();
            List<Hdf5.Array64> arrays = new ArrayList<>();
            List<String> paths = layer.kerasWeightPaths();
            Node group = layerGroup(root, p.group());
            for (int w = 0; w < paths.size(); w++) {
                String path = p.group() + "/" + paths.get(w);
                if (!(group instanceof Group g && Hdf5.child(g, paths.get(w)) instanceof Dataset dataset)) {
                    throw new ModelFormatException(file, "weight '" + layer.variables().get(w).name() + "' of layer '"
                            + layer.getName() + "' is missing: the weights file has no dataset " + path);
                }
                arrays.add(Hdf5.read(file, dataset));
            }
            Node vars = group instanceof Group g ? Hdf5.child(g, "vars") : null;
            if (vars instanceof Group g && g.getChildren().size() > countOwnVars(paths)) {
                throw new ModelFormatException(file, "layer '" + layer.getName() + "' has " + paths.size() + " weights but the"
                        + " weights file holds " + g.getChildren().size() + " under " + p.group() + "/vars");
            }
            values.put(layer, arrays);
        }
        assign(file, values, "layers/<layer>/vars");
    }

    /**
     * A layer's group: {@code layers/<name>}, or the single group {@code layers\<name>} that
     * tf.keras 2.13–2.15 wrote on Windows, where its path separator became part of the name.
     */
    private static Node layerGroup(Group root, String path) {
        Node node = Hdf5.child(root, path);
        String windows = path.replaceFirst("^layers/", "layers\\\\");
        if (node == null && root.getChildren().containsKey(windows)) {
            node = root.getChild(windows);
        }
        return node;
    }

    private static long countOwnVars(List<String> paths) {
        return paths.stream().filter(p -> p.startsWith("vars/")).count();
    }

    /** Writes Keras 3's layout; layers without weights get no group (see {@link Hdf5}). */
    static void writeKeras3(WritableGroup root, Model model) {
        Map<String, WritableGroup> made = new HashMap<>();
        for (Placed p : placed(model)) {
            List<Variable> variables = p.layer().variables();
            List<String> paths = p.layer().kerasWeightPaths();
            for (int w = 0; w < variables.size(); w++) {
                Hdf5.write(root, p.group() + "/" + paths.get(w), variables.get(w).value(), made);
            }
        }
    }

    // ---- legacy ---------------------------------------------------------------------------------

    /**
     * A layer's variables in the order Keras's legacy HDF5 lists them ({@code layer.weights} of
     * Keras 2, {@code _legacy_weights} of Keras 3): the trainable ones, then the others. For a
     * layer this is its own order; for a nested model it moves, say, batch normalization's moving
     * statistics after every trainable weight.
     */
    private static List<Variable> legacyOrder(Layer layer) {
        List<Variable> order = new ArrayList<>(layer.trainableVariables());
        layer.variables().stream().filter(v -> !order.contains(v)).forEach(order::add);
        return order;
    }

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
            List<Variable> order = legacyOrder(layer);
            Node node = Hdf5.child(weights, layer.getName());
            List<String> names = node == null ? null : Hdf5.strings(node, "weight_names");
            if (names == null) {
                names = List.of();
            }
            if (names.size() != order.size()) {
                throw new ModelFormatException(file, "layer '" + layer.getName() + "' has " + order.size() + " weights "
                        + order.stream().map(Variable::name).toList() + " but the file holds " + names.size()
                        + " " + names + " for it" + (node == null ? " (no group " + weights.getPath() + layer.getName() + ")" : ""));
            }
            Map<Variable, Hdf5.Array64> byVariable = new HashMap<>();
            for (int w = 0; w < names.size(); w++) {
                if (!(Hdf5.child((Group) node, names.get(w)) instanceof Dataset dataset)) {
                    throw new ModelFormatException(file, "weight '" + names.get(w) + "' of layer '" + layer.getName()
                            + "' is listed in weight_names but missing from the file");
                }
                byVariable.put(order.get(w), Hdf5.read(file, dataset));
            }
            values.put(layer, layer.variables().stream().map(byVariable::get).toList());
        }
        assign(file, values, "model_weights/<layer>");
    }

    /**
     * Writes the legacy layout into {@code weights}: {@code layer_names} (the layers that have
     * weights, in Keras's order, by which Keras matches them; see {@link Hdf5}), {@code backend},
     * {@code keras_version}, and per layer its {@code weight_names} ({@code layer/variable},
     * {@code model/layer/variable} inside a nested model, {@code layer/wrapped/variable} in a
     * wrapper) and datasets.
     */
    static void writeLegacy(WritableGroup weights, Model model) {
        List<String> names = new ArrayList<>();
        for (Layer layer : KerasGraph.of(model).layers()) {
            if (layer.variables().isEmpty()) {
                continue;
            }
            names.add(layer.getName());
            WritableGroup layerGroup = weights.putGroup(layer.getName());
            Map<Variable, String> paths = legacyPaths(layer);
            Map<String, WritableGroup> made = new HashMap<>();
            List<String> weightNames = new ArrayList<>();
            for (Variable v : legacyOrder(layer)) {
                weightNames.add(paths.get(v));
                Hdf5.write(layerGroup, paths.get(v), v.value(), made);
            }
            layerGroup.putAttribute("weight_names", weightNames.toArray(String[]::new));
        }
        if (!names.isEmpty()) {
            weights.putAttribute("layer_names", names.toArray(String[]::new));
        }
        weights.putAttribute("backend", K.backend());
        weights.putAttribute("keras_version", KerasVersion.KERAS_3.toString());
    }

    /** Each variable's path under its top layer's group: {@code dense/kernel}, or {@code encoder/dense/kernel} in a nested model. */
    private static Map<Variable, String> legacyPaths(Layer layer) {
        Map<Variable, String> paths = new IdentityHashMap<>();
        if (layer instanceof Model model) {
            ModelIO.weightPaths(model).forEach((v, path) -> paths.put(v, layer.getName() + "/" + path));
        } else {
            // A wrapper's weights sit under the wrapped layer's name: forward_lstm/kernel.
            layer.variables().forEach(v -> paths.put(v, layer.getName() + "/" + layer.weightPath(v)));
        }
        return paths;
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
