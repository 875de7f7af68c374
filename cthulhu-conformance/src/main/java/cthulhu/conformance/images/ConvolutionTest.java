package cthulhu.conformance.images;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.Backend;
import cthulhu.backend.ConvComposites;
import cthulhu.backend.K;
import cthulhu.backend.PoolOp;
import cthulhu.backend.Tensor;
import cthulhu.backend.Window;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.conformance.images.ConvReference.Geometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertShape;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The windowed operations of the backend — {@link K#conv}, {@link K#convTranspose},
 * {@link K#pool} and their gradients — against the direct loops of {@link ConvReference} in
 * double precision, hand-worked cases and central finite differences; and every backend
 * override against {@link ConvComposites} on the same backend ({@link Backend#convGradients}
 * against the two composites it combines); the biased convolution likewise, its bias's gradient
 * against sums of the output gradient.
 */
class ConvolutionTest extends ConformanceTestBase {

    /** A geometry with its input: batch, spatial shape, input and output channels. */
    record Case(String name, int n, int[] spatial, int cin, int cout, Geometry g) {

        Window window() {
            return new Window(g.size(), g.strides(), g.dilation(), g.before(), g.after());
        }

        int[] inShape() {
            return ConvReference.shape(n, spatial, cin);
        }

        int[] kernelShape() {
            int[] s = java.util.Arrays.copyOf(g.size(), g.rank() + 2);
            s[g.rank()] = cin;
            s[g.rank() + 1] = cout;
            return s;
        }

        int[] outShape(int channels) {
            return ConvReference.shape(n, g.out(spatial), channels);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Geometry geometry(int[] size, int[] strides, int[] dilation, int[] before, int[] after) {
        return new Geometry(size, strides, dilation, before, after);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("1-D stride 2, padding 1/1", 2, new int[] {7}, 2, 3,
                        geometry(new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, new int[] {1})),
                new Case("1-D dilation 3, causal padding", 1, new int[] {9}, 1, 2,
                        geometry(new int[] {2}, new int[] {1}, new int[] {3}, new int[] {3}, new int[] {0})),
                new Case("2-D asymmetric padding", 2, new int[] {5, 6}, 2, 3,
                        geometry(new int[] {3, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 0}, new int[] {1, 1})),
                new Case("2-D strides 2x3, same-like padding", 1, new int[] {7, 6}, 3, 2,
                        geometry(new int[] {3, 3}, new int[] {2, 3}, new int[] {1, 1}, new int[] {0, 1}, new int[] {1, 1})),
                new Case("2-D dilation 2, stride 2", 2, new int[] {8, 7}, 2, 2,
                        geometry(new int[] {2, 3}, new int[] {2, 1}, new int[] {2, 2}, new int[] {0, 0}, new int[] {0, 0})),
                new Case("2-D stride above size: unread cells", 1, new int[] {7, 7}, 2, 1,
                        geometry(new int[] {2, 2}, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0})));
    }

    /** Small cases for central differences, which evaluate the operation twice per element. */
    static Stream<Case> smallCases() {
        return Stream.of(
                new Case("1-D stride 2, padding 1/1", 1, new int[] {5}, 2, 2,
                        geometry(new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, new int[] {1})),
                new Case("2-D strides 2x1, dilation 2, asymmetric padding", 1, new int[] {5, 4}, 2, 2,
                        geometry(new int[] {2, 2}, new int[] {2, 1}, new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 1})));
    }

    /**
     * The cases above and larger ones, whose many channels and output rows take a backend's
     * blocked, threaded and vectorised paths (several blocks of rows, remainders of every tile
     * size); the 1-D and 2-D geometries cover strides, dilation and asymmetric padding.
     */
    static Stream<Case> agreementCases() {
        return Stream.concat(cases(), Stream.of(
                new Case("2-D 3x3 same padding, 16 -> 24 channels", 3, new int[] {12, 11}, 16, 24,
                        geometry(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1})),
                new Case("2-D 5x3 stride 2, dilation 1x2, padding 2/1, 9 -> 17 channels", 2, new int[] {17, 14}, 9, 17,
                        geometry(new int[] {5, 3}, new int[] {2, 2}, new int[] {1, 2}, new int[] {2, 0}, new int[] {1, 2})),
                new Case("1-D size 5 dilation 2, causal padding, 20 -> 9 channels", 4, new int[] {40}, 20, 9,
                        geometry(new int[] {5}, new int[] {1}, new int[] {2}, new int[] {8}, new int[] {0})),
                new Case("1-D size 4 stride 3, padding 0/3, 7 -> 33 channels", 5, new int[] {50}, 7, 33,
                        geometry(new int[] {4}, new int[] {3}, new int[] {1}, new int[] {0}, new int[] {3}))));
    }

    private static double[] input(Case c, long seed) {
        return Reference.stored(Reference.uniform(c.inShape(), -1, 1, seed));
    }

    private static double[] kernel(Case c, long seed) {
        return Reference.stored(Reference.uniform(c.kernelShape(), -1, 1, seed));
    }

    /** Sums of products of up to a few dozen terms, rounded in float32 along the way. */
    private static Tolerance sums() {
        return Tolerance.current().times(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convolutionMatchesTheDirectLoop(Case c) {
        double[] x = input(c, 1);
        double[] w = kernel(c, 2);
        Tensor y = K.conv(K.constant(x, c.inShape()), K.constant(w, c.kernelShape()), c.window());
        assertTensor(ConvReference.conv(x, c.n(), c.spatial(), c.cin(), w, c.cout(), c.g()), c.outShape(c.cout()), y, sums());
    }

    private static double[] bias(Case c, long seed) {
        return Reference.stored(Reference.uniform(new int[] {c.cout()}, -1, 1, seed));
    }

    /** {@code y[…, co] + bias[co]} over a channels-last {@code y} of {@code bias.length} channels. */
    private static double[] plusBias(double[] y, double[] bias) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += bias[i % bias.length];
        }
        return out;
    }

    /** {@code Σ g[…, co]} over every axis but the last, of a channels-last {@code g} of {@code channels} channels. */
    private static double[] channelSums(double[] g, int channels) {
        double[] out = new double[channels];
        for (int i = 0; i < g.length; i++) {
            out[i % channels] += g[i];
        }
        return out;
    }

    /**
     * {@code conv(x, w) + bias} against the direct loop plus the bias, and the gradients of
     * {@code Σ (conv(x, w) + bias) · gy}: the adjoint loops for {@code x} and {@code w},
     * {@code gy} summed over every axis but the last for the bias; with the input watched and, as
     * for a network's first convolution, not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void biasedConvolutionAndItsGradientsMatchTheLoops(Case c) {
        double[] x = input(c, 1);
        double[] w = kernel(c, 2);
        double[] bias = bias(c, 13);
        double[] gy = Reference.stored(Reference.uniform(c.outShape(c.cout()), -1, 1, 3));
        for (boolean watchInput : new boolean[] {true, false}) {
            Tensor xt = K.constant(x, c.inShape());
            Tensor wt = K.constant(w, c.kernelShape());
            Tensor bt = K.constant(bias, c.cout());
            List<Tensor> grads;
            try (GradientTape tape = GradientTape.open()) {
                tape.watch(watchInput ? List.of(xt, wt, bt) : List.of(wt, bt));
                Tensor y = K.conv(xt, wt, bt, c.window());
                assertTensor(plusBias(ConvReference.conv(x, c.n(), c.spatial(), c.cin(), w, c.cout(), c.g()), bias),
                        c.outShape(c.cout()), y, sums());
                Tensor loss = K.sum(K.multiply(y, K.constant(gy, c.outShape(c.cout()))));
                grads = tape.gradient(loss, watchInput ? List.of(xt, wt, bt) : List.of(wt, bt));
            }
            int k = 0;
            if (watchInput) {
                assertTensor(ConvReference.convTranspose(gy, c.n(), c.spatial(), c.cin(), w, c.cout(), c.g()), c.inShape(),
                        grads.get(k++), sums());
            }
            assertTensor(ConvReference.convKernelGradient(x, c.n(), c.spatial(), c.cin(), gy, c.cout(), c.g()),
                    c.kernelShape(), grads.get(k++), sums());
            assertTensor(channelSums(gy, c.cout()), new int[] {c.cout()}, grads.get(k), sums());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallCases")
    void biasedConvolutionGradientsMatchFiniteDifferences(Case c) {
        double[] x = input(c, 4);
        double[] w = kernel(c, 5);
        double[] bias = bias(c, 14);
        double[] gy = Reference.uniform(c.outShape(c.cout()), -1, 1, 6);
        int[] out = c.outShape(c.cout());
        GradientCheck.check(t -> K.multiply(K.conv(t, K.constant(w, c.kernelShape()), K.constant(bias, c.cout()), c.window()),
                K.constant(gy, out)), x, c.inShape());
        GradientCheck.check(t -> K.multiply(K.conv(K.constant(x, c.inShape()), t, K.constant(bias, c.cout()), c.window()),
                K.constant(gy, out)), w, c.kernelShape());
        GradientCheck.check(t -> K.multiply(K.conv(K.constant(x, c.inShape()), K.constant(w, c.kernelShape()), t, c.window()),
                K.constant(gy, out)), bias, c.cout());
    }

    @Test
    void aBiasOfAnotherShapeIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.conv(K.ones(1, 3, 3, 1), K.ones(2, 2, 1, 2), K.ones(3), Window.of(2, 2)), "bias", "[2]", "[3]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void transposedConvolutionMatchesTheDirectLoop(Case c) {
        double[] gy = Reference.stored(Reference.uniform(c.outShape(c.cout()), -1, 1, 3));
        double[] w = kernel(c, 2);
        Tensor dx = K.convTranspose(K.constant(gy, c.outShape(c.cout())), K.constant(w, c.kernelShape()), c.window(),
                c.spatial());
        assertTensor(ConvReference.convTranspose(gy, c.n(), c.spatial(), c.cin(), w, c.cout(), c.g()), c.inShape(), dx, sums());
    }

    /** The gradients of {@code Σ conv(x, w) · gy}: the adjoint loops of the reference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convolutionGradientsMatchTheAdjointLoops(Case c) {
        double[] x = input(c, 1);
        double[] w = kernel(c, 2);
        double[] gy = Reference.stored(Reference.uniform(c.outShape(c.cout()), -1, 1, 3));
        Tensor xt = K.constant(x, c.inShape());
        Tensor wt = K.constant(w, c.kernelShape());
        List<Tensor> grads;
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(List.of(xt, wt));
            Tensor loss = K.sum(K.multiply(K.conv(xt, wt, c.window()), K.constant(gy, c.outShape(c.cout()))));
            grads = tape.gradient(loss, List.of(xt, wt));
        }
        assertTensor(ConvReference.convTranspose(gy, c.n(), c.spatial(), c.cin(), w, c.cout(), c.g()), c.inShape(),
                grads.get(0), sums());
        assertTensor(ConvReference.convKernelGradient(x, c.n(), c.spatial(), c.cin(), gy, c.cout(), c.g()), c.kernelShape(),
                grads.get(1), sums());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallCases")
    void convolutionGradientsMatchFiniteDifferences(Case c) {
        double[] x = input(c, 4);
        double[] w = kernel(c, 5);
        double[] gy = Reference.uniform(c.outShape(c.cout()), -1, 1, 6);
        int[] out = c.outShape(c.cout());
        GradientCheck.check(t -> K.multiply(K.conv(t, K.constant(w, c.kernelShape()), c.window()), K.constant(gy, out)),
                x, c.inShape());
        GradientCheck.check(t -> K.multiply(K.conv(K.constant(x, c.inShape()), t, c.window()), K.constant(gy, out)),
                w, c.kernelShape());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallCases")
    void transposedConvolutionGradientsMatchFiniteDifferences(Case c) {
        int[] out = c.outShape(c.cout());
        double[] g = Reference.uniform(out, -1, 1, 7);
        double[] w = kernel(c, 8);
        double[] weights = Reference.uniform(c.inShape(), -1, 1, 9);
        GradientCheck.check(t -> K.multiply(K.convTranspose(t, K.constant(w, c.kernelShape()), c.window(), c.spatial()),
                K.constant(weights, c.inShape())), g, out);
        GradientCheck.check(t -> K.multiply(K.convTranspose(K.constant(g, out), t, c.window(), c.spatial()),
                K.constant(weights, c.inShape())), w, c.kernelShape());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void poolingMatchesTheDirectLoop(Case c) {
        double[] x = input(c, 10);
        Tensor xt = K.constant(x, c.inShape());
        assertTensor(ConvReference.pool(true, x, c.n(), c.spatial(), c.cin(), c.g()), c.outShape(c.cin()),
                K.pool(PoolOp.MAX, xt, c.window()));
        assertTensor(ConvReference.pool(false, x, c.n(), c.spatial(), c.cin(), c.g()), c.outShape(c.cin()),
                K.pool(PoolOp.AVERAGE, xt, c.window()), sums());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallCases")
    void poolingGradientsMatchFiniteDifferences(Case c) {
        // Distinct values more than 2h apart, so that no window's maximum ties or swaps under the differences.
        double[] x = input(c, 11);
        double[] weights = Reference.uniform(c.outShape(c.cin()), -1, 1, 12);
        int[] out = c.outShape(c.cin());
        for (PoolOp op : PoolOp.values()) {
            GradientCheck.check(t -> K.multiply(K.pool(op, t, c.window()), K.constant(weights, out)), x, c.inShape());
        }
    }

    /** Every override of the backend against the composite on the same backend. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("agreementCases")
    void overridesAgreeWithTheComposites(Case c) {
        Backend b = K.currentBackend();
        Window win = c.window();
        int[] out = c.outShape(c.cout());
        Tensor x = K.constant(input(c, 1), c.inShape());
        Tensor w = K.constant(kernel(c, 2), c.kernelShape());
        Tensor g = K.constant(Reference.uniform(out, -1, 1, 3), out);
        same(ConvComposites.conv(b, x, w, win), b.conv(x, w, win), "conv");
        same(ConvComposites.convTranspose(b, g, w, win, c.spatial()), b.convTranspose(g, w, win, c.spatial()),
                "convTranspose");
        same(ConvComposites.convKernelGradient(b, x, g, win), b.convKernelGradient(x, g, win), "convKernelGradient");
        for (boolean[] need : new boolean[][] {{true, true}, {true, false}, {false, true}}) {
            Tensor[] both = b.convGradients(x, w, g, win, need[0], need[1]);
            String what = "convGradients(input " + need[0] + ", kernel " + need[1] + ")";
            assertEquals(2, both.length, what);
            if (need[0]) {
                same(ConvComposites.convTranspose(b, g, w, win, c.spatial()), both[0], what + " input");
            } else {
                assertNull(both[0], what + " input");
            }
            if (need[1]) {
                same(ConvComposites.convKernelGradient(b, x, g, win), both[1], what + " kernel");
            } else {
                assertNull(both[1], what + " kernel");
            }
        }
        Tensor bias = K.constant(bias(c, 13), c.cout());
        for (Tensor bi : java.util.Arrays.asList(bias, null)) {
            for (boolean inputGradient : new boolean[] {true, false}) {
                String forward = "conv(bias " + (bi != null) + ", inputGradient " + inputGradient + ")";
                same(ConvComposites.conv(b, x, w, bi, win), b.conv(x, w, bi, win, inputGradient), forward);
                // Each request follows a forward of its own, so that a backend keeping the forward's
                // state for the gradients serves every combination from it, asked for or not.
                for (boolean[] need : new boolean[][] {{true, true, true}, {true, false, false}, {false, true, true},
                        {false, true, false}, {false, false, true}}) {
                    boolean biasNeed = need[2] && bi != null;
                    String what = forward + " then convGradients(input " + need[0] + ", kernel " + need[1] + ", bias "
                            + biasNeed + ")";
                    try (Tensor y = b.conv(x, w, bi, win, inputGradient)) {
                        Tensor[] expected = ConvComposites.convGradients(b, x, w, g, win, need[0], need[1], biasNeed);
                        Tensor[] actual = b.convGradients(x, w, bi, g, win, need[0], need[1], biasNeed);
                        assertEquals(3, actual.length, what);
                        boolean[] asked = {need[0], need[1], biasNeed};
                        for (int i = 0; i < 3; i++) {
                            if (asked[i]) {
                                same(expected[i], actual[i], what + " " + i);
                            } else {
                                assertNull(actual[i], what + " " + i);
                            }
                        }
                    }
                }
            }
        }
        int[] pooled = c.outShape(c.cin());
        Tensor gp = K.constant(Reference.uniform(pooled, -1, 1, 4), pooled);
        for (PoolOp op : PoolOp.values()) {
            try (Tensor y = ConvComposites.pool(b, op, x, win)) {
                same(ConvComposites.pool(b, op, x, win), b.pool(op, x, win), "pool " + op);
                same(ConvComposites.poolGradient(b, op, x, y, gp, win), b.poolGradient(op, x, y, gp, win),
                        "poolGradient " + op);
            }
        }
    }

    private static void same(Tensor expected, Tensor actual, String what) {
        try (expected; actual) {
            assertShape(expected.shape(), actual);
            // Sums of up to a few hundred products, added in another order by the override.
            assertClose(expected.toDoubleArray(), actual.toDoubleArray(), Tolerance.current().times(200),
                    what + " (expected: ConvComposites on the same backend)");
        }
    }

    @Test
    void handWorkedConvolutions() {
        // [1, 2, 3, 4] ⊛ [1, −1]: each pair's difference, −1.
        assertTensor(new double[] {-1, -1, -1}, new int[] {1, 3, 1},
                K.conv(K.constant(new double[] {1, 2, 3, 4}, 1, 4, 1), K.constant(new double[] {1, -1}, 2, 1, 1), Window.of(2)));
        // 1…9 in a 3×3 grid, summed over each 2×2 block: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9.
        assertTensor(new double[] {12, 16, 24, 28}, new int[] {1, 2, 2, 1},
                K.conv(K.constant(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1), K.ones(2, 2, 1, 1), Window.of(2, 2)));
    }

    @Test
    void handWorkedSamePaddedAveragePoolCountsOnlyRealCells() {
        // 3×3 grid 1…9, 2×2 windows with stride 2 and TensorFlow's same padding (0 before, 1 after):
        // {1,2,4,5} → 3, {3,6} → 4.5, {7,8} → 7.5, {9} → 9.
        Window w = new Window(new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1});
        Tensor x = K.constant(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);
        assertTensor(new double[] {3, 4.5, 7.5, 9}, new int[] {1, 2, 2, 1}, K.pool(PoolOp.AVERAGE, x, w));
        assertTensor(new double[] {5, 6, 8, 9}, new int[] {1, 2, 2, 1}, K.pool(PoolOp.MAX, x, w));
    }

    @Test
    void maxPoolSendsATiedGradientToTheFirstMaximum() {
        // TensorFlow's rule: a window whose maximum appears twice passes its gradient to the first.
        Tensor g = K.gradient(t -> K.pool(PoolOp.MAX, t, Window.of(2)), K.constant(new double[] {3, 3, 1, 2}, 1, 4, 1));
        assertTensor(new double[] {1, 1, 0, 1}, new int[] {1, 4, 1}, g);
    }

    @Test
    void aWindowLargerThanThePaddedInputIsAnError() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.conv(K.ones(1, 3, 3, 1), K.ones(4, 2, 1, 1), Window.of(4, 2)), "extent 4", "3 + 0 + 0 = 3");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.conv(K.ones(1, 3, 3), K.ones(2, 2, 1, 1), Window.of(2, 2)), "rank 4", "[1, 3, 3]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Window(new int[] {2}, new int[] {0}, new int[] {1}, new int[] {0}, new int[] {0}), "strides", "[0]");
    }
}
