package cthulhu.conformance;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Assertions of tensors against plain Java references.
 *
 * <p>Values are compared in double: a float32 tensor's values convert to double exactly, so the
 * tolerance of {@link Tolerance#current()} is the only slack. Every failure message names the
 * element index, both values and the tolerance.
 */
public final class TensorAssert {

    private TensorAssert() {
    }

    /** Asserts the shape, the active float type and the values (row-major) within {@link Tolerance#current()}. */
    public static void assertTensor(double[] expected, int[] shape, Tensor actual) {
        assertTensor(expected, shape, actual, Tolerance.current());
    }

    /** Asserts the shape, the active float type and the values (row-major) within {@code tolerance}. */
    public static void assertTensor(double[] expected, int[] shape, Tensor actual, Tolerance tolerance) {
        assertShape(shape, actual);
        assertEquals(K.dtype(), actual.dtype(), () -> "dtype of " + describe(actual));
        assertValues(expected, actual, tolerance);
    }

    /** Asserts the values (row-major) within {@link Tolerance#current()}, whatever the shape. */
    public static void assertValues(double[] expected, Tensor actual) {
        assertValues(expected, actual, Tolerance.current());
    }

    /** Asserts the values (row-major) within {@code tolerance}, whatever the shape. */
    public static void assertValues(double[] expected, Tensor actual, Tolerance tolerance) {
        assertClose(expected, actual.toDoubleArray(), tolerance, describe(actual));
    }

    /** Asserts two arrays element-wise within {@code tolerance}; {@code what} names the result in the message. */
    public static void assertClose(double[] expected, double[] actual, Tolerance tolerance, String what) {
        assertEquals(expected.length, actual.length, () -> "number of elements of " + what);
        for (int i = 0; i < expected.length; i++) {
            if (!tolerance.accepts(expected[i], actual[i])) {
                fail("Element " + i + " of " + what + ": expected " + expected[i] + " but was " + actual[i]
                        + " (|difference| " + Math.abs(actual[i] - expected[i]) + ", allowed " + tolerance
                        + ")\n  expected " + Arrays.toString(expected) + "\n  actual   " + Arrays.toString(actual));
            }
        }
    }

    /** Asserts one value within {@code tolerance}. */
    public static void assertClose(double expected, double actual, Tolerance tolerance, String what) {
        assertClose(new double[] {expected}, new double[] {actual}, tolerance, what);
    }

    /**
     * Asserts the values bit for bit as doubles: {@code -0.0} differs from {@code 0.0}, NaN equals
     * NaN. For results IEEE 754 defines exactly (signs of zero, infinities, exact small integers).
     */
    public static void assertExactly(double[] expected, Tensor actual) {
        double[] values = actual.toDoubleArray();
        assertEquals(expected.length, values.length, () -> "number of elements of " + describe(actual));
        for (int i = 0; i < expected.length; i++) {
            if (Double.compare(expected[i], values[i]) != 0) {
                fail("Element " + i + " of " + describe(actual) + ": expected exactly " + expected[i] + " but was "
                        + values[i]);
            }
        }
    }

    /** Asserts the shape. */
    public static void assertShape(int[] expected, Tensor actual) {
        if (!Arrays.equals(expected, actual.shape())) {
            fail("Expected shape " + Arrays.toString(expected) + " but was " + Arrays.toString(actual.shape())
                    + " (" + describe(actual) + ")");
        }
    }

    /**
     * Asserts that {@code body} throws {@code type} with a message containing every fragment.
     *
     * @return the exception, for further checks
     */
    public static <E extends Throwable> E assertThrowsWithMessage(Class<E> type, Executable body, String... fragments) {
        E e = assertThrows(type, body);
        String message = String.valueOf(e.getMessage());
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "The message of " + type.getSimpleName() + " should contain '"
                    + fragment + "' but is: " + message);
        }
        return e;
    }

    private static String describe(Tensor t) {
        return t.isClosed() ? "a closed tensor of shape " + Arrays.toString(t.shape()) : t.toString();
    }
}
