package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.PoolOp;
import cthulhu.backend.Tensor;
import cthulhu.backend.Window;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * The pooling layers' common part (Keras's {@code _Pooling1D/2D}): each channel is reduced over
 * windows of {@code poolSize} cells taken every {@code strides} cells — by its maximum, or by the
 * mean of the cells inside the input (with {@code same} padding the padded cells are not
 * counted, as TensorFlow's {@code avg_pool}). Defaults: strides equal to the pool size, padding
 * {@code valid}, data format {@code channels_last}. No weights.
 *
 * @param <T> the concrete layer, which every fluent option returns
 */
public abstract class Pooling<T extends Pooling<T>> extends SpatialLayer<T> {

    private final int rank;
    private final PoolOp op;
    private final int[] poolSize;
    private int[] strides;
    private String padding = "valid";

    /**
     * @throws IllegalArgumentException naming the layer when {@code poolSize} is not positive
     */
    Pooling(int rank, PoolOp op, int[] poolSize) {
        this.rank = rank;
        this.op = op;
        this.poolSize = Spatial.tuple(className(), "pool_size", poolSize, rank);
        this.strides = this.poolSize.clone();
    }

    /** The step between windows: one value, or one per spatial axis; default the pool size. */
    public T strides(int... strides) {
        checkNotBuilt("strides");
        this.strides = Spatial.tuple(label(), "strides", strides, rank);
        return self();
    }

    /** {@code "valid"} (default) or {@code "same"} (TensorFlow's split, the odd cell after). */
    public T padding(String padding) {
        checkNotBuilt("padding");
        this.padding = Spatial.padding(label(), padding, false);
        return self();
    }

    private Window window(int[] spatial) {
        int[] ones = new int[rank];
        Arrays.fill(ones, 1);
        return Spatial.window(label(), spatial, poolSize, strides, ones, padding);
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        Spatial.requireRank(label(), inputShape, rank, format());
        int[] spatial = Spatial.spatial(inputShape, format());
        return Spatial.sample(Spatial.outputSpatial(spatial, this::window), Spatial.channels(inputShape, format()), format());
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        Tensor x = Spatial.toChannelsLast(inputs, format());
        return Spatial.fromChannelsLast(K.pool(op, x, window(Arrays.copyOfRange(x.shape(), 1, rank + 1))), format());
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "pool_size", Spatial.list(poolSize),
                "padding", padding,
                "strides", Spatial.list(strides),
                "data_format", format());
    }

    /**
     * Reads Keras's config of a pooling layer: the layer {@code withPoolSize} makes for its
     * {@code pool_size} (absent: Keras's default, 2 along every spatial axis), with the options.
     */
    static <L extends Pooling<L>> L fromConfig(ConfigReader c, Function<int[], L> withPoolSize) {
        int[] poolSize = c.getIntArray("pool_size");
        return readOptions(c, withPoolSize.apply(poolSize == null ? new int[] {2} : poolSize));
    }

    /** Applies the options of Keras's pooling config to {@code layer}. */
    private static <L extends Pooling<L>> L readOptions(ConfigReader c, L layer) {
        int[] strides = c.getIntArray("strides");
        if (strides != null && strides.length > 0 && strides[0] != -1) {
            layer.strides(strides);
        }
        layer.padding(c.getString("padding", "valid"));
        layer.dataFormat(c.getString("data_format", null));
        return layer;
    }
}
