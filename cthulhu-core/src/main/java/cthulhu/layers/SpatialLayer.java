package cthulhu.layers;

import cthulhu.backend.Tensor;

/**
 * The base of the image layers: the Keras options they share — {@code input_shape} and the data
 * format ({@code channels_last}, the default, or {@code channels_first}) — as fluent options
 * returning the concrete layer.
 *
 * @param <T> the concrete layer, which every fluent option returns
 */
public abstract class SpatialLayer<T extends SpatialLayer<T>> extends Layer {

    private String dataFormat = Spatial.CHANNELS_LAST;

    SpatialLayer() {
    }

    @SuppressWarnings("unchecked")
    final T self() {
        return (T) this;
    }

    /** The layer's class and name, for messages. */
    final String label() {
        return className() + " " + getName();
    }

    /** Declares the shape of one input sample, batch axis excluded (Keras's {@code input_shape}). */
    public T inputShape(int... shape) {
        declareInputShape(shape);
        return self();
    }

    /**
     * {@code "channels_last"} (default: samples {@code (spatial…, channels)}) or
     * {@code "channels_first"} ({@code (channels, spatial…)}).
     *
     * @throws IllegalArgumentException naming the layer for another name
     */
    public T dataFormat(String dataFormat) {
        checkNotBuilt("dataFormat");
        this.dataFormat = Spatial.dataFormat(label(), dataFormat);
        return self();
    }

    /** The data format, {@code channels_last} or {@code channels_first}. */
    final String format() {
        return dataFormat;
    }

    /** The axis of the channels in a batch. */
    final int channelAxis(int batchRank) {
        return dataFormat.equals(Spatial.CHANNELS_LAST) ? batchRank - 1 : 1;
    }

    /** The batch axis of the first spatial axis. */
    final int firstSpatialAxis() {
        return dataFormat.equals(Spatial.CHANNELS_LAST) ? 1 : 2;
    }

    /**
     * No mask: the image layers change or mix the steps a mask would describe, so, like Keras 3's,
     * which do not support masking, they drop it.
     */
    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return null;
    }
}
