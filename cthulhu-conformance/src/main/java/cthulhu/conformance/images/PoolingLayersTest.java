package cthulhu.conformance.images;

import cthulhu.backend.K;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.AveragePooling1D;
import cthulhu.layers.AveragePooling2D;
import cthulhu.layers.GlobalAveragePooling1D;
import cthulhu.layers.GlobalAveragePooling2D;
import cthulhu.layers.GlobalMaxPooling1D;
import cthulhu.layers.GlobalMaxPooling2D;
import cthulhu.layers.Layer;
import cthulhu.layers.MaxPooling1D;
import cthulhu.layers.MaxPooling2D;
import org.junit.jupiter.api.Test;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The pooling layers: windows, strides and Keras's padding against the direct loops of
 * {@link ConvReference} (averages with {@code same} padding count only the input's cells, as
 * TensorFlow's {@code avg_pool}); hand-worked cases; the global poolings against sums written
 * here; gradients against central differences.
 */
class PoolingLayersTest extends ConformanceTestBase {

    @Test
    void pooling2dMatchesTheLoopWithKerasPadding() {
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 7, 5, 3}, -1, 1, 1));
        for (String mode : new String[] {"valid", "same"}) {
            ConvReference.Geometry g = ConvLayersTest.geometry(mode, new int[] {7, 5}, new int[] {3, 2}, new int[] {2, 2},
                    new int[] {1, 1});
            int[] out = g.out(new int[] {7, 5});
            int[] shape = {2, out[0], out[1], 3};
            Layer max = new MaxPooling2D(3, 2).strides(2).padding(mode);
            Layer avg = new AveragePooling2D(3, 2).strides(2).padding(mode);
            assertTensor(ConvReference.pool(true, x, 2, new int[] {7, 5}, 3, g), shape, max.call(K.constant(x, 2, 7, 5, 3)));
            assertTensor(ConvReference.pool(false, x, 2, new int[] {7, 5}, 3, g), shape, avg.call(K.constant(x, 2, 7, 5, 3)),
                    Tolerance.current().times(8));
        }
    }

    @Test
    void pooling1dHandWorked() {
        // [1, 5, 2, 4, 3], windows of 2 every 2, same padding (0 before, 1 after): {1,5} {2,4} {3}.
        double[] x = {1, 5, 2, 4, 3};
        assertTensor(new double[] {5, 4, 3}, new int[] {1, 3, 1},
                new MaxPooling1D(2).padding("same").call(K.constant(x, 1, 5, 1)));
        assertTensor(new double[] {3, 3, 3}, new int[] {1, 3, 1},
                new AveragePooling1D(2).padding("same").call(K.constant(x, 1, 5, 1)));
        // valid, windows of 3 every 1: {1,5,2} {5,2,4} {2,4,3}.
        assertTensor(new double[] {8.0 / 3, 11.0 / 3, 3}, new int[] {1, 3, 1},
                new AveragePooling1D(3).strides(1).call(K.constant(x, 1, 5, 1)));
    }

    @Test
    void channelsFirstPoolsTheTrailingAxes() {
        // One channel of 2×4 values 1…8 in (c, h, w): 2×2 maxima 6 and 8.
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        assertTensor(new double[] {6, 8}, new int[] {1, 1, 1, 2},
                new MaxPooling2D(2).dataFormat("channels_first").call(K.constant(x, 1, 1, 2, 4)));
    }

    @Test
    void globalPoolingReducesEverySpatialAxis() {
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 3, 4, 5}, -1, 1, 2));
        double[] max = new double[10];
        double[] mean = new double[10];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 12; i++) {
                for (int c = 0; c < 5; c++) {
                    double v = x[(b * 12 + i) * 5 + c];
                    max[b * 5 + c] = Math.max(max[b * 5 + c], v);
                    mean[b * 5 + c] += v / 12;
                }
            }
        }
        assertTensor(max, new int[] {2, 5}, new GlobalMaxPooling2D().call(K.constant(x, 2, 3, 4, 5)));
        assertTensor(mean, new int[] {2, 5}, new GlobalAveragePooling2D().call(K.constant(x, 2, 3, 4, 5)),
                Tolerance.current().times(8));
        assertTensor(mean, new int[] {2, 1, 5}, new GlobalAveragePooling1D().keepdims(true).call(K.constant(x, 2, 12, 5)),
                Tolerance.current().times(8));
        assertTensor(max, new int[] {2, 5}, new GlobalMaxPooling1D().call(K.constant(x, 2, 12, 5)));
        assertArrayEquals(new int[] {5}, new GlobalMaxPooling2D().computeOutputShape(new int[] {3, 4, 5}));
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        LayerCheck.gradients(() -> new MaxPooling2D(2).padding("same"), new int[] {2, 5, 3, 2}, true, 31);
        LayerCheck.gradients(() -> new AveragePooling2D(3).strides(2).padding("same"), new int[] {1, 5, 4, 2}, true, 32);
        LayerCheck.gradients(() -> new MaxPooling1D(3).strides(1), new int[] {2, 6, 2}, true, 33);
        LayerCheck.gradients(() -> new AveragePooling1D(2), new int[] {2, 6, 2}, true, 34);
        LayerCheck.gradients(GlobalMaxPooling2D::new, new int[] {2, 3, 3, 2}, true, 35);
        LayerCheck.gradients(GlobalAveragePooling1D::new, new int[] {2, 4, 3}, true, 36);
    }
}
