package cthulhu.conformance;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base class of every conformance test: extending it runs the test on the backend and float
 * type of the running suite (see {@link ConformanceExtension}).
 *
 * <p>A test class in package {@code cthulhu.conformance} or below whose name ends in {@code Test}
 * and that extends this class runs in every backend module, in float32 and in float64, without
 * any change to the backend modules. Use {@link TensorAssert} for values, {@link Tolerance} for
 * the float type's tolerances and {@link GradientCheck} for gradients. Never skip a case on some
 * backend (no {@code Assumptions}, no {@code @Disabled}): the expectations are identical for all.
 */
@ExtendWith(ConformanceExtension.class)
public abstract class ConformanceTestBase {

    /** For subclasses. */
    protected ConformanceTestBase() {
    }
}
