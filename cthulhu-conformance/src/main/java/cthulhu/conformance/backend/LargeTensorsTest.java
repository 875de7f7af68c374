package cthulhu.conformance.backend;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static cthulhu.conformance.TensorAssert.assertTensor;

/**
 * Tensors large enough (over 65 536 elements, matrices over 100 × 100) that backends take their
 * threaded, blocked or vectorised paths: maps, broadcasting binaries, reductions on both axes,
 * argmax, matmul with transposes, softmax and a gradient, against plain Java in double.
 * Tolerances grow with the number of rounded terms summed in float32.
 */
class LargeTensorsTest extends ConformanceTestBase {

    private static final int ROWS = 300;
    private static final int COLS = 257;

    /** Sums of about n float32 terms: relative error grows like n·ε in the worst case. */
    private static Tolerance sumTolerance(int terms) {
        return K.dtype() == DType.FLOAT64 ? new Tolerance(1e-11, 1e-11 * terms) : new Tolerance(2e-4, 1e-6 * terms);
    }

    @Test
    void mapsAndBroadcastingBinaries() {
        double[] x = Reference.stored(Reference.uniform(ROWS * COLS, -3, 3, 71));
        double[] row = Reference.stored(Reference.uniform(COLS, -1, 1, 72));
        Tensor xt = K.constant(x, ROWS, COLS);
        int[] shape = {ROWS, COLS};
        assertTensor(Reference.map(x, Math::tanh), shape, K.tanh(xt), Tolerance.current().times(4));
        assertTensor(Reference.map(x, v -> 1 / (1 + Math.exp(-v))), shape, K.sigmoid(xt), Tolerance.current().times(4));
        assertTensor(Reference.map(x, v -> Math.sqrt(Math.abs(v))), shape, K.sqrt(K.abs(xt)), Tolerance.current());
        assertTensor(Reference.broadcast(x, shape, row, new int[] {COLS}, shape, (a, b) -> a * b + b), shape,
                K.add(K.multiply(xt, K.constant(row, COLS)), K.constant(row, COLS)), Tolerance.current().times(4));
        assertTensor(Reference.map(x, v -> Math.max(v, 0)), shape, K.relu(xt), Tolerance.current());
    }

    @Test
    void reductionsAlongEachAxisAndArgmax() {
        double[] x = Reference.stored(Reference.uniform(ROWS * COLS, -3, 3, 73));
        int[] shape = {ROWS, COLS};
        Tensor xt = K.constant(x, shape);
        assertTensor(Reference.reduce(x, shape, 0, Double::sum, 0), new int[] {COLS}, K.sum(xt, 0, false),
                sumTolerance(ROWS));
        assertTensor(Reference.reduce(x, shape, 1, Double::sum, 0), new int[] {ROWS}, K.sum(xt, -1, false),
                sumTolerance(COLS));
        assertTensor(Reference.reduce(x, shape, 0, Math::max, Double.NEGATIVE_INFINITY), new int[] {1, COLS},
                K.max(xt, 0, true), Tolerance.current());
        assertTensor(Reference.reduce(x, shape, 1, Math::min, Double.POSITIVE_INFINITY), new int[] {ROWS},
                K.min(xt, 1, false), Tolerance.current());
        double total = Arrays.stream(x).sum();
        assertTensor(new double[] {total / x.length}, new int[0], K.mean(xt), sumTolerance(x.length));
        double[] argmax = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 1; c < COLS; c++) {
                if (x[r * COLS + c] > x[r * COLS + (int) argmax[r]]) {
                    argmax[r] = c;
                }
            }
        }
        assertTensor(argmax, new int[] {ROWS}, K.argmax(xt, -1), new Tolerance(0, 0));
    }

    @Test
    void matmulWithAndWithoutTransposes() {
        int m = 131;
        int k = 257;
        int n = 97;
        double[] a = Reference.stored(Reference.uniform(m * k, -1, 1, 74));
        double[] b = Reference.stored(Reference.uniform(k * n, -1, 1, 75));
        double[] expected = Reference.matmul(a, b, m, k, n);
        Tolerance tol = sumTolerance(k);
        assertTensor(expected, new int[] {m, n}, K.matmul(K.constant(a, m, k), K.constant(b, k, n), false, false), tol);
        assertTensor(expected, new int[] {m, n},
                K.matmul(K.constant(Reference.transpose(a, m, k), k, m), K.constant(b, k, n), true, false), tol);
        assertTensor(expected, new int[] {m, n},
                K.matmul(K.constant(a, m, k), K.constant(Reference.transpose(b, k, n), n, k), false, true), tol);
        assertTensor(expected, new int[] {m, n}, K.dot(K.constant(a, m, k), K.constant(b, k, n)), tol);
    }

    @Test
    void softmaxOfLongRows() {
        double[] x = Reference.stored(Reference.uniform(64 * 1200, -20, 20, 76));
        int[] shape = {64, 1200};
        assertTensor(Reference.softmax(x, shape, 1), shape, K.softmax(K.constant(x, shape), -1),
                Tolerance.current().times(20));
        assertTensor(Reference.softmax(x, shape, 0), shape, K.softmax(K.constant(x, shape), 0),
                Tolerance.current().times(20));
    }

    @Test
    void gradientOfALargeElementwiseComposition() {
        // Reference: d/dx Σ tanh(x)·x = tanh(x) + x·(1 - tanh²(x)), in double at every element.
        double[] x = Reference.uniform(ROWS * COLS, -3, 3, 77);
        GradientCheck.checkElementwise(t -> K.multiply(K.tanh(t), t),
                v -> Math.tanh(v) + v * (1 - Math.tanh(v) * Math.tanh(v)), x, Tolerance.current().times(10));
    }
}
