package cthulhu.layers;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.CellActivation;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.initializers.Initializer;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras's {@code LSTM}, long short-term memory (Hochreiter &amp; Schmidhuber, 1997). With the
 * gates in Keras's order {@code i, f, c, o} side by side in the weights, {@code σ} the recurrent
 * activation (Keras 2.2.4's default {@code hard_sigmoid}) and {@code act} the activation
 * ({@code tanh}):
 * <pre>
 * i = σ(x·W_i + h·U_i + b_i)      f = σ(x·W_f + h·U_f + b_f)
 * c' = f·c + i·act(x·W_c + h·U_c + b_c)
 * o = σ(x·W_o + h·U_o + b_o)      h' = o·act(c')
 * </pre>
 * Weights {@code [kernel (features × 4·units), recurrent_kernel (units × 4·units), bias (4·units)]};
 * with {@link #unitForgetBias} (default true) the forget gate's bias starts at 1 and the rest
 * at the bias initializer's values. States {@code [h, c]}. Options, masks and the loop:
 * {@link Recurrent}.
 *
 * <pre>{@code
 * model.add(new LSTM(64).inputShape(50, 32));
 * }</pre>
 */
public final class LSTM extends Recurrent<LSTM> {

    /** Built-in gate activations that act element by element, so that one call can cover all the gates. */
    private static final Set<Activation> ELEMENT_WISE = Set.of(Activations.get("hard_sigmoid"), Activations.get("sigmoid"),
            Activations.get("tanh"), Activations.get("relu"), Activations.get("linear"));

    /** The activations a fused cell step ({@link K#lstmCell}) computes itself. */
    private static final Map<Activation, CellActivation> FUSED = Map.of(Activations.get("sigmoid"), CellActivation.SIGMOID,
            Activations.get("hard_sigmoid"), CellActivation.HARD_SIGMOID, Activations.get("tanh"), CellActivation.TANH);

    private boolean unitForgetBias = true;

    /**
     * @param units the size of the output and of each state, positive
     * @throws IllegalArgumentException if {@code units} is not positive
     */
    public LSTM(int units) {
        super(units, Activations.get("tanh"), Activations.get("hard_sigmoid"));
    }

    /** Whether the forget gate's bias starts at 1 (Keras's {@code unit_forget_bias}); default true. */
    public LSTM unitForgetBias(boolean unitForgetBias) {
        checkNotBuilt("unitForgetBias");
        this.unitForgetBias = unitForgetBias;
        return this;
    }

    @Override
    public String className() {
        return "LSTM";
    }

    @Override
    int gates() {
        return 4;
    }

    @Override
    int stateCount() {
        return 2;
    }

    @Override
    Variable buildBias(Initializer initializer) {
        if (!unitForgetBias) {
            return super.buildBias(initializer);
        }
        Tensor value = K.scoped(() -> K.concatenate(java.util.List.of(initializer.apply(units), K.ones(units),
                initializer.apply(2 * units)), 0));
        return addWeight("bias", value, true);
    }

    @Override
    Tensor[] step(Tensor x, Tensor[] states, Step step) {
        Tensor h = states[0];
        Tensor z = K.add(x, step.recurrent(h, 0, 4, units));
        CellActivation gate = FUSED.get(recurrentActivation());
        CellActivation cell = FUSED.get(activation());
        if (gate != null && cell != null) {
            return K.lstmCell(z, states[1], gate, cell).toArray(new Tensor[0]);
        }
        Tensor i;
        Tensor f;
        Tensor candidate;
        Tensor o;
        if (ELEMENT_WISE.contains(recurrentActivation())) {
            // One activation over the whole block, the candidate's quarter unused: a step runs
            // fewer, larger operations, which is what native backends' per-call costs reward.
            List<Tensor> gates = K.split(recurrentActivation().apply(z), 1, 4);
            i = gates.get(0);
            f = gates.get(1);
            o = gates.get(3);
            candidate = activation().apply(K.slice(z, 1, 2 * units, 3 * units));
        } else {
            List<Tensor> parts = K.split(z, 1, 4);
            i = recurrentActivation().apply(parts.get(0));
            f = recurrentActivation().apply(parts.get(1));
            o = recurrentActivation().apply(parts.get(3));
            candidate = activation().apply(parts.get(2));
        }
        Tensor c = K.add(K.multiply(f, states[1]), K.multiply(i, candidate));
        return new Tensor[] {K.multiply(o, activation().apply(c)), c};
    }

    @Override
    void cellConfig(Map<String, Object> config) {
        config.put("unit_forget_bias", unitForgetBias);
        config.put("implementation", 1);
    }
}
