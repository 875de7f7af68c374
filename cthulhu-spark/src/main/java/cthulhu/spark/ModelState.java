package cthulhu.spark;

import cthulhu.backend.K;
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
 * trainable variable. The driver ships them as {@code double[][]}; a task or the driver writes
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

    /** Copies of the current values, as row-major doubles. */
    static double[][] capture(Sequential model, boolean withOptimizer) {
        return values(model, withOptimizer).stream().map(Tensor::toDoubleArray).toArray(double[][]::new);
    }

    /** Sets every variable of {@link #variables} from {@code values}, each in its own dtype. */
    static void restore(Sequential model, double[][] values, boolean withOptimizer) {
        List<Variable> vars = variables(model, withOptimizer);
        if (vars.size() != values.length) {
            throw new IllegalStateException("The model " + model.getName() + " has " + vars.size()
                    + " variables here but " + values.length + " values were shipped; the driver and executors disagree on its architecture");
        }
        try (TensorScope scope = TensorScope.open()) {
            for (int i = 0; i < values.length; i++) {
                Variable v = vars.get(i);
                v.assign(K.constant(v.value().dtype(), values[i], v.shape()));
            }
        }
    }
}
