package cthulhu.conformance.backend;

import cthulhu.backend.DType;
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

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The shape operations: {@code transpose}, {@code reshape} (with {@code -1}), {@code flatten},
 * {@code slice}, {@code concatenate}, {@code gather}, {@code broadcastTo} and {@code cast}:
 * element orders worked by hand or by index arithmetic in the test, errors naming the shapes, and
 * gradients against central differences.
 */
class ShapeOpsTest extends ConformanceTestBase {

    /** 0, 1, …, n - 1: each element names its row-major position, so moves are visible exactly. */
    private static double[] iota(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    private static final double[] SMOOTH = Reference.uniform(24, -2, 2, 23);

    @Test
    void transposeReversesTheAxes() {
        // [[0, 1, 2], [3, 4, 5]]ᵀ = [[0, 3], [1, 4], [2, 5]].
        assertExactly(new double[] {0, 3, 1, 4, 2, 5}, K.transpose(K.constant(iota(6), 2, 3)));
        Tensor t = K.transpose(K.constant(iota(24), 2, 3, 4));
        assertTensor(permuted(new int[] {2, 3, 4}, new int[] {2, 1, 0}), new int[] {4, 3, 2}, t);
        GradientCheck.check(x -> K.multiply(K.transpose(x), K.constant(iota(24), 4, 3, 2)), SMOOTH, 2, 3, 4);
    }

    @ParameterizedTest(name = "perm = [{0}, {1}, {2}]")
    @CsvSource({"0, 1, 2", "0, 2, 1", "1, 0, 2", "1, 2, 0", "2, 0, 1", "-1, 0, -2"})
    void transposeByPermutation(int p0, int p1, int p2) {
        int[] perm = {p0, p1, p2};
        int[] normal = {Math.floorMod(p0, 3), Math.floorMod(p1, 3), Math.floorMod(p2, 3)};
        int[] shape = {2, 3, 4};
        int[] outShape = {shape[normal[0]], shape[normal[1]], shape[normal[2]]};
        assertTensor(permuted(shape, normal), outShape, K.transpose(K.constant(iota(24), shape), perm));
        GradientCheck.check(x -> K.multiply(K.transpose(x, perm), K.constant(iota(24), outShape)), SMOOTH, shape);
    }

    /** The row-major values of iota(shape) with its axes permuted: out axis i is input axis perm[i]. */
    private static double[] permuted(int[] shape, int[] perm) {
        int[] out = {shape[perm[0]], shape[perm[1]], shape[perm[2]]};
        int[] strides = {shape[1] * shape[2], shape[2], 1};
        double[] r = new double[24];
        int n = 0;
        for (int i = 0; i < out[0]; i++) {
            for (int j = 0; j < out[1]; j++) {
                for (int k = 0; k < out[2]; k++) {
                    r[n++] = i * strides[perm[0]] + j * strides[perm[1]] + k * strides[perm[2]];
                }
            }
        }
        return r;
    }

    @Test
    void transposeRejectsABadPermutation() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.transpose(K.zeros(2, 3), 0, 0), "repeats");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.transpose(K.zeros(2, 3), 0, 1, 2), "[0, 1, 2]");
    }

    @Test
    void reshapeKeepsRowMajorOrderAndResolvesMinusOne() {
        Tensor x = K.constant(iota(24), 2, 3, 4);
        assertTensor(iota(24), new int[] {6, 4}, K.reshape(x, 6, 4));
        assertTensor(iota(24), new int[] {4, 6}, K.reshape(x, -1, 6));
        assertTensor(iota(24), new int[] {2, 12}, K.reshape(x, 2, -1));
        assertTensor(iota(24), new int[] {2, 3, 2, 2}, K.reshape(x, 2, 3, -1, 2));
        assertTensor(iota(24), new int[] {24}, K.flatten(x));
        assertTensor(new double[] {5}, new int[0], K.reshape(K.constant(new double[] {5}, 1, 1)));
        GradientCheck.check(t -> K.multiply(K.reshape(t, 4, -1), K.constant(iota(24), 4, 6)), SMOOTH, 2, 3, 4);
        GradientCheck.check(t -> K.multiply(K.flatten(t), K.constant(iota(24), 24)), SMOOTH, 2, 3, 4);
    }

    @Test
    void reshapeRejectsAnotherSizeOrTwoUnknowns() {
        Tensor x = K.zeros(2, 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.reshape(x, 4, 2), "[2, 3]", "[4, 2]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.reshape(x, -1, 4), "[2, 3]", "[-1, 4]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.reshape(x, -1, -1), "-1");
    }

    @Test
    void sliceAlongAnyAxisIncludingNegative() {
        Tensor x = K.constant(iota(24), 2, 3, 4);
        assertTensor(new double[] {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, new int[] {1, 3, 4}, K.slice(x, 0, 1, 2));
        assertTensor(new double[] {4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23}, new int[] {2, 2, 4},
                K.slice(x, 1, 1, 3));
        assertTensor(new double[] {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}, new int[] {2, 3, 2}, K.slice(x, -1, 1, 3));
        assertTensor(new double[0], new int[] {2, 0, 4}, K.slice(x, 1, 2, 2));
        GradientCheck.check(t -> K.square(K.slice(t, -1, 1, 3)), SMOOTH, 2, 3, 4);
        GradientCheck.check(t -> K.square(K.slice(t, 1, 0, 1)), SMOOTH, 2, 3, 4);
    }

    @Test
    void sliceOutOfRangeIsRejected() {
        Tensor x = K.zeros(2, 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.slice(x, 1, 1, 4), "[1, 4)", "size 3", "[2, 3]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.slice(x, 0, 2, 1), "[2, 1)");
    }

    @Test
    void concatenateAlongAnyAxisIncludingNegative() {
        Tensor a = K.constant(new double[] {0, 1, 2, 3}, 2, 2);
        Tensor b = K.constant(new double[] {4, 5}, 2, 1);
        Tensor c = K.constant(new double[] {6, 7, 8, 9, 10, 11}, 2, 3);
        assertTensor(new double[] {0, 1, 4, 6, 7, 8, 2, 3, 5, 9, 10, 11}, new int[] {2, 6},
                K.concatenate(List.of(a, b, c), -1));
        assertTensor(new double[] {0, 1, 2, 3, 0, 1, 2, 3}, new int[] {4, 2}, K.concatenate(List.of(a, a), 0));
        double[] s = SMOOTH;
        GradientCheck.check(t -> K.square(K.concatenate(List.of(t, K.constant(iota(8), 2, 1, 4), t), 1)), s, 2, 3, 4);
        GradientCheck.check(t -> K.square(K.concatenate(List.of(K.constant(iota(8), 2, 1, 4), t), -2)), s, 2, 3, 4);
    }

    @Test
    void concatenateRejectsShapesThatDifferOffTheAxis() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.concatenate(List.of(K.zeros(2, 2), K.zeros(3, 2)), 1), "[2, 2]", "[3, 2]");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> K.concatenate(List.of(K.zeros(2, 2), K.zeros(2)), 0), "[2, 2]", "[2]");
    }

    @Test
    void gatherTakesRowsInOrderWithRepeats() {
        Tensor x = K.constant(iota(12), 4, 3);
        assertTensor(new double[] {9, 10, 11, 0, 1, 2, 9, 10, 11}, new int[] {3, 3}, K.gather(x, 3, 0, 3));
        assertTensor(new double[] {1, 1, 0}, new int[] {3}, K.gather(K.constant(new double[] {0, 1}, 2), 1, 1, 0));
        // Reference for the gradient of a gather with a repeated index: the row's gradients add up.
        GradientCheck.check(t -> K.square(K.gather(t, 3, 0, 3, 1)), Reference.uniform(12, -2, 2, 3), 4, 3);
        GradientCheck.check(t -> K.square(K.gather(t, 1, 1)), Reference.uniform(8, -2, 2, 4), 2, 2, 2);
    }

    @Test
    void gatherRejectsAnIndexOutOfRange() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.gather(K.zeros(4, 3), 0, 4), "Index 4", "size 4");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.gather(K.zeros(4, 3), -1), "Index -1");
    }

    @Test
    void broadcastToRepeatsAlongSizeOneAndNewLeadingAxes() {
        assertTensor(new double[] {1, 2, 3, 1, 2, 3}, new int[] {2, 3}, K.broadcastTo(K.constant(new double[] {1, 2, 3}, 3), 2, 3));
        assertTensor(new double[] {1, 1, 2, 2, 1, 1, 2, 2}, new int[] {2, 2, 2},
                K.broadcastTo(K.constant(new double[] {1, 2}, 2, 1), 2, 2, 2));
        assertTensor(new double[] {7, 7, 7}, new int[] {3}, K.broadcastTo(K.scalar(7), 3));
        // Reference: the gradient of a broadcast sums over the repeats.
        GradientCheck.check(t -> K.multiply(K.broadcastTo(t, 2, 3, 4), K.constant(iota(24), 2, 3, 4)),
                new double[] {0.5, -1, 2}, 3, 1);
    }

    @Test
    void broadcastToRejectsATargetTheShapeDoesNotBroadcastTo() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.broadcastTo(K.zeros(2, 3), 3, 3), "[2, 3]", "[3, 3]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.broadcastTo(K.zeros(2, 3), 3), "[2, 3]", "[3]");
    }

    @Test
    void castIsDifferentiableAndKeepsValuesWithinTheTargetPrecision() {
        DType other = K.dtype() == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        Tensor x = K.constant(new double[] {1.5, -2.25, 1e-3}, 3);
        Tensor y = K.cast(x, other);
        assertEquals(other, y.dtype());
        assertExactly(new double[] {1.5, -2.25, other == DType.FLOAT32 ? (float) 1e-3 : Reference.stored(1e-3)[0]}, y);
        // Reference: d(x²)/dx = 2x; the square is computed in the other type, so float32 precision at best.
        GradientCheck.checkElementwise(t -> K.cast(K.square(K.cast(t, other)), K.dtype()), v -> 2 * v,
                new double[] {0.5, -1.5, 2}, Tolerance.FLOAT32.times(10));
    }
}
