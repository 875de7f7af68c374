package cthulhu.conformance.backend;

import cthulhu.backend.BackendUnavailableException;
import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.SuiteTarget;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The context of {@link K}: every test runs on the backend and float type the suite names, new
 * tensors use both, {@code withBackend}/{@code withFloatx} nest and restore, the global
 * {@code setFloatx}/{@code setEpsilon} apply where no override is active, and asking for an
 * absent backend or an unknown float type fails with the fix.
 */
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
        assertEquals(target.floatx(), K.randomUniform(new int[] {2}, 0, 1, 1).dtype());
    }

    @Test
    void withFloatxNestsAndRestores(SuiteTarget target) {
        String other = target.floatx() == DType.FLOAT32 ? "float64" : "float32";
        K.withFloatx(other, () -> {
            assertEquals(other, K.floatx());
            assertEquals(other, K.constant(new double[] {1}, 1).dtype().kerasName());
            K.withFloatx(target.floatx().kerasName(), () -> assertEquals(target.floatx(), K.dtype()));
            assertEquals(other, K.floatx());
        });
        assertEquals(target.floatx(), K.dtype());
        assertEquals(target.backend(), K.backend(), "withFloatx keeps the backend");
    }

    @Test
    void withBackendByNameSelectsThatBackendAndRestores(SuiteTarget target) {
        String name = K.withBackend(target.backend(), () -> K.backend());
        assertEquals(target.backend(), name);
        AtomicReference<DType> inside = new AtomicReference<>();
        K.withBackend(target.backend(), () -> inside.set(K.dtype()));
        assertEquals(target.floatx(), inside.get(), "withBackend keeps the float type");
        assertEquals(target.backend(), K.backend());
    }

    @Test
    void aBackendNameAlwaysMeansTheSameBackend(SuiteTarget target) {
        // Tensors made before a withBackend block of the same backend must be usable inside it.
        Tensor outside = K.constant(new double[] {1, 2}, 2);
        assertSame(K.currentBackend(), K.withBackend(target.backend(), K::currentBackend));
        Tensor inside = K.withBackend(target.backend(), () -> K.add(outside, 1));
        assertEquals(3.0, inside.toDoubleArray()[1], 0.0);
    }

    @Test
    void anAbsentBackendIsAnErrorNamingWhatWasFoundAndTheFix(SuiteTarget target) {
        assertThrowsWithMessage(BackendUnavailableException.class,
                () -> K.withBackend("no-such-backend", () -> K.backend()),
                "no-such-backend", target.backend(), "cthulhu.backend");
        assertThrowsWithMessage(BackendUnavailableException.class,
                () -> K.withBackend("nd4j-missing", () -> K.backend()), "nd4j-missing");
    }

    @Test
    void anUnknownFloatTypeIsRejectedListingTheValidOnes() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.withFloatx("float16", () -> 1),
                "float16", "float32", "float64");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.setFloatx("double"), "double", "float32");
    }

    @Test
    void globalFloatxAndEpsilonApplyWhereNoOverrideIsActive(SuiteTarget target) throws InterruptedException {
        String before = runOnFreshThread(K::floatx);
        double epsilon = K.epsilon();
        String other = "float32".equals(before) ? "float64" : "float32";
        try {
            K.setFloatx(other);
            K.setEpsilon(1e-4);
            assertEquals(other, runOnFreshThread(K::floatx), "a thread without overrides sees the global value");
            assertEquals(target.floatx(), K.dtype(), "the suite's override still wins on this thread");
            assertEquals(1e-4, K.epsilon(), 0.0);
        } finally {
            K.setFloatx(before);
            K.setEpsilon(epsilon);
        }
        assertEquals(before, runOnFreshThread(K::floatx));
    }

    private static String runOnFreshThread(java.util.function.Supplier<String> body) throws InterruptedException {
        AtomicReference<String> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(body.get()));
        t.start();
        t.join();
        return result.get();
    }
}
