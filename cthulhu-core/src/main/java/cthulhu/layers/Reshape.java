package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;

/**
 * Reshapes each sample to {@code targetShape} (Keras's {@code Reshape}), in row-major order; one
 * dimension may be {@code -1}, inferred from the sample's size. No weights.
 *
 * <pre>{@code
 * Layer toImage = new Reshape(8, 8, 1);   // 64 features as an 8×8 image with one channel
 * }</pre>
 */
public final class Reshape extends Layer {

    private final int[] targetShape;

    /**
     * @param targetShape the shape of one output sample; at most one {@code -1}
     * @throws IllegalArgumentException if a dimension is 0 or below -1, or -1 appears twice
     */
    public Reshape(int... targetShape) {
        int unknown = 0;
        for (int d : targetShape) {
            if (d == -1) {
                unknown++;
            } else if (d <= 0) {
                throw new IllegalArgumentException("Reshape: target shape " + Arrays.toString(targetShape) + " has dimension "
                        + d + "; use positive dimensions and at most one -1");
            }
        }
        if (unknown > 1) {
            throw new IllegalArgumentException("Reshape: target shape " + Arrays.toString(targetShape)
                    + " has more than one -1; only one dimension can be inferred");
        }
        this.targetShape = targetShape.clone();
    }

    /** Declares the shape of one input sample, batch axis excluded (Keras's {@code input_shape}). */
    public Reshape inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    @Override
    public String className() {
        return "Reshape";
    }

    /**
     * @throws IllegalArgumentException naming the layer, both shapes and sizes when they differ,
     *     or when the input has an unknown dimension
     */
    @Override
    public int[] computeOutputShape(int[] inputShape) {
        long size = 1;
        for (int d : inputShape) {
            if (d < 0) {
                throw new IllegalArgumentException("Reshape " + getName() + ": the input shape " + Arrays.toString(inputShape)
                        + " has an unknown dimension; declare the full input shape on the first layer");
            }
            size *= d;
        }
        long known = 1;
        int unknownAt = -1;
        for (int i = 0; i < targetShape.length; i++) {
            if (targetShape[i] == -1) {
                unknownAt = i;
            } else {
                known *= targetShape[i];
            }
        }
        int[] out = targetShape.clone();
        if (unknownAt >= 0 && known > 0 && size % known == 0) {
            out[unknownAt] = (int) (size / known);
            known = size;
        }
        if (known != size) {
            throw new IllegalArgumentException("Reshape " + getName() + ": cannot reshape samples of shape "
                    + Arrays.toString(inputShape) + " (" + size + " elements) to " + Arrays.toString(targetShape)
                    + (unknownAt >= 0 ? " (its known dimensions do not divide " + size + ")" : " (" + known + " elements)")
                    + "; the target must hold the same number of elements");
        }
        return out;
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int[] shape = new int[targetShape.length + 1];
        shape[0] = inputs.dim(0);
        System.arraycopy(computeOutputShape(java.util.Arrays.copyOfRange(inputs.shape(), 1, inputs.rank())), 0, shape, 1,
                targetShape.length);
        return K.reshape(inputs, shape);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("target_shape", Spatial.list(targetShape));
    }

    /** Reads Keras's config of {@code Reshape}. */
    static Reshape fromConfig(ConfigReader c) {
        int[] target = c.getIntArray("target_shape");
        if (target == null) {
            throw new IllegalArgumentException("The config of layer Reshape needs 'target_shape', a list of integers");
        }
        return new Reshape(target);
    }

    /** No mask: the axes a step mask describes are rearranged, so the mask is dropped, as Keras 3 does. */
    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return null;
    }
}
