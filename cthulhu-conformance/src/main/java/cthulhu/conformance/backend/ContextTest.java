package cthulhu.conformance.backend;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.SuiteTarget;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Every test runs on the backend and float type the suite names, and new tensors use both. */
class ContextTest extends ConformanceTestBase {

    @Test
    void activeBackendAndFloatxAreTheSuites(SuiteTarget target) {
        assertEquals(target.backend(), K.backend());
        assertEquals(target.floatx().kerasName(), K.floatx());
        assertSame(target.floatx(), K.dtype());
    }

    @Test
    void newTensorsBelongToTheBackendUnderTestInFloatx(SuiteTarget target) {
        Tensor t = K.constant(new double[] {1, 2}, 2);
        assertEquals(target.backend(), t.backend().name());
        assertSame(K.currentBackend(), t.backend());
        assertEquals(target.floatx(), t.dtype());
        assertEquals(target.floatx(), K.zeros(3).dtype());
        assertEquals(target.floatx(), K.ones(3).dtype());
    }
}
