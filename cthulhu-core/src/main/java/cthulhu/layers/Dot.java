package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Dot}: the dot product of two inputs sample by sample (Keras's
 * {@code batch_dot}), contracting axis {@code axes[0]} of the first with axis {@code axes[1]} of
 * the second (axes counted with the batch axis; one value applies to both; negative from the end).
 * The output's sample shape is the first input's without the axis, then the second's without it;
 * when that is empty, {@code [1]}. With {@code normalize}, each input is first scaled to unit L2
 * norm along its axis, {@code x / sqrt(max(Σ x², 1e-12))}, so the product is the cosine similarity.
 */
public final class Dot extends MultiTensorLayer {

    /** TensorFlow's {@code l2_normalize} floor on the squared norm. */
    private static final double NORM_EPSILON = 1e-12;

    private final int[] axes;
    private boolean normalize;

    /**
     * Contracts {@code axes[0]} of the first input with {@code axes[1]} of the second; one value
     * applies to both.
     *
     * @throws IllegalArgumentException for no axis, more than two, or axis 0 (the batch axis)
     */
    public Dot(int... axes) {
        if (axes == null || axes.length < 1 || axes.length > 2) {
            throw new IllegalArgumentException("Dot takes one axis or a pair of axes, got "
                    + (axes == null ? "null" : Arrays.toString(axes)));
        }
        for (int a : axes) {
            if (a == 0) {
                throw new IllegalArgumentException("Dot cannot contract axis 0, the batch axis, got axes " + Arrays.toString(axes)
                        + "; give sample axes (1, 2, … or −1 for the last)");
            }
        }
        this.axes = axes.length == 1 ? new int[] {axes[0], axes[0]} : axes.clone();
    }

    /** Whether to scale both inputs to unit L2 norm along their axes first; default false. */
    public Dot normalize(boolean normalize) {
        this.normalize = normalize;
        return this;
    }

    /** {@code "Dot"}. */
    @Override
    public String className() {
        return "Dot";
    }

    /** The two axes, with negative values made positive for inputs of the given ranks (batch axis included). */
    private int[] resolve(int rank1, int rank2) {
        return new int[] {axes[0] < 0 ? axes[0] + rank1 : axes[0], axes[1] < 0 ? axes[1] + rank2 : axes[1]};
    }

    /**
     * The first input's sample shape without its axis, then the second's without its axis, or {@code [1]}.
     *
     * @throws IllegalArgumentException for other than two inputs, an axis outside an input's rank,
     *     or contracted dimensions that differ, naming both shapes
     */
    @Override
    public List<int[]> computeOutputShapes(List<int[]> inputShapes) {
        if (inputShapes.size() != 2) {
            throw new IllegalArgumentException("A Dot layer should be called on a list of 2 inputs. Got " + inputShapes.size()
                    + " input(s) of shape " + shapesText(inputShapes) + "; apply " + getName() + " to two symbols");
        }
        int[] s1 = withBatch(inputShapes.get(0));
        int[] s2 = withBatch(inputShapes.get(1));
        int[] a = resolve(s1.length, s2.length);
        if (a[0] < 1 || a[0] >= s1.length || a[1] < 1 || a[1] >= s2.length) {
            throw new IllegalArgumentException("Dot axes " + Arrays.toString(axes) + " do not fit inputs of shapes "
                    + Arrays.toString(s1).replace("-1", "None") + " and " + Arrays.toString(s2).replace("-1", "None"));
        }
        if (s1[a[0]] != s2[a[1]]) {
            throw new IllegalArgumentException("Dimension incompatibility " + s1[a[0]] + " != " + s2[a[1]] + ". Layer shapes: "
                    + Arrays.toString(s1).replace("-1", "None") + ", " + Arrays.toString(s2).replace("-1", "None")
                    + "; Dot contracts axis " + a[0] + " of the first with axis " + a[1] + " of the second");
        }
        int[] out = new int[Math.max(1, s1.length + s2.length - 4)];
        int k = 0;
        for (int d = 1; d < s1.length; d++) {
            if (d != a[0]) {
                out[k++] = s1[d];
            }
        }
        for (int d = 1; d < s2.length; d++) {
            if (d != a[1]) {
                out[k++] = s2[d];
            }
        }
        if (k == 0) {
            out[0] = 1;
        }
        return List.of(out);
    }

    private static int[] withBatch(int[] sample) {
        int[] s = new int[sample.length + 1];
        s[0] = -1;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    /**
     * {@code out[b, i…, j…] = Σ_k x1[b, i…, k] · x2[b, j…, k]} with each contracted axis moved last:
     * the product of {@code [b, P, 1, k]} and {@code [b, 1, Q, k]} summed over {@code k}.
     */
    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, boolean training) {
        Tensor x1 = inputs.get(0);
        Tensor x2 = inputs.get(1);
        int[] a = resolve(x1.rank(), x2.rank());
        if (normalize) {
            x1 = l2Normalize(x1, a[0]);
            x2 = l2Normalize(x2, a[1]);
        }
        Tensor m1 = axisLast(x1, a[0]);
        Tensor m2 = axisLast(x2, a[1]);
        int batch = x1.dim(0);
        int k = x1.dim(a[0]);
        Tensor p1 = K.reshape(m1, batch, -1, 1, k);
        Tensor p2 = K.reshape(m2, batch, 1, -1, k);
        Tensor product = K.sum(K.multiply(p1, p2), -1, false);
        int[] sample = computeOutputShapes(List.of(sampleOf(x1), sampleOf(x2))).get(0);
        int[] shape = new int[sample.length + 1];
        shape[0] = batch;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return List.of(K.reshape(product, shape));
    }

    private static int[] sampleOf(Tensor x) {
        return Arrays.copyOfRange(x.shape(), 1, x.rank());
    }

    private static Tensor axisLast(Tensor x, int axis) {
        if (axis == x.rank() - 1) {
            return x;
        }
        int[] perm = new int[x.rank()];
        int k = 0;
        for (int d = 0; d < x.rank(); d++) {
            if (d != axis) {
                perm[k++] = d;
            }
        }
        perm[k] = axis;
        return K.transpose(x, perm);
    }

    private static Tensor l2Normalize(Tensor x, int axis) {
        Tensor squares = K.sum(K.square(x), axis, true);
        return K.divide(x, K.sqrt(K.maximum(squares, NORM_EPSILON)));
    }

    /** {@code axes} (one value when both are equal, as given) and {@code normalize}. */
    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "axes", axes[0] == axes[1] ? (Object) axes[0] : List.of(axes[0], axes[1]),
                "normalize", normalize);
    }
}
