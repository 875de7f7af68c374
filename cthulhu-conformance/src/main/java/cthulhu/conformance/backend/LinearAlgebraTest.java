package cthulhu.conformance.backend;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;

/**
 * {@code dot} with Keras's semantics for every combination of ranks, {@code matmul} with
 * transposes, and {@code dense}: values against sums of products written out in double, shapes
 * from the Keras documentation, errors naming the shapes, and gradients against central
 * differences.
 */
class LinearAlgebraTest extends ConformanceTestBase {

    private static double[] values(int n, long seed) {
        return Reference.uniform(n, -2, 2, seed);
    }

    private static double[] values(int[] shape, long seed) {
        return Reference.uniform(shape, -2, 2, seed);
    }

    private static Tolerance dotTolerance() {
        return Tolerance.current().times(10);
    }

    @Test
    void dotOfMatrices() {
        // Hand-worked: [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
        Tensor a = K.constant(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor b = K.constant(new double[] {5, 6, 7, 8}, 2, 2);
        assertTensor(new double[] {19, 22, 43, 50}, new int[] {2, 2}, K.dot(a, b));
        double[] x = values(15, 1);
        double[] y = values(20, 2);
        assertTensor(Reference.matmul(Reference.stored(x), Reference.stored(y), 3, 5, 4), new int[] {3, 4},
                K.dot(K.constant(x, 3, 5), K.constant(y, 5, 4)), dotTolerance());
    }

    @Test
    void dotOfRankThreeWithAMatrixContractsTheLastAxis() {
        // Keras: dot of (2, 3, 4) and (4, 5) has shape (2, 3, 5): a batch of row vectors times a matrix.
        double[] x = values(24, 3);
        double[] y = values(20, 4);
        assertTensor(Reference.matmul(Reference.stored(x), Reference.stored(y), 6, 4, 5), new int[] {2, 3, 5},
                K.dot(K.constant(x, 2, 3, 4), K.constant(y, 4, 5)), dotTolerance());
    }

    @Test
    void dotOfRankThreeWithRankThreeFollowsKeras() {
        // Keras documentation: x (2, 3, 4) · y (7, 4, 5) has shape (2, 3, 7, 5):
        // out[i, j, k, l] = Σ_p x[i, j, p] · y[k, p, l].
        double[] x = Reference.stored(values(24, 5));
        double[] y = Reference.stored(values(140, 6));
        double[] expected = new double[2 * 3 * 7 * 5];
        for (int i = 0; i < 6; i++) {
            for (int k = 0; k < 7; k++) {
                for (int l = 0; l < 5; l++) {
                    double s = 0;
                    for (int p = 0; p < 4; p++) {
                        s += x[i * 4 + p] * y[(k * 4 + p) * 5 + l];
                    }
                    expected[(i * 7 + k) * 5 + l] = s;
                }
            }
        }
        assertTensor(expected, new int[] {2, 3, 7, 5}, K.dot(K.constant(x, 2, 3, 4), K.constant(y, 7, 4, 5)),
                dotTolerance());
    }

    @Test
    void dotOfAMatrixWithRankThreeAndWithAVector() {
        // Keras: (2, 3) · (4, 3, 5) -> (2, 4, 5); (2, 3) · (3,) -> (2,).
        double[] x = Reference.stored(values(6, 7));
        double[] y = Reference.stored(values(60, 8));
        double[] expected = new double[2 * 4 * 5];
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                for (int l = 0; l < 5; l++) {
                    double s = 0;
                    for (int p = 0; p < 3; p++) {
                        s += x[i * 3 + p] * y[(k * 3 + p) * 5 + l];
                    }
                    expected[(i * 4 + k) * 5 + l] = s;
                }
            }
        }
        assertTensor(expected, new int[] {2, 4, 5}, K.dot(K.constant(x, 2, 3), K.constant(y, 4, 3, 5)), dotTolerance());
        double[] v = {1, -2, 0.5};
        assertTensor(Reference.matmul(x, Reference.stored(v), 2, 3, 1), new int[] {2},
                K.dot(K.constant(x, 2, 3), K.constant(v, 3)), dotTolerance());
    }

    @Test
    void dotOfAVectorWithAMatrixAndWithAVector() {
        // Keras: (3,) · (3, 2) -> (2,); (3,) · (3,) -> () — the inner product.
        Tensor v = K.constant(new double[] {1, -2, 0.5}, 3);
        assertTensor(new double[] {1 - 6 + 2.5, 2 - 8 + 3}, new int[] {2},
                K.dot(v, K.constant(new double[] {1, 2, 3, 4, 5, 6}, 3, 2)));
        assertTensor(new double[] {1 + 4 + 0.25}, new int[0], K.dot(v, v));
        GradientCheck.check(x -> K.dot(x, K.constant(new double[] {1, 2, 3, 4, 5, 6}, 3, 2)),
                new double[] {1, -2, 0.5}, 3);
    }

    @Test
    void dotRejectsAxesThatDoNotContract() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.dot(K.zeros(2, 3), K.zeros(4, 5)),
                "[2, 3]", "[4, 5]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.dot(K.zeros(2, 3, 4), K.zeros(3, 5)),
                "[2, 3, 4]", "[3, 5]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.dot(K.scalar(1), K.zeros(3)), "rank");
    }

    @ParameterizedTest(name = "transposeA={0}, transposeB={1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void matmulWithTransposes(boolean ta, boolean tb) {
        double[] a = Reference.stored(values(6, 9));   // op(a) is 2 × 3
        double[] b = Reference.stored(values(12, 10)); // op(b) is 3 × 4
        Tensor at = ta ? K.constant(Reference.transpose(a, 2, 3), 3, 2) : K.constant(a, 2, 3);
        Tensor bt = tb ? K.constant(Reference.transpose(b, 3, 4), 4, 3) : K.constant(b, 3, 4);
        assertTensor(Reference.matmul(a, b, 2, 3, 4), new int[] {2, 4}, K.matmul(at, bt, ta, tb), dotTolerance());
        double[] av = at.toDoubleArray();
        double[] bv = bt.toDoubleArray();
        int[] as = at.shape();
        int[] bs = bt.shape();
        GradientCheck.check(x -> K.matmul(x, K.constant(bv, bs), ta, tb), av, as);
        GradientCheck.check(y -> K.matmul(K.constant(av, as), y, ta, tb), bv, bs);
    }

    @Test
    void matmulRejectsMismatchedInnerDimensions() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.matmul(K.zeros(2, 3), K.zeros(2, 3), false, false), "[2, 3]", "3", "2");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.matmul(K.zeros(2, 3, 1), K.zeros(1, 3), false, false), "rank-2", "K.dot");
    }

    @Test
    void gradientsOfDotForEveryRankCombination() {
        int[][][] pairs = {
            {{3, 4}, {4, 2}}, {{2, 3, 4}, {4, 2}}, {{2, 3}, {2, 3, 2}}, {{2, 2, 3}, {2, 3, 2}}, {{2, 3}, {3}}};
        for (int[][] pair : pairs) {
            int[] sa = pair[0];
            int[] sb = pair[1];
            double[] a = values(sa, 11);
            double[] b = values(sb, 12);
            GradientCheck.check(x -> K.dot(x, K.constant(b, sb)), a, sa);
            GradientCheck.check(y -> K.dot(K.constant(a, sa), y), b, sb);
        }
    }

    // ---- dense ---------------------------------------------------------------------------------

    @Test
    void denseIsTheAffineMap() {
        double[] x = Reference.stored(values(6, 13));
        double[] w = Reference.stored(values(12, 14));
        double[] bias = Reference.stored(new double[] {0.5, -1, 2, 0});
        double[] expected = Reference.matmul(x, w, 2, 3, 4);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += bias[i % 4];
        }
        Tensor xt = K.constant(x, 2, 3);
        Tensor wt = K.constant(w, 3, 4);
        assertTensor(expected, new int[] {2, 4}, K.dense(xt, wt, K.constant(bias, 4)), dotTolerance());
        assertTensor(Reference.matmul(x, w, 2, 3, 4), new int[] {2, 4}, K.dense(xt, wt, null), dotTolerance());
    }

    @Test
    void denseContractsTheLastAxisOfHigherRanks() {
        double[] x = Reference.stored(values(12, 15));
        double[] w = Reference.stored(values(6, 16));
        double[] bias = {1, -1};
        double[] expected = Reference.matmul(x, w, 4, 3, 2);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += bias[i % 2];
        }
        assertTensor(expected, new int[] {2, 2, 2},
                K.dense(K.constant(x, 2, 2, 3), K.constant(w, 3, 2), K.constant(bias, 2)), dotTolerance());
    }

    @Test
    void denseRejectsShapesThatDoNotFit() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.dense(K.zeros(2, 3), K.zeros(4, 5), null), "[2, 3]", "[4, 5]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.dense(K.zeros(2, 3), K.zeros(3, 5), K.zeros(4)), "[3, 5]", "[4]");
    }

    @Test
    void gradientsOfDenseWithRespectToInputKernelAndBias() {
        double[] x = values(6, 17);
        double[] w = values(12, 18);
        double[] b = values(4, 19);
        GradientCheck.check(t -> K.tanh(K.dense(t, K.constant(w, 3, 4), K.constant(b, 4))), x, 2, 3);
        GradientCheck.check(t -> K.tanh(K.dense(K.constant(x, 2, 3), t, K.constant(b, 4))), w, 3, 4);
        GradientCheck.check(t -> K.tanh(K.dense(K.constant(x, 2, 3), K.constant(w, 3, 4), t)), b, 4);
        GradientCheck.check(t -> K.tanh(K.dense(K.reshape(t, 1, 2, 3), K.constant(w, 3, 4), K.constant(b, 4))), x, 2, 3);
        // Reference: ∂Σ(x·W + b)/∂b = the number of rows, for every unit.
        Tensor xt = K.constant(x, 2, 3);
        Tensor wt = K.constant(w, 3, 4);
        Tensor bt = K.constant(b, 4);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(bt);
            List<Tensor> g = tape.gradient(K.dense(xt, wt, bt), bt);
            assertClose(new double[] {2, 2, 2, 2}, g.get(0).toDoubleArray(), Tolerance.current(), "d/d bias");
        }
    }
}
