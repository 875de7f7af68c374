package cthulhu.layers;

import cthulhu.backend.Tensor;

import java.util.List;

/**
 * The base of layers that take several inputs or give several outputs (merges,
 * {@link Concatenate}, {@link Dot}, models): they implement {@link #computeOutputShapes} and
 * {@link #computeAll}; the one-tensor methods route to them, so that a single input meets the
 * layer's own rules (a merge's error for too few inputs).
 */
public abstract class MultiTensorLayer extends Layer {

    /** For subclasses. */
    protected MultiTensorLayer() {
    }

    @Override
    public abstract List<int[]> computeOutputShapes(List<int[]> inputShapes);

    @Override
    protected abstract List<Tensor> computeAll(List<Tensor> inputs, boolean training);

    /** {@link #computeOutputShapes} of the one input, which refuses it. */
    @Override
    public final int[] computeOutputShape(int[] inputShape) {
        return computeOutputShapes(List.of(inputShape)).get(0);
    }

    /** {@link #computeAll} of the one input; {@link #call} refuses a single input before it gets here. */
    @Override
    protected final Tensor compute(Tensor inputs, boolean training) {
        return computeAll(List.of(inputs), training).get(0);
    }
}
