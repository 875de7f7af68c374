package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.ConfigReader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common part of the layers that add or remove cells at the edges of the spatial axes:
 * zero padding and cropping. Amounts are given as Keras gives them: one value for every edge,
 * one per spatial axis (both edges alike), or a {@code (before, after)} pair per axis. No weights.
 *
 * @param <T> the concrete layer, which every fluent option returns
 */
public abstract class SpatialEdges<T extends SpatialEdges<T>> extends SpatialLayer<T> {

    private final int rank;
    private final boolean crop;
    private final int[][] edges;

    /**
     * @throws IllegalArgumentException naming the layer when the count of amounts is wrong or one is negative
     */
    SpatialEdges(int rank, boolean crop, int[] amounts) {
        this.rank = rank;
        this.crop = crop;
        this.edges = new int[rank][2];
        String option = crop ? "cropping" : "padding";
        if (amounts.length != 1 && amounts.length != rank && amounts.length != 2 * rank) {
            throw new IllegalArgumentException(className() + ": " + option + " needs 1, " + (rank == 1 ? "" : rank + " or ")
                    + (2 * rank) + " integers (all edges, each axis, or before and after each axis), got "
                    + Arrays.toString(amounts));
        }
        for (int i = 0; i < rank; i++) {
            for (int side = 0; side < 2; side++) {
                int v = amounts.length == 1 ? amounts[0] : amounts.length == rank ? amounts[i] : amounts[2 * i + side];
                if (v < 0) {
                    throw new IllegalArgumentException(className() + ": " + option + " " + Arrays.toString(amounts)
                            + " has a negative amount; use 0 or more cells");
                }
                edges[i][side] = v;
            }
        }
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        String label = label();
        Spatial.requireRank(label, inputShape, rank, format());
        int[] spatial = Spatial.spatial(inputShape, format());
        for (int i = 0; i < rank; i++) {
            int change = edges[i][0] + edges[i][1];
            if (spatial[i] >= 0) {
                spatial[i] += crop ? -change : change;
                if (spatial[i] <= 0) {
                    throw new IllegalArgumentException(label + ": cropping " + Arrays.toString(edges[i]) + " along spatial axis "
                            + i + " removes all of its " + (spatial[i] + change) + " cells (input sample shape "
                            + Arrays.toString(inputShape) + "); crop fewer cells");
                }
            }
        }
        return Spatial.sample(spatial, Spatial.channels(inputShape, format()), format());
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int first = firstSpatialAxis();
        Tensor y = inputs;
        for (int i = 0; i < rank; i++) {
            int axis = first + i;
            if (crop) {
                y = K.slice(y, axis, edges[i][0], y.dim(axis) - edges[i][1]);
            } else {
                List<Tensor> parts = new ArrayList<>();
                int[] shape = y.shape();
                for (int side = 0; side < 2; side++) {
                    if (side == 1) {
                        parts.add(y);
                    }
                    if (edges[i][side] > 0) {
                        shape[axis] = edges[i][side];
                        parts.add(K.zeros(y.dtype(), shape));
                    }
                }
                y = parts.size() == 1 ? y : K.concatenate(parts, axis);
            }
        }
        return y;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        String key = crop ? "cropping" : "padding";
        if (rank == 1) {
            config.put(key, Spatial.list(edges[0]));
        } else {
            List<List<Integer>> pairs = new ArrayList<>();
            for (int[] pair : edges) {
                pairs.add(Spatial.list(pair));
            }
            config.put(key, pairs);
            config.put("data_format", format());
        }
        return config;
    }

    /** The amounts of a Keras config: an integer, a list, or a list of {@code [before, after]} lists, flattened. */
    static int[] amounts(ConfigReader c, String key, int defaultValue) {
        Object v = c.get(key);
        if (v == null) {
            return new int[] {defaultValue};
        }
        List<Integer> flat = new ArrayList<>();
        flatten(key, v, flat);
        return flat.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void flatten(String key, Object v, List<Integer> out) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            out.add(n.intValue());
        } else if (v instanceof List<?> list) {
            list.forEach(e -> flatten(key, e, out));
        } else {
            throw new IllegalArgumentException("'" + key + "' must hold integers or lists of integers, got " + v);
        }
    }
}
