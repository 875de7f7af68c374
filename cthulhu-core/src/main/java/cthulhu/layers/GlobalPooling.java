package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.PoolOp;
import cthulhu.backend.Tensor;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * The global pooling layers' common part: each channel's maximum or mean over all spatial axes,
 * giving {@code (batch, channels)}, or with {@code keepdims(true)} (Keras 3) every spatial axis
 * kept with size 1. Data format {@code channels_last} by default. No weights.
 *
 * @param <T> the concrete layer, which every fluent option returns
 */
public abstract class GlobalPooling<T extends GlobalPooling<T>> extends SpatialLayer<T> {

    private final int rank;
    private final PoolOp op;
    private boolean keepdims;

    GlobalPooling(int rank, PoolOp op) {
        this.rank = rank;
        this.op = op;
    }

    /** Whether to keep the spatial axes with size 1; default false. */
    public T keepdims(boolean keepdims) {
        checkNotBuilt("keepdims");
        this.keepdims = keepdims;
        return self();
    }

    /** Whether the spatial axes are kept with size 1. */
    final boolean keepsDims() {
        return keepdims;
    }

    /** Any spatial size: the pooling spans whatever axes it is given, as Keras's does. */
    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        int[] accepted = builtShape.clone();
        for (int i = 0; i < rank; i++) {
            accepted[firstSpatialAxis() - 1 + i] = -1;
        }
        return accepted;
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        Spatial.requireRank(label(), inputShape, rank, format());
        int channels = Spatial.channels(inputShape, format());
        if (!keepdims) {
            return new int[] {channels};
        }
        int[] ones = new int[rank];
        java.util.Arrays.fill(ones, 1);
        return Spatial.sample(ones, channels, format());
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int first = firstSpatialAxis();
        Tensor y = inputs;
        for (int i = rank - 1; i >= 0; i--) {
            y = op == PoolOp.MAX ? K.max(y, first + i, keepdims) : K.mean(y, first + i, keepdims);
        }
        return y;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("data_format", format(), "keepdims", keepdims);
    }

    /** Applies the options of Keras's global pooling config to {@code layer}. */
    static <L extends GlobalPooling<L>> L readOptions(ConfigReader c, L layer) {
        return layer.dataFormat(c.getString("data_format", null)).keepdims(c.getBoolean("keepdims", false));
    }
}
