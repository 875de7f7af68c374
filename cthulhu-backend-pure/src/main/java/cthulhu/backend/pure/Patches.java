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
        shift = new int[taps * rank];
        tapOffset = new int[taps];
        for (int t = 0; t < taps; t++) {
            int k = t;
            int scale = channels;
            for (int i = rank - 1; i >= 0; i--) {
                shift[t * rank + i] = (k % size[i]) * dilation[i];
                k /= size[i];
                tapOffset[t] += shift[t * rank + i] * scale;
                scale *= in[i];
            }
        }
    }

    /** The shape {@code (batch, out…, c)} of a result with {@code c} channels per position. */
    int[] outShape(int batch, int c) {
        int[] shape = new int[rank + 2];
        shape[0] = batch;
        System.arraycopy(out, 0, shape, 1, rank);
        shape[rank + 1] = c;
        return shape;
    }

    /**
     * Fills {@code src[t]} with the offset of tap {@code t}'s first channel for output row
     * {@code row}, or {@code -1} in the padding; {@code origin} is scratch of length {@link #rank}.
     */
    void sources(int row, int[] src, int[] origin) {
        int base = (row / rowsPerImage) * imageSize;
        int rest = row % rowsPerImage;
        int scale = channels;
        for (int i = rank - 1; i >= 0; i--) {
            origin[i] = (rest % out[i]) * strides[i] - before[i];
            rest /= out[i];
            base += origin[i] * scale;
            scale *= in[i];
        }
        boolean interior = true;
        for (int i = 0; i < rank; i++) {
            interior &= origin[i] >= 0 && origin[i] + span[i] < in[i];
        }
        if (interior) {
            for (int t = 0; t < taps; t++) {
                src[t] = base + tapOffset[t];
            }
            return;
        }
        // The taps' displacements are tabled, so that no division is left in this loop, which
        // runs once for every tap of every output position.
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
