package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Concatenate}: joins two or more inputs along {@code axis} (counted with the batch
 * axis, as Keras does: the default −1 is the last axis, 1 the first axis of a sample). The inputs
 * must have the same rank and the same dimensions on every other axis.
 */
public final class Concatenate extends MultiTensorLayer {

    private final int axis;

    /** Concatenates along the last axis. */
    public Concatenate() {
        this(-1);
    }

    /**
     * Concatenates along {@code axis}, counted with the batch axis (negative from the end).
     *
     * @throws IllegalArgumentException for axis 0, the batch axis
     */
    public Concatenate(int axis) {
        if (axis == 0) {
            throw new IllegalArgumentException("Concatenate cannot join along axis 0, the batch axis; give a sample axis"
                    + " (1, 2, … or −1 for the last)");
        }
        this.axis = axis;
    }

    /** {@code "Concatenate"}. */
    @Override
    public String className() {
        return "Concatenate";
    }

    /** The axis, counted with the batch axis. */
    public int axis() {
        return axis;
    }

    /**
     * The inputs' shape with the concatenation axis summed.
     *
     * @throws IllegalArgumentException for fewer than two inputs, an axis outside the inputs' rank,
     *     or shapes that differ elsewhere than on the axis, naming the shapes
     */
    @Override
    public List<int[]> computeOutputShapes(List<int[]> inputShapes) {
        if (inputShapes.size() < 2) {
            throw new IllegalArgumentException("A Concatenate layer should be called on a list of at least 2 inputs. Got "
                    + inputShapes.size() + " input(s) of shape " + shapesText(inputShapes) + "; apply " + getName()
                    + " to two or more symbols");
        }
        int rank = inputShapes.get(0).length + 1;
        int a = axis < 0 ? rank + axis : axis;
        boolean sameRank = inputShapes.stream().allMatch(s -> s.length + 1 == rank);
        if (a < 1 || a >= rank || !sameRank) {
            throw new IllegalArgumentException("A Concatenate layer on axis " + axis + " needs inputs of one rank that have"
                    + " that axis. Got inputs shapes: " + batchShapes(inputShapes));
        }
        int[] out = inputShapes.get(0).clone();
        out[a - 1] = 0;
        for (int[] s : inputShapes) {
            for (int d = 0; d < s.length; d++) {
                if (d != a - 1 && s[d] != inputShapes.get(0)[d] && s[d] >= 0 && inputShapes.get(0)[d] >= 0) {
                    throw new IllegalArgumentException("A Concatenate layer requires inputs with matching shapes except for"
                            + " the concat axis " + axis + ". Got inputs shapes: " + batchShapes(inputShapes));
                }
            }
            out[a - 1] = out[a - 1] < 0 || s[a - 1] < 0 ? -1 : out[a - 1] + s[a - 1];
        }
        return List.of(out);
    }

    private static String batchShapes(List<int[]> shapes) {
        List<String> out = new ArrayList<>();
        for (int[] s : shapes) {
            StringBuilder sb = new StringBuilder("(None");
            for (int d : s) {
                sb.append(", ").append(d < 0 ? "None" : String.valueOf(d));
            }
            out.add(sb.append(')').toString());
        }
        return out.toString();
    }

    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, boolean training) {
        return List.of(K.concatenate(inputs, axis < 0 ? inputs.get(0).rank() + axis : axis));
    }

    /** {@code axis}. */
    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("axis", axis);
    }
}
