package cthulhu.conformance;

import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks gradients computed by automatic differentiation ({@link K#gradient}) against
 * independent references.
 *
 * <p>{@link #check} compares with central finite differences
 * {@code (Σf(x + h·eᵢ) - Σf(x - h·eᵢ)) / 2h}, {@code h = 1e-6}, always evaluated in float64 on
 * the backend under test, at the point the active float type stores. In float64 the autodiff
 * gradient must agree within {@link #FLOAT64} (1e-6 relative); in float32 within {@link #FLOAT32},
 * which allows for float32 rounding in the backward pass. Keep inputs away from kinks (where
 * one-sided slopes differ) by more than {@code h}, and keep tensors small: each element costs two
 * evaluations of {@code f}.
 *
 * <p>{@code f} is evaluated in the active float type and, for the differences, in float64, so it
 * must build every other tensor it uses inside itself from plain Java values
 * ({@code x -> K.multiply(x, K.constant(b, 3))}), never capture a tensor made outside.
 *
 * <p>{@link #checkElementwise} compares the gradient of an element-wise function with its
 * analytic derivative evaluated in double in the test — the reference for points where finite
 * differences do not apply (at and near kinks, saturation).
 */
public final class GradientCheck {

    /** The finite-difference step. */
    public static final double H = 1e-6;
    /** Autodiff in float64 against float64 central differences. */
    public static final Tolerance FLOAT64 = new Tolerance(1e-6, 1e-7);
    /** Autodiff in float32 against float64 central differences. */
    public static final Tolerance FLOAT32 = new Tolerance(1e-4, 1e-5);

    private GradientCheck() {
    }

    /** The tolerance of {@link #check} in the active float type. */
    public static Tolerance tolerance() {
        return K.dtype() == DType.FLOAT64 ? FLOAT64 : FLOAT32;
    }

    /**
     * Asserts that the autodiff gradient of {@code sum(f(x))} at {@code x} (row-major, of
     * {@code shape}) matches central finite differences within {@link #tolerance()}.
     */
    public static void check(Function<Tensor, Tensor> f, double[] x, int... shape) {
        check(f, x, shape, tolerance());
    }

    /** As {@link #check(Function, double[], int...)}, with an explicit tolerance. */
    public static void check(Function<Tensor, Tensor> f, double[] x, int[] shape, Tolerance tolerance) {
        double[] point = Reference.stored(x);
        Tensor input = K.constant(x, shape);
        Tensor gradient = K.gradient(f, input);
        assertShape(shape, gradient);
        assertEquals(K.dtype(), gradient.dtype(), "dtype of the gradient");
        double[] reference = numeric(f, point, shape);
        for (int i = 0; i < reference.length; i++) {
            if (!Double.isFinite(reference[i])) {
                fail("The reference is not finite: central differences in float64 gave " + reference[i]
                        + " at element " + i + " of " + Arrays.toString(point) + ", so f evaluated in float64 on "
                        + K.backend() + " is not finite there; check the forward values in float64 first");
            }
        }
        assertClose(reference, gradient.toDoubleArray(), tolerance,
                "the autodiff gradient (expected: central differences in float64, h = " + H + ")");
    }

    /** The central-difference gradient of {@code sum(f(x))}, evaluated in float64 on the active backend. */
    public static double[] numeric(Function<Tensor, Tensor> f, double[] x, int... shape) {
        return K.withFloatx("float64", () -> {
            double[] g = new double[x.length];
            double[] probe = x.clone();
            for (int i = 0; i < x.length; i++) {
                probe[i] = x[i] + H;
                double plus = sum(f, probe, shape);
                probe[i] = x[i] - H;
                double minus = sum(f, probe, shape);
                probe[i] = x[i];
                g[i] = (plus - minus) / (2 * H);
            }
            return g;
        });
    }

    private static double sum(Function<Tensor, Tensor> f, double[] x, int[] shape) {
        TensorScope scope = TensorScope.open();
        try {
            return K.sum(f.apply(K.constant(x, shape))).toDoubleArray()[0];
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The function under a gradient check failed when evaluated in float64 "
                    + "for central differences: " + e.getMessage() + ". If it captures a tensor made outside it, build "
                    + "that tensor inside the function from plain Java values instead.", e);
        } finally {
            scope.close();
        }
    }

    /**
     * Asserts that the autodiff gradient of the element-wise function {@code f} at each of
     * {@code x} (a rank-1 tensor) is {@code derivative(x)}, evaluated in double at the stored
     * point, within {@code tolerance}.
     */
    public static void checkElementwise(Function<Tensor, Tensor> f, DoubleUnaryOperator derivative, double[] x,
                                        Tolerance tolerance) {
        Tensor gradient = K.gradient(f, K.constant(x, x.length));
        assertShape(new int[] {x.length}, gradient);
        assertClose(Reference.map(x, derivative), gradient.toDoubleArray(), tolerance,
                "the autodiff gradient (expected: the analytic derivative in double)");
    }

    /** As {@link #checkElementwise(Function, DoubleUnaryOperator, double[], Tolerance)} within {@link Tolerance#current()} × 10. */
    public static void checkElementwise(Function<Tensor, Tensor> f, DoubleUnaryOperator derivative, double... x) {
        checkElementwise(f, derivative, x, Tolerance.current().times(10));
    }
}
