package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The base of the element-wise merge layers (Keras's {@code _Merge}): {@link Add},
 * {@link Subtract}, {@link Multiply}, {@link Average}, {@link Maximum}, {@link Minimum}. They take
 * two or more inputs whose sample shapes broadcast as Keras's do: aligned at their last axes,
 * each pair of dimensions equal or one of them 1; an input of lower rank gains axes of size 1
 * after its batch axis.
 */
public abstract class Merge extends MultiTensorLayer {

    /** For subclasses. */
    protected Merge() {
    }

    /** Combines two inputs, broadcasting as {@link K#add} does. */
    protected abstract Tensor combine(Tensor a, Tensor b);

    /** Combines inputs of equal rank: {@link #combine} folded from the first to the last. */
    protected Tensor merge(List<Tensor> inputs) {
        Tensor out = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            out = combine(out, inputs.get(i));
        }
        return out;
    }

    /**
     * The broadcast sample shape of the inputs.
     *
     * @throws IllegalArgumentException for fewer than two inputs, or shapes that do not broadcast, naming them
     */
    @Override
    public List<int[]> computeOutputShapes(List<int[]> inputShapes) {
        checkCount(inputShapes);
        int[] out = inputShapes.get(0);
        for (int i = 1; i < inputShapes.size(); i++) {
            out = broadcast(out, inputShapes.get(i));
        }
        return List.of(out);
    }

    /** Checks the number of inputs: at least two; {@link Subtract} takes exactly two. */
    void checkCount(List<int[]> inputShapes) {
        if (inputShapes.size() < 2) {
            throw new IllegalArgumentException("A merge layer should be called on a list of at least 2 inputs. Got "
                    + inputShapes.size() + " input(s) of shape " + shapesText(inputShapes) + "; apply " + getName()
                    + " to two or more symbols, e.g. " + getName() + ".apply(a, b)");
        }
    }

    private int[] broadcast(int[] a, int[] b) {
        int[] longer = a.length >= b.length ? a : b;
        int[] shorter = a.length >= b.length ? b : a;
        int[] out = longer.clone();
        int offset = longer.length - shorter.length;
        for (int i = 0; i < shorter.length; i++) {
            int x = longer[offset + i];
            int y = shorter[i];
            if (x < 0 || y < 0) {
                out[offset + i] = x == 1 ? y : y == 1 ? x : -1;
            } else if (x == 1) {
                out[offset + i] = y;
            } else if (y != 1 && x != y) {
                throw new IllegalArgumentException("Operands could not be broadcast together with shapes "
                        + Arrays.toString(a) + " " + Arrays.toString(b) + ": dimensions " + x + " and " + y
                        + " differ and neither is 1");
            }
        }
        return out;
    }

    /** Gives every input the rank of the largest (axes of size 1 after the batch axis), then merges. */
    @Override
    protected final List<Tensor> computeAll(List<Tensor> inputs, boolean training) {
        int rank = inputs.stream().mapToInt(Tensor::rank).max().orElseThrow();
        List<Tensor> same = new ArrayList<>();
        for (Tensor x : inputs) {
            if (x.rank() == rank) {
                same.add(x);
            } else {
                int[] shape = new int[rank];
                Arrays.fill(shape, 1);
                shape[0] = x.dim(0);
                System.arraycopy(x.shape(), 1, shape, rank - x.rank() + 1, x.rank() - 1);
                same.add(K.reshape(x, shape));
            }
        }
        return List.of(merge(same));
    }

    /** None: element-wise merges have no arguments. */
    @Override
    protected Map<String, Object> layerConfig() {
        return Map.of();
    }
}
