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
    private final int[] size;
    private final int[] strides;
    private final int[] dilation;
    private final int[] before;
    private final int imageSize;

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
        size = w.size();
        strides = w.strides();
        dilation = w.dilation();
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
        for (int i = rank - 1; i >= 0; i--) {
            origin[i] = (rest % out[i]) * strides[i] - before[i];
            rest /= out[i];
        }
        for (int t = 0; t < taps; t++) {
            int k = t;
            int offset = 0;
            int scale = channels;
            boolean inside = true;
            for (int i = rank - 1; i >= 0; i--) {
                int p = origin[i] + (k % size[i]) * dilation[i];
                k /= size[i];
                inside &= p >= 0 && p < in[i];
                offset += p * scale;
                scale *= in[i];
            }
            src[t] = inside ? base + offset : -1;
        }
    }
}
