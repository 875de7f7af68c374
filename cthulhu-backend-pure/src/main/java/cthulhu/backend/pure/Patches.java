package cthulhu.backend.pure;

import cthulhu.backend.Window;
import java.util.Arrays;

/**
 * Where the windows of a {@link Window} read a channels-last input {@code (batch, spatial…, c)}
 * stored row-major: one row per output position {@code (b, o…)}, row-major over batch and
 * output, and for each row the offset of every tap's first channel, or {@code -1} where the tap
 * falls into the padding. The convolution and pooling kernels of {@link WindowKernels} are
 * loops over these offsets.
 */
final class Patches {

    final int rank;
    final int channels;
    final int taps;
    final int rows;
    final int rowsPerImage;
    final int[] out;
    private final int[] in;
    private final int[] strides;
    private final int[] before;
    private final int imageSize;
    /** {@code shift[t · rank + i]}: how far tap {@code t} lies from the window's origin along axis {@code i}. */
    private final int[] shift;
    /** How far tap {@code t}'s first channel lies from the origin's, in elements of the input. */
    private final int[] tapOffset;
    /** How far the window's last tap lies from its first along each axis. */
    private final int[] span;
    /** Elements of the input between neighbours along each spatial axis. */
    private final int[] axisSize;
    /**
     * The runs of an interior window: taps adjacent in the input, whose channels lie one after
     * another, {@code runLength[k]} elements long, at {@code runFrom[k]} from the window's origin
     * in the input and at {@code runTo[k]} in the window's row of columns.
     */
    final int[] runFrom;
    final int[] runTo;
    final int[] runLength;

    /**
     * @throws IllegalArgumentException when {@code xShape} is not {@code (batch, spatial…, c)}
     *     for the window's rank, or the window is larger than the padded input
     */
    Patches(int[] xShape, Window w) {
        rank = w.rank();
        if (xShape.length != rank + 2) {
            throw new IllegalArgumentException("A window over " + rank + " spatial axes needs a tensor of rank " + (rank + 2)
                    + " (batch, spatial…, channels), got shape " + Arrays.toString(xShape));
        }
        in = Arrays.copyOfRange(xShape, 1, rank + 1);
        out = w.outputSpatial(in);
        channels = xShape[rank + 1];
        int[] size = w.size();
        int[] dilation = w.dilation();
        strides = w.strides();
        before = w.padBefore();
        taps = w.taps();
        int perImage = 1;
        int image = channels;
        for (int i = 0; i < rank; i++) {
            perImage *= out[i];
            image *= in[i];
        }
        rowsPerImage = perImage;
        imageSize = image;
        rows = xShape[0] * perImage;
        span = new int[rank];
        for (int i = 0; i < rank; i++) {
            span[i] = (size[i] - 1) * dilation[i];
        }
        axisSize = new int[rank];
        for (int i = rank - 1, scale = channels; i >= 0; scale *= in[i], i--) {
            axisSize[i] = scale;
        }
        shift = new int[taps * rank];
        tapOffset = new int[taps];
        for (int t = 0; t < taps; t++) {
            int k = t;
            for (int i = rank - 1; i >= 0; i--) {
                shift[t * rank + i] = (k % size[i]) * dilation[i];
                k /= size[i];
                tapOffset[t] += shift[t * rank + i] * axisSize[i];
            }
        }
        int runs = 0;
        int[] first = new int[taps];
        for (int t = 0; t < taps; t++) {
            if (t == 0 || tapOffset[t] != tapOffset[t - 1] + channels) {
                first[runs++] = t;
            }
        }
        runFrom = new int[runs];
        runTo = new int[runs];
        runLength = new int[runs];
        for (int k = 0; k < runs; k++) {
            runFrom[k] = tapOffset[first[k]];
            runTo[k] = first[k] * channels;
            runLength[k] = ((k + 1 < runs ? first[k + 1] : taps) - first[k]) * channels;
        }
    }

    /**
     * The runs of each window, by row within an image: for each run, in the order of the taps,
     * three values, its offset from the window's origin in the input ({@code -1} for a run of
     * padding), its offset in the window's row of columns and its length. A window's runs depend
     * only on its position in the image, so they are found once here rather than for every image;
     * the interior windows share one array.
     */
    int[][] rowRuns() {
        int[][] runs = new int[rowsPerImage][];
        int[] interior = new int[3 * runFrom.length];
        for (int k = 0; k < runFrom.length; k++) {
            interior[3 * k] = runFrom[k];
            interior[3 * k + 1] = runTo[k];
            interior[3 * k + 2] = runLength[k];
        }
        int[] src = new int[taps];
        int[] found = new int[3 * taps];
        Cursor cursor = cursor(0);
        for (int row = 0; row < rowsPerImage; row++, cursor.advance()) {
            if (cursor.interior()) {
                runs[row] = interior;
                continue;
            }
            cursor.sources(src);
            int n = 0;
            int t = 0;
            while (t < taps) {
                int e = t + 1;
                if (src[t] < 0) {
                    while (e < taps && src[e] < 0) {
                        e++;
                    }
                } else {
                    while (e < taps && src[e] == src[e - 1] + channels) {
                        e++;
                    }
                }
                found[n++] = src[t] < 0 ? -1 : tapOffset[t];
                found[n++] = t * channels;
                found[n++] = (e - t) * channels;
                t = e;
            }
            runs[row] = Arrays.copyOf(found, n);
        }
        return runs;
    }

    /** The shape {@code (batch, out…, c)} of a result with {@code c} channels per position. */
    int[] outShape(int batch, int c) {
        int[] shape = new int[rank + 2];
        shape[0] = batch;
        System.arraycopy(out, 0, shape, 1, rank);
        shape[rank + 1] = c;
        return shape;
    }

    /** A cursor at output row {@code row}, from which {@link Cursor#next} walks the rows in order. */
    Cursor cursor(int row) {
        return new Cursor(row);
    }

    /**
     * Walks the output rows in order and gives each row's tap offsets. The origin of the window
     * advances by one stride at each step, carrying into the axes before the last, so that no
     * row is divided into its coordinates but the first.
     */
    final class Cursor {
        /** The current row's output coordinates. */
        private final int[] position = new int[rank];
        /** Where the current window starts along each axis; negative in the padding before. */
        private final int[] origin = new int[rank];
        /** The offset of the window's origin, which may lie outside the image when it is padded. */
        private int base;

        private Cursor(int row) {
            base = (row / rowsPerImage) * imageSize;
            int rest = row % rowsPerImage;
            for (int i = rank - 1; i >= 0; i--) {
                position[i] = rest % out[i];
                origin[i] = position[i] * strides[i] - before[i];
                rest /= out[i];
                base += origin[i] * axisSize[i];
            }
        }

        /** {@link #sources} of the current row, then {@link #advance}. */
        void next(int[] src) {
            sources(src);
            advance();
        }

        /**
         * Fills {@code src[t]} with the offset of tap {@code t}'s first channel for the current
         * row, or {@code -1} in the padding.
         */
        void sources(int[] src) {
            if (interior()) {
                for (int t = 0; t < taps; t++) {
                    src[t] = base + tapOffset[t];
                }
            } else {
                for (int t = 0; t < taps; t++) {
                    boolean inside = true;
                    for (int i = 0; i < rank; i++) {
                        int p = origin[i] + shift[t * rank + i];
                        inside &= p >= 0 && p < in[i];
                    }
                    src[t] = inside ? base + tapOffset[t] : -1;
                }
            }
        }

        /** Whether every tap of the current row's window lies inside the input. */
        boolean interior() {
            boolean interior = true;
            for (int i = 0; i < rank; i++) {
                interior &= origin[i] >= 0 && origin[i] + span[i] < in[i];
            }
            return interior;
        }

        /** The offset of the current row's first tap when the window is {@link #interior}. */
        int base() {
            return base;
        }

        /**
         * How many rows from the current one, itself {@link #interior}, along the last axis
         * have interior windows too; their {@link #base} grows by {@link #step} from row to row.
         */
        int interiorRows() {
            int last = rank - 1;
            int inside = (in[last] - 1 - span[last] - origin[last]) / strides[last] + 1;
            return Math.min(out[last] - position[last], inside);
        }

        /** How far the window's origin moves in the input from a row to the next along the last axis. */
        int step() {
            return strides[rank - 1] * axisSize[rank - 1];
        }

        /** Moves to the next row. */
        void advance() {
            for (int i = rank - 1; i >= 0; i--) {
                if (++position[i] < out[i]) {
                    origin[i] += strides[i];
                    base += strides[i] * axisSize[i];
                    return;
                }
                position[i] = 0;
                origin[i] = -before[i];
                base -= (out[i] - 1) * strides[i] * axisSize[i];
            }
            base += imageSize;
        }
    }
}
