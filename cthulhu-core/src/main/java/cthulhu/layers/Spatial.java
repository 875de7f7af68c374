package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The options the image layers share, resolved as Keras resolves them: integer tuples given as one
 * value or one per spatial axis, the padding names {@code valid}, {@code same} (TensorFlow's
 * split: the odd cell after) and {@code causal}, the data formats {@code channels_last} and
 * {@code channels_first}, and the sliding {@link Window} they give over an input. Every error
 * names the layer, the values and the fix.
 */
final class Spatial {

    static final String CHANNELS_LAST = "channels_last";
    static final String CHANNELS_FIRST = "channels_first";

    private Spatial() {
    }

    /**
     * {@code values} as one value per spatial axis: a single value repeats.
     *
     * @throws IllegalArgumentException naming the layer and option when the count is wrong or a value is not positive
     */
    static int[] tuple(String layer, String option, int[] values, int rank) {
        if (values == null || (values.length != 1 && values.length != rank)) {
            throw new IllegalArgumentException(layer + ": " + option + " needs 1 or " + rank + " integers, got "
                    + (values == null ? "none" : Arrays.toString(values)));
        }
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = values.length == 1 ? values[0] : values[i];
            if (out[i] <= 0) {
                throw new IllegalArgumentException(layer + ": " + option + " must be positive, got "
                        + Arrays.toString(values) + "; use values of 1 or more");
            }
        }
        return out;
    }

    /**
     * The padding name in lower case.
     *
     * @throws IllegalArgumentException naming the layer and the accepted names for another name
     */
    static String padding(String layer, String padding, boolean causal) {
        String p = padding == null ? "" : padding.toLowerCase(java.util.Locale.ROOT);
        if (p.equals("valid") || p.equals("same") || (causal && p.equals("causal"))) {
            return p;
        }
        throw new IllegalArgumentException(layer + ": unknown padding '" + padding + "'; use " + (causal
                ? "'valid', 'same' or 'causal'" : "'valid' or 'same'"));
    }

    /**
     * The data format, {@code channels_last} for null.
     *
     * @throws IllegalArgumentException naming the layer for another name
     */
    static String dataFormat(String layer, String dataFormat) {
        if (dataFormat == null) {
            return CHANNELS_LAST;
        }
        String f = dataFormat.toLowerCase(java.util.Locale.ROOT);
        if (f.equals(CHANNELS_LAST) || f.equals(CHANNELS_FIRST)) {
            return f;
        }
        throw new IllegalArgumentException(layer + ": unknown data format '" + dataFormat
                + "'; use 'channels_last' (batch, spatial…, channels) or 'channels_first' (batch, channels, spatial…)");
    }

    /**
     * Checks that a sample has {@code rank} spatial axes and a channel axis.
     *
     * @throws IllegalArgumentException naming the layer, the shape and the expected layout
     */
    static void requireRank(String layer, int[] sample, int rank, String dataFormat) {
        if (sample.length != rank + 1) {
            String axes = rank == 1 ? "steps" : rank == 2 ? "rows, cols" : "spatial axes";
            String layout = dataFormat.equals(CHANNELS_LAST) ? "(" + axes + ", channels)" : "(channels, " + axes + ")";
            throw new IllegalArgumentException(layer + " expects samples of rank " + (rank + 1) + " " + layout
                    + ", i.e. batches of rank " + (rank + 2) + ", but got samples of shape " + Arrays.toString(sample)
                    + "; reshape the input (e.g. add a channel axis of 1) or use the " + (sample.length - 1)
                    + "-D layer");
        }
    }

    /** The spatial axes of a sample in the given format. */
    static int[] spatial(int[] sample, String dataFormat) {
        return dataFormat.equals(CHANNELS_LAST) ? Arrays.copyOf(sample, sample.length - 1)
                : Arrays.copyOfRange(sample, 1, sample.length);
    }

    /** The channel count of a sample in the given format. */
    static int channels(int[] sample, String dataFormat) {
        return dataFormat.equals(CHANNELS_LAST) ? sample[sample.length - 1] : sample[0];
    }

    /** A sample shape from spatial axes and channels in the given format. */
    static int[] sample(int[] spatial, int channels, String dataFormat) {
        int[] out = new int[spatial.length + 1];
        boolean last = dataFormat.equals(CHANNELS_LAST);
        System.arraycopy(spatial, 0, out, last ? 0 : 1, spatial.length);
        out[last ? spatial.length : 0] = channels;
        return out;
    }

    /**
     * The window of {@code size} over {@code spatial} with Keras's padding: none for {@code valid};
     * for {@code same}, {@code max((⌈n/s⌉ − 1)·s + e − n, 0)} cells with the odd one after, so that
     * the output has {@code ⌈n/s⌉} cells; for {@code causal}, {@code e − 1} cells before.
     *
     * @throws IllegalArgumentException naming the layer and the sizes when the window's extent
     *     exceeds the padded input
     */
    static Window window(String layer, int[] spatial, int[] size, int[] strides, int[] dilation, String padding) {
        int rank = spatial.length;
        int[] before = new int[rank];
        int[] after = new int[rank];
        for (int i = 0; i < rank; i++) {
            int extent = (size[i] - 1) * dilation[i] + 1;
            switch (padding) {
                case "same" -> {
                    int outSize = (spatial[i] + strides[i] - 1) / strides[i];
                    int total = Math.max((outSize - 1) * strides[i] + extent - spatial[i], 0);
                    before[i] = total / 2;
                    after[i] = total - before[i];
                }
                case "causal" -> before[i] = extent - 1;
                default -> {
                }
            }
            if (spatial[i] + before[i] + after[i] < extent) {
                throw new IllegalArgumentException(layer + ": the window " + Arrays.toString(size)
                        + (dilation[i] > 1 ? " with dilation " + Arrays.toString(dilation) : "") + " spans " + extent
                        + " cells along spatial axis " + i + ", more than the " + padding + "-padded input's "
                        + (spatial[i] + before[i] + after[i]) + " (input spatial shape " + Arrays.toString(spatial)
                        + "); use a smaller window, padding 'same', or a larger input");
            }
        }
        return new Window(size, strides, dilation, before, after);
    }

    /**
     * The output's spatial shape for an input of {@code spatial}, whose unknown axes (-1) stay
     * unknown: the window is checked against the known axes only.
     */
    static int[] outputSpatial(int[] spatial, java.util.function.Function<int[], Window> windowOf) {
        int[] known = spatial.clone();
        for (int i = 0; i < known.length; i++) {
            if (known[i] < 0) {
                // Any size the window fits in; the axis's result is reported unknown.
                known[i] = 1 << 20;
            }
        }
        int[] out = windowOf.apply(known).outputSpatial(known);
        for (int i = 0; i < out.length; i++) {
            if (spatial[i] < 0) {
                out[i] = -1;
            }
        }
        return out;
    }

    /** Moves the channel axis of a channels-first batch last; a channels-last batch is returned as is. */
    static Tensor toChannelsLast(Tensor x, String dataFormat) {
        if (dataFormat.equals(CHANNELS_LAST)) {
            return x;
        }
        int[] perm = new int[x.rank()];
        for (int i = 1; i < perm.length - 1; i++) {
            perm[i] = i + 1;
        }
        perm[perm.length - 1] = 1;
        return K.transpose(x, perm);
    }

    /** The inverse of {@link #toChannelsLast}. */
    static Tensor fromChannelsLast(Tensor x, String dataFormat) {
        if (dataFormat.equals(CHANNELS_LAST)) {
            return x;
        }
        int[] perm = new int[x.rank()];
        perm[1] = x.rank() - 1;
        for (int i = 2; i < perm.length; i++) {
            perm[i] = i - 1;
        }
        return K.transpose(x, perm);
    }

    /** An int array as a list, for configs. */
    static List<Integer> list(int... values) {
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return out;
    }
}
