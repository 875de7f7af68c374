package cthulhu.conformance.images;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Cropping1D;
import cthulhu.layers.Cropping2D;
import cthulhu.layers.Flatten;
import cthulhu.layers.Permute;
import cthulhu.layers.Reshape;
import cthulhu.layers.SpatialDropout1D;
import cthulhu.layers.SpatialDropout2D;
import cthulhu.layers.UpSampling1D;
import cthulhu.layers.UpSampling2D;
import cthulhu.layers.ZeroPadding1D;
import cthulhu.layers.ZeroPadding2D;
import org.junit.jupiter.api.Test;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers that move, add or drop cells: Flatten, Reshape, Permute, zero padding, cropping,
 * up-sampling and spatial dropout, on hand-worked cases; their gradients against central
 * differences.
 */
class ShapeLayersTest extends ConformanceTestBase {

    /** 1…12 as (1, 2, 3, 2): rows of (cols × channels). */
    private static final double[] X = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    @Test
    void flattenKeepsRowMajorOrderAndChannelsFirstMovesChannelsLast() {
        assertTensor(X, new int[] {1, 12}, new Flatten().call(K.constant(X, 1, 2, 3, 2)));
        // channels-first (c=2, h=2, w=3): Keras flattens in channels-last order, channel fastest.
        assertTensor(new double[] {1, 7, 2, 8, 3, 9, 4, 10, 5, 11, 6, 12}, new int[] {1, 12},
                new Flatten().dataFormat("channels_first").call(K.constant(X, 1, 2, 2, 3)));
    }

    @Test
    void reshapeInfersOneDimension() {
        Tensor y = new Reshape(3, -1).call(K.constant(X, 2, 6));
        assertTensor(X, new int[] {2, 3, 2}, y);
        assertArrayEquals(new int[] {4, 2, 2}, new Reshape(-1, 2, 2).computeOutputShape(new int[] {4, 4}));
    }

    @Test
    void permuteSwapsAxes() {
        assertTensor(new double[] {1, 4, 2, 5, 3, 6}, new int[] {1, 3, 2},
                new Permute(2, 1).call(K.constant(new double[] {1, 2, 3, 4, 5, 6}, 1, 2, 3)));
    }

    @Test
    void zeroPaddingAndCroppingAreInverse() {
        double[] x = {1, 2, 3, 4};  // (1, 2, 2, 1)
        Tensor padded = new ZeroPadding2D(1, 0, 0, 2).call(K.constant(x, 1, 2, 2, 1));
        assertTensor(new double[] {0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0}, new int[] {1, 3, 4, 1}, padded);
        assertTensor(x, new int[] {1, 2, 2, 1}, new Cropping2D(1, 0, 0, 2).call(padded));
        assertTensor(new double[] {0, 1, 2, 3, 0, 0}, new int[] {1, 6, 1},
                new ZeroPadding1D(1, 2).call(K.constant(new double[] {1, 2, 3}, 1, 3, 1)));
        assertTensor(new double[] {2}, new int[] {1, 1, 1}, new Cropping1D(1, 1).call(K.constant(new double[] {1, 2, 3}, 1, 3, 1)));
        assertArrayEquals(new int[] {4, 6, 3}, new ZeroPadding2D().computeOutputShape(new int[] {2, 4, 3}));
    }

    @Test
    void upSamplingRepeatsCells() {
        assertTensor(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, new int[] {1, 4, 4, 1},
                new UpSampling2D().call(K.constant(new double[] {1, 2, 3, 4}, 1, 2, 2, 1)));
        assertTensor(new double[] {1, 1, 1, 2, 2, 2}, new int[] {1, 6, 1},
                new UpSampling1D(3).call(K.constant(new double[] {1, 2}, 1, 2, 1)));
    }

    @Test
    void spatialDropoutDropsWholeChannels() {
        int channels = 40;
        double[] ones = new double[2 * 3 * 3 * channels];
        java.util.Arrays.fill(ones, 1);
        SpatialDropout2D layer = new SpatialDropout2D(0.5, 7L);
        double[] y = layer.call(K.constant(ones, 2, 3, 3, channels), true).toDoubleArray();
        int dropped = 0;
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < channels; c++) {
                double first = y[(b * 9) * channels + c];
                assertTrue(first == 0 || first == 2, "a kept channel is scaled by 1 / (1 - 0.5), got " + first);
                for (int i = 1; i < 9; i++) {
                    assertEquals(first, y[(b * 9 + i) * channels + c], "every cell of a channel shares its fate");
                }
                dropped += first == 0 ? 1 : 0;
            }
        }
        assertTrue(dropped > 20 && dropped < 60, "about half of 80 channels dropped, got " + dropped);
        assertTensor(ones, new int[] {2, 3, 3, channels}, layer.call(K.constant(ones, 2, 3, 3, channels), false));
        double[] seq = new SpatialDropout1D(0.5, 3L).call(K.ones(1, 4, 30), true).toDoubleArray();
        for (int c = 0; c < 30; c++) {
            for (int t = 1; t < 4; t++) {
                assertEquals(seq[c], seq[t * 30 + c]);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        LayerCheck.gradients(() -> new ZeroPadding2D(1, 2), new int[] {1, 2, 3, 2}, true, 41);
        LayerCheck.gradients(() -> new Cropping2D(1, 0, 1, 1), new int[] {1, 4, 4, 2}, true, 42);
        LayerCheck.gradients(() -> new UpSampling2D(2, 3), new int[] {1, 2, 2, 2}, true, 43);
        LayerCheck.gradients(() -> new Permute(2, 3, 1), new int[] {2, 2, 3, 2}, true, 44);
        LayerCheck.gradients(() -> new Flatten().dataFormat("channels_first"), new int[] {2, 2, 2, 3}, true, 45);
        LayerCheck.gradients(() -> new Reshape(-1, 3), new int[] {2, 2, 3}, true, 46);
    }
}
