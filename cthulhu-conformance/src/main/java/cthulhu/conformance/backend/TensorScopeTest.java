package cthulhu.conformance.backend;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.ForeignBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TensorScope}: closing a scope closes every tensor created in it except the kept ones,
 * which move to the enclosing scope. Closure is observed through {@link ForeignBackend}, whose
 * tensors record it (and close the backend's own tensors); kept tensors are checked to stay
 * readable on the backend under test itself.
 */
class TensorScopeTest extends ConformanceTestBase {

    @Test
    void closingAScopeClosesWhatItDidNotKeep() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        List<Tensor> made = new ArrayList<>();
        Tensor kept = K.withBackend(foreign, () -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = K.constant(new double[] {1, 2, 3}, 3);
                Tensor y = K.exp(x);
                Tensor z = K.sum(K.multiply(y, x));
                made.addAll(List.of(x, y, z));
                return scope.keep(K.add(z, 1));
            }
        });
        for (Tensor t : made) {
            assertTrue(t.isClosed(), () -> "an intermediate of shape " + java.util.Arrays.toString(t.shape()) + " was not closed");
        }
        assertFalse(kept.isClosed());
        // Reference: 1·e + 2·e² + 3·e³ + 1.
        double e = Math.E;
        assertTensor(new double[] {e + 2 * e * e + 3 * e * e * e + 1}, new int[0], kept);
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        K.withBackend(foreign, () -> {
            Tensor inner;
            Tensor survivor;
            try (TensorScope outer = TensorScope.open()) {
                try (TensorScope scope = TensorScope.open()) {
                    inner = scope.keep(K.ones(2));
                    survivor = scope.keep(K.zeros(2));
                }
                assertFalse(inner.isClosed(), "kept by the inner scope, owned by the outer one");
                outer.keep(survivor);
            }
            assertTrue(inner.isClosed(), "closed with the outer scope, which did not keep it");
            assertFalse(survivor.isClosed(), "kept by both scopes");
            return null;
        });
    }

    @Test
    void keepAllAndScopedKeepOnlyTheirResults() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        K.withBackend(foreign, () -> {
            List<Tensor> intermediates = new ArrayList<>();
            Tensor result = K.scoped(() -> {
                Tensor x = K.constant(new double[] {4, 9}, 2);
                intermediates.add(x);
                return K.sqrt(x);
            });
            assertTrue(intermediates.get(0).isClosed());
            assertTensor(new double[] {2, 3}, new int[] {2}, result);
            List<Tensor> both;
            Tensor dropped;
            try (TensorScope scope = TensorScope.open()) {
                both = scope.keepAll(List.of(K.ones(1), K.zeros(1)));
                dropped = K.ones(1);
            }
            assertTrue(dropped.isClosed());
            assertFalse(both.get(0).isClosed() || both.get(1).isClosed());
            return null;
        });
    }

    @Test
    void keptTensorsOfTheBackendUnderTestStayReadable() {
        Tensor kept;
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = K.constant(new double[] {1, -2, 3, -4}, 2, 2);
            Tensor scratch = K.multiply(K.abs(x), 10);
            kept = scope.keep(K.add(scratch, x));
        }
        assertTensor(new double[] {11, 18, 33, 36}, new int[] {2, 2}, kept);
        assertTensor(new double[] {12, 19, 34, 37}, new int[] {2, 2}, K.add(kept, 1));
    }

    @Test
    void scopesMustCloseInReverseOrder() {
        TensorScope outer = TensorScope.open();
        TensorScope inner = TensorScope.open();
        try {
            assertThrowsWithMessage(IllegalStateException.class, outer::close, "reverse order");
        } finally {
            inner.close();
            outer.close();
        }
    }
}
