package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code Masking}: marks as padding every step whose features all equal
 * {@code maskValue}, so that the recurrent layers after it skip those steps.
 *
 * <p>For input {@code [batch, steps, features]}: a step counts when any of its features differs
 * from {@code maskValue}; {@link #computeMask} gives 1 for those steps and 0 for the others
 * ({@code [batch, steps]}), and the output is the input with the masked steps set to 0.
 *
 * <pre>{@code
 * model.add(new Masking(0.0).inputShape(20, 3));
 * model.add(new LSTM(16));
 * }</pre>
 */
public final class Masking extends ShapePreservingLayer {

    private final double maskValue;

    /** Masks the steps whose features all equal 0 (Keras's default {@code mask_value=0.0}). */
    public Masking() {
        this(0.0);
    }

    /** @param maskValue the padding value of every feature of a masked step */
    public Masking(double maskValue) {
        this.maskValue = maskValue;
    }

    /** Declares the shape of one input sample, e.g. {@code [steps, features]}. */
    public Masking inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    /** The padding value. */
    public double maskValue() {
        return maskValue;
    }

    @Override
    public String className() {
        return "Masking";
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return K.multiply(inputs, kept(inputs, true));
    }

    /** 1 where any feature of the step differs from the mask value: {@code [batch, steps]}. */
    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return kept(inputs, false);
    }

    private Tensor kept(Tensor inputs, boolean keepdims) {
        Tensor differs = K.subtract(K.onesLike(inputs), K.equal(inputs, maskValue));
        return K.max(differs, -1, keepdims);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("mask_value", maskValue);
    }
}
