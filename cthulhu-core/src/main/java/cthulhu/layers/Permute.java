package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;

/**
 * Permutes the axes of each sample (Keras's {@code Permute}): {@code dims} lists, from 1 (the
 * batch axis is never moved), which input axis becomes each output axis; {@code Permute(2, 1)}
 * swaps the two axes of a rank-2 sample. No weights.
 */
public final class Permute extends Layer {

    private final int[] dims;

    /**
     * @param dims a permutation of {@code 1 … n}
     * @throws IllegalArgumentException if {@code dims} is not such a permutation
     */
    public Permute(int... dims) {
        boolean[] seen = new boolean[dims.length + 1];
        for (int d : dims) {
            if (d < 1 || d > dims.length || seen[d]) {
                throw new IllegalArgumentException("Permute: dims " + Arrays.toString(dims) + " must be a permutation of 1 … "
                        + dims.length + " (axis 0, the batch axis, is not permuted)");
            }
            seen[d] = true;
        }
        this.dims = dims.clone();
    }

    /** Declares the shape of one input sample, batch axis excluded (Keras's {@code input_shape}). */
    public Permute inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    @Override
    public String className() {
        return "Permute";
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length != dims.length) {
            throw new IllegalArgumentException("Permute " + getName() + " with dims " + Arrays.toString(dims)
                    + " expects samples of rank " + dims.length + ", got shape " + Arrays.toString(inputShape));
        }
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = inputShape[dims[i] - 1];
        }
        return out;
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int[] perm = new int[dims.length + 1];
        System.arraycopy(dims, 0, perm, 1, dims.length);
        return K.transpose(inputs, perm);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("dims", Spatial.list(dims));
    }

    /** Reads Keras's config of {@code Permute}. */
    static Permute fromConfig(ConfigReader c) {
        int[] dims = c.getIntArray("dims");
        if (dims == null) {
            throw new IllegalArgumentException("The config of layer Permute needs 'dims', a permutation of 1 … n");
        }
        return new Permute(dims);
    }

    /** No mask: the axes a step mask describes are rearranged, so the mask is dropped, as Keras 3 does. */
    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return null;
    }
}
