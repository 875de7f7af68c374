package cthulhu.conformance.images;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.conformance.images.ConvReference.Geometry;
import cthulhu.layers.Conv1D;
import cthulhu.layers.Conv2D;
import cthulhu.layers.Conv2DTranspose;
import cthulhu.layers.DepthwiseConv2D;
import cthulhu.layers.Layer;
import cthulhu.layers.SeparableConv2D;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The convolution layers against the direct loops of {@link ConvReference}, with Keras's padding
 * worked out here independently (TensorFlow's {@code same}: {@code ⌈n/s⌉} outputs, the odd padding
 * cell after), Keras's weight layouts, activations and bias; their gradients with respect to the
 * input and every weight against central differences; and their output shapes and parameter
 * counts as Keras's {@code summary} shows them.
 */
class ConvLayersTest extends ConformanceTestBase {

    /** TensorFlow's padding of one axis: {@code {before, after}}. */
    static int[] padding(String mode, int n, int k, int s, int d) {
        int e = (k - 1) * d + 1;
        return switch (mode) {
            case "same" -> {
                int total = Math.max(((n + s - 1) / s - 1) * s + e - n, 0);
                yield new int[] {total / 2, total - total / 2};
            }
            case "causal" -> new int[] {e - 1, 0};
            default -> new int[] {0, 0};
        };
    }

    static Geometry geometry(String mode, int[] n, int[] k, int[] s, int[] d) {
        int[] before = new int[n.length];
        int[] after = new int[n.length];
        for (int i = 0; i < n.length; i++) {
            int[] p = padding(mode, n[i], k[i], s[i], d[i]);
            before[i] = p[0];
            after[i] = p[1];
        }
        return new Geometry(k, s, d, before, after);
    }

    private static Tolerance sums() {
        return Tolerance.current().times(20);
    }

    private static double[] addBiasRelu(double[] y, double[] bias, boolean relu) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += bias[i % bias.length];
            if (relu) {
                out[i] = Math.max(out[i], 0);
            }
        }
        return out;
    }

    @Test
    void conv2dSamePaddingStridesAndBiasMatchTheLoop() {
        int[] spatial = {7, 6};
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 7, 6, 3}, -1, 1, 1));
        double[][] w = LayerCheck.weights(() -> new Conv2D(4, 3), new int[] {7, 6, 3}, 2);
        Layer layer = LayerCheck.built(() -> new Conv2D(4, 3, "relu").strides(2).padding("same"), new int[] {7, 6, 3}, w);
        Geometry g = geometry("same", spatial, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1});
        double[] expected = addBiasRelu(ConvReference.conv(x, 2, spatial, 3, w[0], 4, g), w[1], true);
        assertTensor(expected, new int[] {2, 4, 3, 4}, layer.call(K.constant(x, 2, 7, 6, 3)), sums());
    }

    @Test
    void conv2dDilationAndRectangularKernel() {
        int[] spatial = {8, 9};
        double[] x = Reference.stored(Reference.uniform(new int[] {1, 8, 9, 2}, -1, 1, 3));
        double[][] w = LayerCheck.weights(() -> new Conv2D(3, 2).kernelSize(2, 3), new int[] {8, 9, 2}, 4);
        Layer layer = LayerCheck.built(() -> new Conv2D(3, 2).kernelSize(2, 3).dilationRate(2, 1).padding("same"),
                new int[] {8, 9, 2}, w);
        Geometry g = geometry("same", spatial, new int[] {2, 3}, new int[] {1, 1}, new int[] {2, 1});
        assertTensor(addBiasRelu(ConvReference.conv(x, 1, spatial, 2, w[0], 3, g), w[1], false), new int[] {1, 8, 9, 3},
                layer.call(K.constant(x, 1, 8, 9, 2)), sums());
    }

    @Test
    void conv2dChannelsFirstIsTheChannelsLastConvolutionTransposed() {
        // The channels-first layer sees (c, h, w): its output is the channels-last result with channels moved first.
        int n = 2;
        int c = 2;
        int h = 5;
        int wd = 4;
        double[] last = Reference.stored(Reference.uniform(new int[] {n, h, wd, c}, -1, 1, 5));
        double[] first = new double[last.length];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < h * wd; i++) {
                for (int ch = 0; ch < c; ch++) {
                    first[(b * c + ch) * h * wd + i] = last[(b * h * wd + i) * c + ch];
                }
            }
        }
        double[][] w = LayerCheck.weights(() -> new Conv2D(3, 3), new int[] {h, wd, c}, 6);
        Layer layer = LayerCheck.built(() -> new Conv2D(3, 3).padding("same").dataFormat("channels_first"),
                new int[] {c, h, wd}, w);
        double[] y = addBiasRelu(ConvReference.conv(last, n, new int[] {h, wd}, c, w[0], 3,
                geometry("same", new int[] {h, wd}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1})), w[1], false);
        double[] expected = new double[y.length];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < h * wd; i++) {
                for (int ch = 0; ch < 3; ch++) {
                    expected[(b * 3 + ch) * h * wd + i] = y[(b * h * wd + i) * 3 + ch];
                }
            }
        }
        assertTensor(expected, new int[] {n, 3, h, wd}, layer.call(K.constant(first, n, c, h, wd)), sums());
    }

    @Test
    void conv1dCausalPaddingSeesOnlyThePast() {
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 9, 2}, -1, 1, 7));
        double[][] w = LayerCheck.weights(() -> new Conv1D(3, 3), new int[] {9, 2}, 8);
        Layer layer = LayerCheck.built(() -> new Conv1D(3, 3).padding("causal").dilationRate(2), new int[] {9, 2}, w);
        Geometry g = geometry("causal", new int[] {9}, new int[] {3}, new int[] {1}, new int[] {2});
        assertTensor(addBiasRelu(ConvReference.conv(x, 2, new int[] {9}, 2, w[0], 3, g), w[1], false), new int[] {2, 9, 3},
                layer.call(K.constant(x, 2, 9, 2)), sums());
        // Hand-worked: a kernel [1, 1] over [1, 2, 3] with causal padding sums each step with the one before.
        Layer sum = LayerCheck.built(() -> new Conv1D(1, 2).padding("causal").useBias(false), new int[] {3, 1}, new double[] {1, 1});
        assertTensor(new double[] {1, 3, 5}, new int[] {1, 3, 1}, sum.call(K.constant(new double[] {1, 2, 3}, 1, 3, 1)));
    }

    @Test
    void conv2dTransposeIsTheAdjointOfConv2d() {
        // Keras's lengths: same → n·s; valid → n·s + max(k − s, 0).
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 3, 4, 3}, -1, 1, 9));
        for (String mode : new String[] {"same", "valid"}) {
            double[][] w = LayerCheck.weights(() -> new Conv2DTranspose(2, 3), new int[] {3, 4, 3}, 10);
            Layer layer = LayerCheck.built(() -> new Conv2DTranspose(2, 3).strides(2).padding(mode), new int[] {3, 4, 3}, w);
            int[] out = mode.equals("same") ? new int[] {6, 8} : new int[] {7, 9};
            Geometry g = geometry(mode, out, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1});
            // kernel (kh, kw, filters, in): as a forward convolution's kernel it maps filters → in.
            double[] expected = addBiasRelu(ConvReference.convTranspose(x, 2, out, 2, w[0], 3, g), w[1], false);
            assertTensor(expected, new int[] {2, out[0], out[1], 2}, layer.call(K.constant(x, 2, 3, 4, 3)), sums());
        }
    }

    /**
     * Keras's {@code output_padding}: the output length of {@code conv_utils.deconv_output_length},
     * {@code (n − 1)·s + e − 2·pad + output_padding} with {@code pad = ⌊e/2⌋} for same and 0 for
     * valid, and the transposed convolution of a convolution over that length with TensorFlow's
     * padding for it (what {@code conv2d_transpose} computes given that output shape).
     */
    @Test
    void conv2dTransposeOutputPaddingPicksTheLength() {
        double[] x = Reference.stored(Reference.uniform(new int[] {2, 3, 4, 3}, -1, 1, 11));
        int[][] paddings = {{1, 0}, {0, 1}, {1, 2}};
        for (String mode : new String[] {"same", "valid"}) {
            for (int[] op : paddings) {
                int[] s = {2, 3};
                int[] k = {3, 5};
                int[] out = new int[2];
                int[] in = {3, 4};
                for (int i = 0; i < 2; i++) {
                    out[i] = (in[i] - 1) * s[i] + k[i] - (mode.equals("same") ? 2 * (k[i] / 2) : 0) + op[i];
                }
                java.util.function.Supplier<Conv2DTranspose> factory =
                        () -> new Conv2DTranspose(2, 3).kernelSize(k).strides(s).padding(mode).outputPadding(op);
                double[][] w = LayerCheck.weights(factory, new int[] {3, 4, 3}, 12);
                Layer layer = LayerCheck.built(factory, new int[] {3, 4, 3}, w);
                Geometry g = geometry(mode, out, k, s, new int[] {1, 1});
                double[] expected = addBiasRelu(ConvReference.convTranspose(x, 2, out, 2, w[0], 3, g), w[1], false);
                assertTensor(expected, new int[] {2, out[0], out[1], 2}, layer.call(K.constant(x, 2, 3, 4, 3)), sums());
            }
        }
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Conv2DTranspose(2, 3).strides(2).outputPadding(2).computeOutputShape(new int[] {3, 4, 3}),
                "output_padding [2, 2]", "strides [2, 2]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Conv2DTranspose(2, 3).outputPadding(-1),
                "output_padding", "[-1]");
    }

    @Test
    void depthwiseAndSeparableConvolutionsConvolveEachChannelAlone() {
        int c = 3;
        int m = 2;
        double[] x = Reference.stored(Reference.uniform(new int[] {1, 5, 5, c}, -1, 1, 11));
        double[][] w = LayerCheck.weights(() -> new DepthwiseConv2D(3, m), new int[] {5, 5, c}, 12);
        Geometry g = geometry("same", new int[] {5, 5}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1});
        double[] depthwise = new double[25 * c * m];
        for (int ch = 0; ch < c; ch++) {
            double[] xc = new double[25];
            double[] kc = new double[9 * m];
            for (int i = 0; i < 25; i++) {
                xc[i] = x[i * c + ch];
            }
            for (int t = 0; t < 9; t++) {
                for (int j = 0; j < m; j++) {
                    kc[t * m + j] = w[0][(t * c + ch) * m + j];
                }
            }
            double[] yc = ConvReference.conv(xc, 1, new int[] {5, 5}, 1, kc, m, g);
            for (int i = 0; i < 25; i++) {
                for (int j = 0; j < m; j++) {
                    depthwise[i * c * m + ch * m + j] = yc[i * m + j];
                }
            }
        }
        Layer layer = LayerCheck.built(() -> new DepthwiseConv2D(3, m).padding("same"), new int[] {5, 5, c}, w);
        assertTensor(addBiasRelu(depthwise, w[1], false), new int[] {1, 5, 5, c * m}, layer.call(K.constant(x, 1, 5, 5, c)),
                sums());

        double[][] sw = LayerCheck.weights(() -> new SeparableConv2D(4, 3, m, null), new int[] {5, 5, c}, 12);
        assertArrayEquals(w[0], sw[0], "the same seed gives the same depthwise kernel");
        double[] pointwise = ConvReference.conv(depthwise, 1, new int[] {5, 5}, c * m, sw[1], 4,
                new Geometry(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}));
        Layer separable = LayerCheck.built(() -> new SeparableConv2D(4, 3, m, null).padding("same"), new int[] {5, 5, c}, sw);
        assertTensor(addBiasRelu(pointwise, sw[2], false), new int[] {1, 5, 5, 4}, separable.call(K.constant(x, 1, 5, 5, c)),
                sums());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        LayerCheck.gradients(() -> new Conv2D(2, 3, "tanh").strides(2).padding("same"), new int[] {2, 5, 4, 2}, true, 21);
        LayerCheck.gradients(() -> new Conv2D(2, 2).dataFormat("channels_first").dilationRate(2), new int[] {1, 2, 5, 5}, true, 22);
        LayerCheck.gradients(() -> new Conv1D(2, 3).padding("causal").strides(2), new int[] {2, 7, 2}, true, 23);
        LayerCheck.gradients(() -> new Conv2DTranspose(2, 3).strides(2).padding("same"), new int[] {1, 3, 3, 2}, true, 24);
        LayerCheck.gradients(() -> new DepthwiseConv2D(2, 2).padding("same"), new int[] {1, 4, 4, 2}, true, 25);
        LayerCheck.gradients(() -> new SeparableConv2D(3, 2, 1, null), new int[] {1, 4, 4, 2}, true, 26);
    }

    @Test
    void shapesAndParameterCountsAsKeras() {
        // Keras: Conv2D(32, 3) on 28×28×1 → (26, 26, 32), 3·3·1·32 + 32 = 320 parameters.
        assertShapeAndParams(new Conv2D(32, 3), new int[] {28, 28, 1}, new int[] {26, 26, 32}, 320);
        assertShapeAndParams(new Conv2D(8, 3).strides(2).padding("same"), new int[] {7, 7, 3}, new int[] {4, 4, 8}, 224);
        assertShapeAndParams(new Conv1D(16, 5).padding("causal"), new int[] {20, 4}, new int[] {20, 16}, 336);
        assertShapeAndParams(new Conv2DTranspose(6, 3).strides(2), new int[] {4, 4, 2}, new int[] {9, 9, 6}, 114);
        assertShapeAndParams(new DepthwiseConv2D(3, 2), new int[] {6, 6, 4}, new int[] {4, 4, 8}, 80);
        assertShapeAndParams(new SeparableConv2D(5, 3), new int[] {6, 6, 4}, new int[] {4, 4, 5}, 36 + 20 + 5);
        assertShapeAndParams(new Conv2D(4, 2).dataFormat("channels_first").useBias(false), new int[] {3, 5, 5},
                new int[] {4, 4, 4}, 48);
    }

    private static void assertShapeAndParams(Layer layer, int[] sample, int[] out, long params) {
        assertArrayEquals(out, layer.computeOutputShape(sample), layer + " output shape for " + Arrays.toString(sample));
        layer.ensureBuilt(sample);
        assertEquals(params, layer.countParams(), layer + " parameters");
        Tensor y = layer.call(K.zeros(concat(2, sample)));
        assertArrayEquals(concat(2, out), y.shape());
        layer.close();
    }

    static int[] concat(int n, int[] sample) {
        int[] s = new int[sample.length + 1];
        s[0] = n;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }
}
