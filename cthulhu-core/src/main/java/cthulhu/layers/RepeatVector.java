package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;

/**
 * Keras's {@code RepeatVector}: repeats each input vector {@code n} times,
 * {@code [batch, features] → [batch, n, features]} — the bridge from an encoder's last state to
 * a decoder that reads one copy per output step. The output has no mask.
 */
public final class RepeatVector extends Layer {

    private final int n;

    /**
     * @param n the number of copies, positive
     * @throws IllegalArgumentException if {@code n} is not positive
     */
    public RepeatVector(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("RepeatVector needs a positive number of repetitions, got " + n);
        }
        this.n = n;
    }

    /** Declares the shape of one input sample, {@code [features]}. */
    public RepeatVector inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    @Override
    public String className() {
        return "RepeatVector";
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != 1) {
            throw new IllegalArgumentException("RepeatVector " + getName() + " takes vectors [batch, features], but got samples of shape "
                    + Arrays.toString(inputShape) + "; flatten them first or wrap the layer in TimeDistributed");
        }
        return new int[] {n, inputShape[0]};
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int batch = inputs.dim(0);
        int features = inputs.dim(1);
        return K.broadcastTo(K.reshape(inputs, batch, 1, features), batch, n, features);
    }

    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return null;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("n", n);
    }
}
