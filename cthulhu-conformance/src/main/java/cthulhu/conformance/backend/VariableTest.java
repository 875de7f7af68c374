package cthulhu.conformance.backend;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.Backend;
import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.ForeignBackend;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Variable}: a mutable slot that owns its tensor. Assigning releases the old value (seen
 * through {@link ForeignBackend}), shapes and types are checked with messages naming both, and
 * an update computed in a scope and kept survives the scope — the pattern of a training step.
 */
class VariableTest extends ConformanceTestBase {

    @Test
    void assignReplacesTheValueAndReleasesTheOldOne() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        K.withBackend(foreign, () -> {
            Tensor first = K.constant(new double[] {1, 2}, 2);
            Variable v = new Variable("kernel", first, true);
            Tensor second = K.constant(new double[] {3, 4}, 2);
            v.assign(second);
            assertTrue(first.isClosed(), "the old value is released");
            assertFalse(second.isClosed());
            v.assign(second);
            assertFalse(second.isClosed(), "assigning the held tensor again keeps it");
            v.close();
            assertTrue(second.isClosed(), "closing the variable releases its value");
            return null;
        });
    }

    @Test
    void assignRejectsAnotherShapeOrType() {
        Variable v = new Variable("bias", K.zeros(3), true);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> v.assign(K.zeros(4)), "[4]", "[3]", "'bias'");
        DType other = K.dtype() == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        assertThrowsWithMessage(IllegalArgumentException.class, () -> v.assign(K.zeros(other, 3)), "'bias'", "K.cast");
        assertArrayEquals(new int[] {3}, v.shape());
    }

    @Test
    void aGradientStepInAScopeKeepsOnlyTheNewValue() {
        // One step of gradient descent on Σ(w - t)², learning rate 0.25: w ← w - 0.25 · 2(w - t) = (w + t) / 2.
        Variable w = new Variable("w", K.constant(new double[] {1, -3, 5}, 3), true);
        Tensor target = K.constant(new double[] {3, 1, 5}, 3);
        for (int step = 0; step < 2; step++) {
            try (TensorScope scope = TensorScope.open(); GradientTape tape = GradientTape.open()) {
                Tensor value = w.value();
                tape.watch(value);
                Tensor loss = K.sum(K.square(K.subtract(value, target)));
                Tensor grad = tape.gradient(loss, value).get(0);
                w.assign(scope.keep(K.subtract(value, K.multiply(grad, 0.25))));
            }
        }
        assertTensor(new double[] {2.5, 0, 5}, new int[] {3}, w.value(), Tolerance.current().times(4));
    }
}
