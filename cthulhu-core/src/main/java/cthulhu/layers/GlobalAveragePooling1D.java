package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.PoolOp;
import cthulhu.backend.Tensor;
import cthulhu.config.ConfigReader;

/**
 * Global 1-D mean pooling (Keras's {@code GlobalAveragePooling1D}): each channel's mean over the
 * steps of samples {@code (steps, channels)}, giving {@code (batch, channels)}; see
 * {@link GlobalPooling}. No weights.
 *
 * <p>With a mask ({@code [batch, steps]}, from {@link Embedding#maskZero} or {@link Masking}),
 * only the steps that count are averaged: {@code sum_t(mask_t · x_t) / sum_t(mask_t)}, as in
 * Keras. The output has no mask.
 */
public final class GlobalAveragePooling1D extends GlobalPooling<GlobalAveragePooling1D> {

    /** Global mean pooling, channels last. */
    public GlobalAveragePooling1D() {
        super(1, PoolOp.AVERAGE);
    }

    @Override
    public String className() {
        return "GlobalAveragePooling1D";
    }

    /**
     * The mean over the steps the mask keeps.
     *
     * @throws IllegalArgumentException naming the layer and both shapes when the mask is not
     *     {@code [batch, steps]}
     */
    @Override
    protected Tensor compute(Tensor inputs, Tensor mask, boolean training) {
        int stepAxis = firstSpatialAxis();
        int steps = inputs.dim(stepAxis);
        Masks.checkShape(this, mask, inputs, steps);
        Tensor weights = K.reshape(mask,
                stepAxis == 1 ? new int[] {inputs.dim(0), steps, 1} : new int[] {inputs.dim(0), 1, steps});
        return K.divide(K.sum(K.multiply(inputs, weights), stepAxis, keepsDims()), K.sum(weights, stepAxis, keepsDims()));
    }

    /** Reads Keras's config of {@code GlobalAveragePooling1D}. */
    static GlobalAveragePooling1D fromConfig(ConfigReader c) {
        return readOptions(c, new GlobalAveragePooling1D());
    }
}
