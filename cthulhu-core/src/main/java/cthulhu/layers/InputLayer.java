package cthulhu.layers;

import cthulhu.backend.Tensor;

import java.util.List;
import java.util.Map;

/**
 * The layer behind an {@link Input} symbol (Keras's {@code InputLayer}): it passes its input
 * through and declares the shape of one sample. Its configuration holds {@code name} and
 * {@code batch_input_shape}.
 */
public final class InputLayer extends Layer {

    /**
     * An input layer for samples of {@code shape} (batch axis excluded), -1 for a dimension of any size.
     *
     * @throws IllegalArgumentException if a dimension is 0 or below -1
     */
    public InputLayer(int... shape) {
        declareInputShape(shape);
    }

    /** The one output symbol of this input layer (its node 0), made at its first request. */
    public Symbol symbol() {
        if (inboundNodes().isEmpty()) {
            ensureBuilt(inputShape());
            connect(List.of(), List.of(inputShape()));
        }
        return inboundNodes().get(0).outputs().get(0);
    }

    /** {@code "InputLayer"}. */
    @Override
    public String className() {
        return "InputLayer";
    }

    /** Keras 2.2.4 names input layers {@code input_1, input_2, …}. */
    @Override
    protected String namePrefix() {
        return "input";
    }

    /** Returns its input. */
    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return inputs;
    }

    /** Returns a copy of {@code inputShape}. */
    @Override
    public int[] computeOutputShape(int[] inputShape) {
        return inputShape.clone();
    }

    /** None: {@code name} and {@code batch_input_shape} are the base configuration's. */
    @Override
    protected Map<String, Object> layerConfig() {
        return Map.of();
    }
}
