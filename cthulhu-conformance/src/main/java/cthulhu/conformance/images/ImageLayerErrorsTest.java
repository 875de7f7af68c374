package cthulhu.conformance.images;

import cthulhu.backend.K;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.AveragePooling2D;
import cthulhu.layers.Conv1D;
import cthulhu.layers.Conv2D;
import cthulhu.layers.Cropping2D;
import cthulhu.layers.Flatten;
import cthulhu.layers.MaxPooling2D;
import cthulhu.layers.Reshape;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;

/**
 * Bad input to the image layers fails when the layer is built (or the option set), with a message
 * naming the layer, the values or shapes, and the fix.
 */
class ImageLayerErrorsTest extends ConformanceTestBase {

    @Test
    void aKernelLargerThanThePaddedInput() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Conv2D(4, 5).ensureBuilt(new int[] {3, 3, 1}), "Conv2D conv2d", "[5, 5]", "spans 5 cells",
                "[3, 3]", "padding 'same'");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Conv1D(2, 3).dilationRate(3).ensureBuilt(new int[] {6, 1}), "Conv1D", "dilation [3]", "spans 7 cells");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new MaxPooling2D(4).ensureBuilt(new int[] {3, 8, 2}), "MaxPooling2D", "spans 4 cells", "[3, 8]");
        Sequential model = new Sequential();
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> model.add(new Conv2D(4, 5).inputShape(4, 4, 1)), "Conv2D", "spans 5 cells");
    }

    @Test
    void stridesDilationAndSizesMustBePositive() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(4, 3).strides(0), "Conv2D", "strides",
                "[0]", "positive");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(4, 3).dilationRate(1, -1), "dilation_rate",
                "[1, -1]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(0, 3), "Conv2D", "filters", "0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(2, 3).kernelSize(3, 3, 3), "kernel_size",
                "1 or 2 integers", "[3, 3, 3]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new AveragePooling2D(2).strides(-2), "strides", "[-2]");
    }

    @Test
    void unknownPaddingOrDataFormat() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(4, 3).padding("full"), "Conv2D",
                "unknown padding 'full'", "'valid' or 'same'");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(4, 3).padding("causal"), "'causal'");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(4, 3).dataFormat("NHWC"), "Conv2D",
                "unknown data format 'NHWC'", "channels_last", "channels_first");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new MaxPooling2D(2).dataFormat("channels_middle"),
                "MaxPooling2D", "channels_middle");
    }

    @Test
    void aRankThreeInputToConv2d() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2D(4, 3).call(K.zeros(2, 8, 8)), "Conv2D",
                "rank 3 (rows, cols, channels)", "batches of rank 4", "[8, 8]", "add a channel axis");
    }

    @Test
    void flattenOfAnUnknownDimensionAndReshapeToAnotherSize() {
        Sequential model = new Sequential();
        model.add(new Conv2D(2, 3).inputShape(-1, 8, 1));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> model.add(new Flatten()), "Flatten", "unknown dimension",
                "declare the full input shape");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Reshape(5, 5).ensureBuilt(new int[] {4, 6}), "Reshape",
                "[4, 6] (24 elements)", "[5, 5] (25 elements)", "same number of elements");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Reshape(5, -1).ensureBuilt(new int[] {4, 6}),
                "Reshape", "do not divide 24");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Reshape(-1, -1), "more than one -1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Cropping2D(2).ensureBuilt(new int[] {4, 4, 1}),
                "Cropping2D", "removes all");
    }
}
