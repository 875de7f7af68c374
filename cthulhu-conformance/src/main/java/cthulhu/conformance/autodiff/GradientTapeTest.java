package cthulhu.conformance.autodiff;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.ForeignBackend;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GradientTape} and {@link K#gradient}: several sources at once, a source the target does
 * not depend on, gradients of broadcast operands summed back to their shapes, a tensor used
 * several times, non-differentiable paths and the closed tape. References are hand-worked
 * derivatives and central differences.
 */
class GradientTapeTest extends ConformanceTestBase {

    private static Tolerance tolerance() {
        return Tolerance.current().times(10);
    }

    @Test
    void severalSourcesAtOnce() {
        double[] xv = {0.5, -1, 2};
        double[] yv = {1.5, 0.25, -3};
        Tensor x = K.constant(xv, 3);
        Tensor y = K.constant(yv, 3);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(List.of(x, y));
            Tensor target = K.add(K.multiply(x, y), K.square(x));
            List<Tensor> g = tape.gradient(target, x, y);
            // Reference: ∂Σ(xy + x²)/∂x = y + 2x, ∂/∂y = x.
            double[] dx = new double[3];
            double[] sx = Reference.stored(xv);
            double[] sy = Reference.stored(yv);
            for (int i = 0; i < 3; i++) {
                dx[i] = sy[i] + 2 * sx[i];
            }
            assertTensor(dx, new int[] {3}, g.get(0), tolerance());
            assertTensor(sx, new int[] {3}, g.get(1), tolerance());
        }
    }

    @Test
    void splitGivesEqualPiecesWhoseGradientIsTheirConcatenation() {
        // x [3, 4] in 2 pieces along axis 1: columns 0-1 and 2-3. Target Σ(2·p0) + Σ(p0²): the
        // gradient is 2 + 2x on the first piece's columns, 0 on the unused second piece's.
        double[] xv = Reference.uniform(12, -1, 1, 5);
        double[] sx = Reference.stored(xv);
        Tensor x = K.constant(xv, 3, 4);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(x);
            List<Tensor> pieces = K.split(x, 1, 2);
            assertEquals(2, pieces.size());
            assertTensor(new double[] {sx[2], sx[3], sx[6], sx[7], sx[10], sx[11]}, new int[] {3, 2}, pieces.get(1));
            Tensor p0 = pieces.get(0);
            Tensor target = K.add(K.sum(K.multiply(p0, 2)), K.sum(K.square(p0)));
            double[] expected = new double[12];
            for (int i = 0; i < 12; i++) {
                expected[i] = i % 4 < 2 ? 2 + 2 * sx[i] : 0;
            }
            assertTensor(expected, new int[] {3, 4}, tape.gradient(target, x).get(0), tolerance());
        }
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.split(x, 0, 2), "size 3", "2 equal parts");
    }

    @Test
    void aSourceTheTargetDoesNotDependOnGetsZerosOfItsShape() {
        Tensor x = K.constant(new double[] {1, 2}, 2);
        Tensor unused = K.constant(new double[] {3, 4, 5, 6, 7, 8}, 2, 3);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(x);
            tape.watch(unused);
            List<Tensor> g = tape.gradient(K.exp(x), x, unused);
            assertTensor(new double[6], new int[] {2, 3}, g.get(1));
            assertEquals(K.dtype(), g.get(1).dtype());
        }
        Tensor never = K.ones(4);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(x);
            assertTensor(new double[4], new int[] {4}, tape.gradient(K.square(x), never).get(0));
        }
    }

    @Test
    void gradientsOfBroadcastOperandsSumBackToTheirShapes() {
        // Reference: for y = x · b + c with x [2, 3], b [3], c [2, 1]: ∂Σy/∂x = b repeated,
        // ∂Σy/∂b = the column sums of x, ∂Σy/∂c = 3 per row.
        double[] xv = {1, 2, 3, 4, 5, 6};
        Tensor x = K.constant(xv, 2, 3);
        Tensor b = K.constant(new double[] {0.5, -1, 2}, 3);
        Tensor c = K.constant(new double[] {7, 8}, 2, 1);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(List.of(x, b, c));
            List<Tensor> g = tape.gradient(K.add(K.multiply(x, b), c), x, b, c);
            assertTensor(new double[] {0.5, -1, 2, 0.5, -1, 2}, new int[] {2, 3}, g.get(0), tolerance());
            assertTensor(new double[] {5, 7, 9}, new int[] {3}, g.get(1), tolerance());
            assertTensor(new double[] {3, 3}, new int[] {2, 1}, g.get(2), tolerance());
        }
        // And an outer product [2, 1] · [1, 3] through a scalar tensor: ∂/∂s Σ(u·v·s) = Σu · Σv.
        Tensor u = K.constant(new double[] {1, 2}, 2, 1);
        Tensor v = K.constant(new double[] {3, 4, 5}, 1, 3);
        Tensor s = K.scalar(2);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(List.of(u, v, s));
            List<Tensor> g = tape.gradient(K.multiply(K.multiply(u, v), s), u, v, s);
            assertTensor(new double[] {24, 24}, new int[] {2, 1}, g.get(0), tolerance());
            assertTensor(new double[] {6, 6, 6}, new int[] {1, 3}, g.get(1), tolerance());
            assertTensor(new double[] {36}, new int[0], g.get(2), tolerance());
        }
    }

    @Test
    void aTensorUsedSeveralTimesAccumulatesItsGradients() {
        // Reference: d/dx Σ(x·x·x + exp(x) + x) = 3x² + eˣ + 1, by central differences too.
        double[] xv = {-1, 0.5, 2};
        GradientCheck.check(x -> K.add(K.add(K.multiply(K.multiply(x, x), x), K.exp(x)), x), xv, 3);
        double[] expected = Reference.map(xv, v -> 3 * v * v + Math.exp(v) + 1);
        assertTensor(expected, new int[] {3}, K.gradient(x -> K.add(K.add(K.multiply(K.multiply(x, x), x), K.exp(x)), x),
                K.constant(xv, 3)), tolerance());
    }

    @Test
    void theGradientOfTheSourceItselfIsOnes() {
        Tensor x = K.constant(new double[] {3, -4}, 2);
        assertTensor(new double[] {1, 1}, new int[] {2}, K.gradient(t -> t, x));
    }

    @Test
    void nonDifferentiablePathsContributeNothing() {
        // argmax, comparisons and sign carry no gradient: only the x² term does.
        Tensor x = K.constant(new double[] {1, 3, 2, -1}, 2, 2);
        Tensor g = K.gradient(t -> K.add(K.square(t), K.add(K.greater(t, 1.5), K.sign(t))), x);
        assertTensor(new double[] {2, 6, 4, -2}, new int[] {2, 2}, g, tolerance());
        Tensor h = K.gradient(t -> K.add(K.sum(t, 1, false), K.argmax(t, 1)), x);
        assertTensor(new double[] {1, 1, 1, 1}, new int[] {2, 2}, h, tolerance());
    }

    @Test
    void gradientOfACompositeModelMatchesCentralDifferences() {
        // A small two-layer network, loss = mean((tanh(x·W1)·W2 - y)²), differentiated in W1.
        double[] x = Reference.uniform(8, -1, 1, 51);
        double[] w1 = Reference.uniform(12, -1, 1, 52);
        double[] w2 = Reference.uniform(3, -1, 1, 53);
        double[] y = {0.5, -0.5};
        GradientCheck.check(w -> K.mean(K.square(K.subtract(
                K.dot(K.tanh(K.dot(K.constant(x, 2, 4), w)), K.constant(w2, 3, 1)), K.constant(y, 2, 1)))), w1, 4, 3);
    }

    @Test
    void aScopeClosedInsideATapeLeavesTheTapeWhatItNeeds() {
        // The rule of exp reads exp's output, made in the inner scope and not kept by it: the tape
        // must still find it intact, and release it when the tape closes. Closure is observed on a
        // ForeignBackend wrapping the backend under test. Reference: d/dx Σ eˣ = eˣ.
        Backend foreign = new ForeignBackend(K.currentBackend());
        K.withBackend(foreign, () -> {
            Tensor x = K.constant(new double[] {0.5, -1}, 2);
            Tensor exp;
            try (GradientTape tape = GradientTape.open()) {
                tape.watch(x);
                Tensor loss;
                try (TensorScope scope = TensorScope.open()) {
                    exp = K.exp(x);
                    loss = scope.keep(K.sum(exp));
                }
                assertFalse(exp.isClosed(), "the tape still needs exp's output");
                assertTensor(Reference.map(new double[] {0.5, -1}, Math::exp), new int[] {2},
                        tape.gradient(loss, x).get(0), tolerance());
            }
            assertTrue(exp.isClosed(), "released when the tape closed");
            return null;
        });
    }

    @Test
    void aScopeClosedAfterTheTapeReleasesEverything() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        K.withBackend(foreign, () -> {
            Tensor x = K.constant(new double[] {0.5, -1}, 2);
            Tensor exp;
            try (TensorScope scope = TensorScope.open(); GradientTape tape = GradientTape.open()) {
                tape.watch(x);
                exp = K.exp(x);
                tape.gradient(K.sum(exp), x);
            }
            assertTrue(exp.isClosed());
            return null;
        });
    }

    @Test
    void aClosedTapeRefusesToComputeGradients() {
        Tensor x = K.ones(2);
        GradientTape tape = GradientTape.open();
        tape.watch(x);
        Tensor y = K.square(x);
        tape.close();
        assertThrowsWithMessage(IllegalStateException.class, () -> tape.gradient(y, x), "closed");
    }

    @Test
    void operationsOutsideTheTapeAreNotRecorded() {
        Tensor x = K.constant(new double[] {2, 3}, 2);
        Tensor before = K.square(x);
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(x);
            // `before` was computed before the tape opened: the target depends on x only through 3x.
            Tensor target = K.add(before, K.multiply(x, 3));
            assertClose(new double[] {3, 3}, tape.gradient(target, x).get(0).toDoubleArray(), tolerance(), "d/dx");
        }
    }
}
