package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's {@code GlobalAveragePooling1D}: the mean over the steps,
 * {@code [batch, steps, features] → [batch, features]} ({@code channels_last}, the default) or
 * {@code [batch, features, steps] → [batch, features]} ({@code channels_first}).
 *
 * <p>With a mask ({@code [batch, steps]}, from {@link Embedding#maskZero} or {@link Masking}),
 * only the steps that count are averaged: {@code sum_t(mask_t · x_t) / sum_t(mask_t)}, as in
 * Keras. The output has no mask.
 */
public final class GlobalAveragePooling1D extends Layer {

    private final boolean channelsFirst;

    /** Channels last: input {@code [batch, steps, features]}. */
    public GlobalAveragePooling1D() {
        this("channels_last");
    }

    /**
     * @param dataFormat {@code "channels_last"} ({@code [batch, steps, features]}) or
     *     {@code "channels_first"} ({@code [batch, features, steps]})
     * @throws IllegalArgumentException for another value
     */
    public GlobalAveragePooling1D(String dataFormat) {
        if (!"channels_last".equals(dataFormat) && !"channels_first".equals(dataFormat)) {
            throw new IllegalArgumentException("GlobalAveragePooling1D takes dataFormat \"channels_last\" or \"channels_first\", got "
                    + dataFormat);
        }
        this.channelsFirst = "channels_first".equals(dataFormat);
    }

    /** Declares the shape of one input sample. */
    public GlobalAveragePooling1D inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    @Override
    public String className() {
        return "GlobalAveragePooling1D";
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != 2) {
            throw new IllegalArgumentException("GlobalAveragePooling1D " + getName() + " takes batches of sequences [batch, "
                    + (channelsFirst ? "features, steps" : "steps, features") + "], but got samples of shape "
                    + Arrays.toString(inputShape));
        }
        return new int[] {inputShape[channelsFirst ? 0 : 1]};
    }

    /** Any number of steps. */
    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        return channelsFirst ? new int[] {builtShape[0], -1} : new int[] {-1, builtShape[1]};
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return K.mean(inputs, stepAxis(), false);
    }

    @Override
    protected Tensor compute(Tensor inputs, Tensor mask, boolean training) {
        int steps = inputs.dim(stepAxis());
        Masks.checkShape(this, mask, inputs, steps);
        Tensor weights = K.reshape(mask, channelsFirst ? new int[] {inputs.dim(0), 1, steps} : new int[] {inputs.dim(0), steps, 1});
        return K.divide(K.sum(K.multiply(inputs, weights), stepAxis(), false), K.sum(weights, stepAxis(), false));
    }

    private int stepAxis() {
        return channelsFirst ? 2 : 1;
    }

    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return null;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("data_format", channelsFirst ? "channels_first" : "channels_last");
        return config;
    }
}
