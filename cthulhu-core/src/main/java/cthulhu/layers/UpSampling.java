package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

/**
 * The common part of the nearest-neighbour up-sampling layers: each cell of a spatial axis is
 * repeated {@code size} times along it. No weights.
 *
 * @param <T> the concrete layer, which every fluent option returns
 */
public abstract class UpSampling<T extends UpSampling<T>> extends SpatialLayer<T> {

    private final int rank;
    private final int[] size;

    /**
     * @throws IllegalArgumentException naming the layer when a factor is not positive or their count is wrong
     */
    UpSampling(int rank, int[] size) {
        this.rank = rank;
        this.size = Spatial.tuple(className(), "size", size, rank);
    }

    /** The repetition factor along each spatial axis. */
    final int[] size() {
        return size.clone();
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        Spatial.requireRank(label(), inputShape, rank, format());
        int[] spatial = Spatial.spatial(inputShape, format());
        for (int i = 0; i < rank; i++) {
            spatial[i] = spatial[i] < 0 ? -1 : spatial[i] * size[i];
        }
        return Spatial.sample(spatial, Spatial.channels(inputShape, format()), format());
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int first = firstSpatialAxis();
        Tensor y = inputs;
        for (int i = 0; i < rank; i++) {
            if (size[i] == 1) {
                continue;
            }
            int axis = first + i;
            int[] shape = y.shape();
            int[] split = new int[shape.length + 1];
            System.arraycopy(shape, 0, split, 0, axis + 1);
            split[axis + 1] = 1;
            System.arraycopy(shape, axis + 1, split, axis + 2, shape.length - axis - 1);
            int[] repeated = split.clone();
            repeated[axis + 1] = size[i];
            shape[axis] *= size[i];
            y = K.reshape(K.broadcastTo(K.reshape(y, split), repeated), shape);
        }
        return y;
    }
}
