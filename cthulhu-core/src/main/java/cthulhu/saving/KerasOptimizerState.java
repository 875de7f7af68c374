package cthulhu.saving;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.layers.Layer;
import cthulhu.models.Model;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.schedules.LearningRateSchedules;
import io.jhdf.api.WritableGroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled model's optimizer state as the Keras files keep it, restored so that {@code fit}
 * continues where Keras stopped, and written to {@code .keras} so that Keras continues where
 * cthulhu stopped: the
 * step count, the learning rate and each trainable weight's slots (Adam's {@code m}, {@code v}, …).
 *
 * <p>Keras keeps {@code optimizer.variables} in order — in {@code optimizer/vars/0…} of a
 * {@code .keras} file's weights, in the datasets {@code optimizer_weights} lists in
 * {@code weight_names} of a legacy {@code .h5} file:
 * <ul>
 *   <li>Keras 3: {@code iteration}, {@code learning_rate} (absent with a schedule), then the slots
 *   of the trainable weights in Keras's layer order, each weight's slots together
 *   ({@code dense_kernel_momentum}, {@code dense_kernel_velocity}, {@code dense_bias_momentum}, …),
 *   except that RMSprop keeps each slot for all weights before the next slot, and Adam's AMSGrad
 *   maximum comes after all the others;</li>
 *   <li>Keras 2 and tf.keras: {@code iterations}, then each slot for all weights before the next
 *   slot ({@code m} of every weight, then {@code v}).</li>
 * </ul>
 */
final class KerasOptimizerState {

    private KerasOptimizerState() {
    }

    /**
     * Sets the model's optimizer state from Keras's variables, in Keras's order.
     *
     * @param where where the values are in the file, for messages
     * @throws ModelFormatException naming the file when the count or a shape differs from the
     *     state of the model's optimizer, and that loading with {@code compile = false} skips it
     */
    static void restore(Path file, Model model, List<Hdf5.Array64> values, boolean keras3, String where)
            throws ModelFormatException {
        Optimizer optimizer = model.getOptimizer();
        List<Variable> params = new ArrayList<>();
        collectTrainable(model, params);
        List<Variable> slots = slotOrder(optimizer, params, keras3);
        int prefix = values.size() - slots.size();
        if (prefix < 1 || prefix > (keras3 ? 2 : 1)) {
            throw new ModelFormatException(file, where + " holds " + values.size() + " optimizer variables, but "
                    + optimizer.className() + " keeps " + slots.size() + " state tensors for the model's " + params.size()
                    + " trainable weights, after the step count" + (keras3 ? " and learning rate" : "")
                    + "; load it with compile = false to skip the training configuration");
        }
        for (int i = 0; i < slots.size(); i++) {
            int[] shape = values.get(prefix + i).shape();
            if (!Arrays.equals(shape, slots.get(i).shape())) {
                throw new ModelFormatException(file, where + ": optimizer variable " + (prefix + i) + " has shape "
                        + Arrays.toString(shape) + " but " + optimizer.className() + "'s '" + slots.get(i).name()
                        + "' has shape " + Arrays.toString(slots.get(i).shape())
                        + "; load it with compile = false to skip the training configuration");
            }
        }
        try (TensorScope scope = TensorScope.open()) {
            for (int i = 0; i < slots.size(); i++) {
                Hdf5.Array64 a = values.get(prefix + i);
                Variable slot = slots.get(i);
                slot.assign(K.cast(K.constant(a.dtype(), a.data(), a.shape()), slot.value().dtype()));
            }
        }
        optimizer.setIterations((long) values.get(0).data()[0]);
        if (prefix == 2) {
            optimizer.setLearningRate(values.get(1).data()[0]);
        }
    }

    /**
     * Writes the model's optimizer state as Keras 3 keeps it in a {@code .keras} file's weights,
     * once the model has taken a step: {@code iteration} (int64), {@code learning_rate} (float32,
     * for a constant rate) and the slots at {@code optimizer/vars/0}, {@code 1}, …, so that Python
     * Keras continues training where cthulhu stopped.
     *
     * <p>Legacy {@code .h5} files get none: Keras 3's legacy loader builds the optimizer for the
     * model's own variables only (none for a functional model), so the state it reads fails
     * {@code set_weights} and then its first training step; without the group it trains from a
     * fresh optimizer, as it does with its own {@code .h5} files.
     */
    static void write(WritableGroup root, Model model) {
        Optimizer optimizer = model.getOptimizer();
        if (optimizer == null || optimizer.iterations() == 0) {
            return;
        }
        Map<String, WritableGroup> made = new HashMap<>();
        Hdf5.group(root, KerasArchive.OPTIMIZER_VARS, made).putDataset("0", optimizer.iterations());
        List<Variable> params = new ArrayList<>();
        collectTrainable(model, params);
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> values = new ArrayList<>();
            if (LearningRateSchedules.serialize(optimizer.learningRate()) instanceof Number) {
                values.add(K.constant(DType.FLOAT32, new double[] {optimizer.lr()}));
            }
            slotOrder(optimizer, params, true).forEach(slot -> values.add(slot.value()));
            for (int i = 0; i < values.size(); i++) {
                Hdf5.write(root, KerasArchive.OPTIMIZER_VARS + "/" + (i + 1), values.get(i), made);
            }
        }
    }

    /** The trainable weights in the order Keras builds its optimizer from: layer by layer in Keras's order. */
    private static void collectTrainable(Model model, List<Variable> out) {
        for (Layer layer : KerasGraph.of(model).layers()) {
            if (layer instanceof Model nested) {
                collectTrainable(nested, out);
            } else {
                layer.trainableVariables().stream().filter(v -> !out.contains(v)).forEach(out::add);
            }
        }
        out.retainAll(model.trainableVariables());
    }

    /** The optimizer's slots of every weight in Keras's order (see the class documentation). */
    private static List<Variable> slotOrder(Optimizer optimizer, List<Variable> params, boolean keras3) {
        int k = params.isEmpty() ? 0 : optimizer.stateOf(params.get(0)).size();
        List<List<Integer>> groups = new ArrayList<>();
        boolean together = keras3 && !optimizer.className().equals("RMSprop");
        boolean amsgrad = keras3 && k == 3 && (optimizer.className().equals("Adam") || optimizer.className().equals("AdamW"));
        if (together) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < (amsgrad ? 2 : k); i++) {
                all.add(i);
            }
            groups.add(all);
            if (amsgrad) {
                groups.add(List.of(2));
            }
        } else {
            for (int i = 0; i < k; i++) {
                groups.add(List.of(i));
            }
        }
        List<Variable> slots = new ArrayList<>();
        for (List<Integer> group : groups) {
            for (Variable p : params) {
                for (int i : group) {
                    slots.add(optimizer.stateOf(p).get(i));
                }
            }
        }
        return slots;
    }
}
