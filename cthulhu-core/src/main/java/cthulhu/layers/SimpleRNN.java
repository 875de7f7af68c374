package cthulhu.layers;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;

/**
 * Keras's {@code SimpleRNN}: {@code h_t = activation(x_t·kernel + h_{t-1}·recurrent_kernel + bias)},
 * activation {@code tanh} by default. Weights {@code [kernel (features × units),
 * recurrent_kernel (units × units), bias (units)]}. Options, masks and the loop: {@link Recurrent}.
 *
 * <pre>{@code
 * model.add(new SimpleRNN(32).returnSequences(true).inputShape(10, 8));
 * }</pre>
 */
public final class SimpleRNN extends Recurrent<SimpleRNN> {

    /**
     * @param units the size of the output and state, positive
     * @throws IllegalArgumentException if {@code units} is not positive
     */
    public SimpleRNN(int units) {
        super(units, Activations.get("tanh"), Activations.get("linear"));
    }

    @Override
    public String className() {
        return "SimpleRNN";
    }

    @Override
    int gates() {
        return 1;
    }

    @Override
    Tensor[] step(Tensor x, Tensor[] states, Step step) {
        return new Tensor[] {activation().apply(K.add(x, step.recurrent(states[0], 0, 1, units)))};
    }
}
