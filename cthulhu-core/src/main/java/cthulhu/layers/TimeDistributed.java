package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.config.KerasObjects;
import cthulhu.config.KerasVersion;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code TimeDistributed}: applies one layer to every step of a sequence, with the same
 * weights at every step. Input {@code [batch, steps, ...]}; the wrapped layer sees
 * {@code [batch·steps, ...]}, and the output is {@code [batch, steps, ...its output]}. The
 * weights are the wrapped layer's; the mask passes through.
 *
 * <pre>{@code
 * model.add(new LSTM(32).returnSequences(true).inputShape(20, 8));
 * model.add(new TimeDistributed(new Daoloth(1)));
 * }</pre>
 */
public final class TimeDistributed extends Layer {

    private final Layer layer;

    /**
     * @param layer the layer to apply at every step; it becomes part of this one
     * @throws IllegalArgumentException if it is null
     */
    public TimeDistributed(Layer layer) {
        if (layer == null) {
            throw new IllegalArgumentException("TimeDistributed needs a layer to wrap, got null");
        }
        this.layer = layer;
    }

    /** Declares the shape of one input sample, {@code [steps, ...]}. */
    public TimeDistributed inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    /** The wrapped layer. */
    public Layer layer() {
        return layer;
    }

    @Override
    public String className() {
        return "TimeDistributed";
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length < 2) {
            throw new IllegalArgumentException("TimeDistributed " + getName() + " takes batches of sequences [batch, steps, ...], "
                    + "but got samples of shape " + Arrays.toString(inputShape) + "; it needs at least [steps, features]");
        }
        int[] inner = layer.computeOutputShape(Arrays.copyOfRange(inputShape, 1, inputShape.length));
        int[] out = new int[inner.length + 1];
        out[0] = inputShape[0];
        System.arraycopy(inner, 0, out, 1, inner.length);
        return out;
    }

    /** Any number of steps; the rest as the wrapped layer accepts. */
    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        int[] inner = layer.acceptedInputShape(Arrays.copyOfRange(builtShape, 1, builtShape.length));
        int[] out = new int[inner.length + 1];
        out[0] = -1;
        System.arraycopy(inner, 0, out, 1, inner.length);
        return out;
    }

    @Override
    protected void build(int[] inputShape) {
        layer.ensureBuilt(Arrays.copyOfRange(inputShape, 1, inputShape.length));
        adoptWeights(layer);
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int[] shape = inputs.shape();
        int[] flat = new int[shape.length - 1];
        flat[0] = shape[0] * shape[1];
        System.arraycopy(shape, 2, flat, 1, shape.length - 2);
        Tensor out = layer.call(K.reshape(inputs, flat), training);
        int[] outShape = new int[out.rank() + 1];
        outShape[0] = shape[0];
        outShape[1] = shape[1];
        System.arraycopy(out.shape(), 1, outShape, 2, out.rank() - 1);
        return K.reshape(out, outShape);
    }

    /** Keras 3 keeps the wrapped layer's weights under {@code layer/}: {@code layer/vars/0}, …. */
    @Override
    public List<String> kerasWeightPaths() {
        return layer.kerasWeightPaths().stream().map(p -> "layer/" + p).toList();
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("layer", Layers.serialize(layer));
    }

    /** The config with the wrapped layer's under that Keras version's keys. */
    @Override
    public Map<String, Object> getConfig(KerasVersion version) {
        Map<String, Object> config = getConfig();
        config.put("layer", KerasObjects.serialize(layer.className(), layer.getConfig(version)));
        return config;
    }
}
