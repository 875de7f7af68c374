package cthulhu.spark;

import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's variables — and, for parameter averaging, its optimizer's per-variable state — as
 * one list in a fixed order: every variable of every layer, then the optimizer's slots of each
 * trainable variable. The driver ships them as {@link Blocks}; a task or the driver writes
 * them back with {@link #restore}.
 */
final class ModelState {

    private ModelState() {
    }

    /** The live variables in order (the optimizer's slots are created, as zeros, if not yet there). */
    static List<Variable> variables(Sequential model, boolean withOptimizer) {
        List<Variable> all = new ArrayList<>(model.variables());
        if (withOptimizer) {
            Optimizer optimizer = model.getOptimizer();
            for (Variable v : model.trainableVariables()) {
                all.addAll(optimizer.stateOf(v));
            }
        }
        return all;
    }

    /** The current values of {@link #variables}. */
    static List<Tensor> values(Sequential model, boolean withOptimizer) {
        return variables(model, withOptimizer).stream().map(Variable::value).toList();
    }

    /** Copies of the current values, row-major (as floats for a float32 model). */
    static Blocks capture(Sequential model, boolean withOptimizer) {
        return Blocks.of(values(model, withOptimizer), 1);
    }

    /** Sets every variable of {@link #variables} from {@code values}, each in its own dtype. */
    static void restore(Sequential model, Blocks values, boolean withOptimizer) {
        List<Variable> vars = variables(model, withOptimizer);
        if (vars.size() != values.size()) {
            throw new IllegalStateException("The model " + model.getName() + " has " + vars.size()
                    + " variables here but " + values.size() + " values were shipped; the driver and executors disagree on its architecture");
        }
        try (TensorScope scope = TensorScope.open()) {
            for (int i = 0; i < values.size(); i++) {
                Variable v = vars.get(i);
                v.assign(values.tensor(i, v.value().dtype(), v.shape()));
            }
        }
    }
}
