package cthulhu.conformance.backend;

import cthulhu.autodiff.Ops;
import cthulhu.backend.BinaryOp;
import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The binary operations of {@link K} with NumPy broadcasting: values against a plain-Java
 * broadcasting reference ({@link Reference#broadcast}) for every operation and pair of shapes,
 * the scalar overloads, the comparisons, {@code where}, the error for shapes that do not
 * broadcast, and gradients that sum back to each operand's shape.
 */
class BinaryTest extends ConformanceTestBase {

    record Op(String name, BinaryOperator<Tensor> k, DoubleBinaryOperator reference) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Op> OPS = List.of(
            new Op("add", K::add, (a, b) -> a + b),
            new Op("subtract", K::subtract, (a, b) -> a - b),
            new Op("multiply", K::multiply, (a, b) -> a * b),
            new Op("divide", K::divide, (a, b) -> a / b),
            new Op("maximum", K::maximum, Math::max),
            new Op("minimum", K::minimum, Math::min),
            new Op("pow", K::pow, Math::pow),
            new Op("greater", K::greater, (a, b) -> a > b ? 1 : 0),
            new Op("greaterEqual", K::greaterEqual, (a, b) -> a >= b ? 1 : 0),
            new Op("equal", K::equal, (a, b) -> a == b ? 1 : 0));

    /** Shape pairs and the broadcast shape: NumPy's rules worked by hand. */
    static final List<int[][]> SHAPES = List.of(
            new int[][] {{2, 3}, {2, 3}, {2, 3}},
            new int[][] {{2, 3}, {}, {2, 3}},
            new int[][] {{}, {2, 3}, {2, 3}},
            new int[][] {{2, 3}, {3}, {2, 3}},
            new int[][] {{3}, {2, 3}, {2, 3}},
            new int[][] {{2, 1}, {1, 3}, {2, 3}},
            new int[][] {{2, 1}, {3}, {2, 3}},
            new int[][] {{2, 1, 4}, {3, 1}, {2, 3, 4}},
            new int[][] {{1, 3, 1}, {2, 1, 2}, {2, 3, 2}},
            new int[][] {{4}, {2, 3, 1}, {2, 3, 4}},
            new int[][] {{2, 3, 4}, {1, 1, 1}, {2, 3, 4}},
            new int[][] {{1}, {1}, {1}});

    static Stream<Arguments> opsAndShapes() {
        return OPS.stream().flatMap(op -> SHAPES.stream().map(s -> arguments(op, s[0], s[1], s[2])));
    }

    /** Positive operands (for pow) with ties between a and b (for the comparisons). */
    private static double[] operand(int[] shape, long seed) {
        double[] x = Reference.uniform(shape, 0.5, 3, seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(x[i] * 4) / 4.0;
        }
        return x;
    }

    @ParameterizedTest(name = "{0} {1} with {2} -> {3}")
    @MethodSource("opsAndShapes")
    void broadcastsLikeNumPy(Op op, int[] shapeA, int[] shapeB, int[] shapeOut) {
        double[] a = operand(shapeA, 1);
        double[] b = operand(shapeB, 2);
        Tensor result = op.k().apply(K.constant(a, shapeA), K.constant(b, shapeB));
        assertTensor(Reference.broadcast(Reference.stored(a), shapeA, Reference.stored(b), shapeB, shapeOut,
                op.reference()), shapeOut, result,
                Tolerance.current().times(2));
    }

    static Stream<Arguments> scalarOverloads() {
        return Stream.of(
                arguments("add", (ScalarOp) K::add, (DoubleBinaryOperator) (a, b) -> a + b),
                arguments("subtract", (ScalarOp) K::subtract, (DoubleBinaryOperator) (a, b) -> a - b),
                arguments("multiply", (ScalarOp) K::multiply, (DoubleBinaryOperator) (a, b) -> a * b),
                arguments("divide", (ScalarOp) K::divide, (DoubleBinaryOperator) (a, b) -> a / b),
                arguments("maximum", (ScalarOp) K::maximum, (DoubleBinaryOperator) Math::max),
                arguments("minimum", (ScalarOp) K::minimum, (DoubleBinaryOperator) Math::min),
                arguments("pow", (ScalarOp) K::pow, (DoubleBinaryOperator) Math::pow),
                arguments("greater", (ScalarOp) K::greater, (DoubleBinaryOperator) (a, b) -> a > b ? 1 : 0),
                arguments("greaterEqual", (ScalarOp) K::greaterEqual, (DoubleBinaryOperator) (a, b) -> a >= b ? 1 : 0),
                arguments("equal", (ScalarOp) K::equal, (DoubleBinaryOperator) (a, b) -> a == b ? 1 : 0));
    }

    /** A binary operation with a scalar right operand. */
    @FunctionalInterface
    interface ScalarOp {
        Tensor apply(Tensor a, double b);
    }

    @ParameterizedTest(name = "{0}(x, 1.5)")
    @MethodSource("scalarOverloads")
    void scalarRightOperand(String name, ScalarOp op, DoubleBinaryOperator reference) {
        double[] x = {0.5, 1, 1.5, 2, 2.5, 3};
        double[] expected = Reference.map(x, v -> reference.applyAsDouble(v, 1.5));
        assertTensor(expected, new int[] {2, 3}, op.apply(K.constant(x, 2, 3), 1.5), Tolerance.current().times(2));
    }

    @Test
    void maximumAndMinimumPropagateNaN() {
        Tensor a = K.constant(new double[] {Double.NaN, 1, Double.NaN}, 3);
        Tensor b = K.constant(new double[] {1, Double.NaN, Double.NaN}, 3);
        assertExactly(new double[] {Double.NaN, Double.NaN, Double.NaN}, K.maximum(a, b));
        assertExactly(new double[] {Double.NaN, Double.NaN, Double.NaN}, K.minimum(a, b));
    }

    @Test
    void divisionByZeroFollowsIeee() {
        Tensor a = K.constant(new double[] {1, -1, 0}, 3);
        assertExactly(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN},
                K.divide(a, K.zeros(3)));
    }

    @Test
    void shapesThatDoNotBroadcastAreRejectedNamingBoth() {
        Tensor a = K.zeros(2, 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.add(a, K.zeros(4)), "[2, 3]", "[4]", "broadcast");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.multiply(K.zeros(2, 1, 3), K.zeros(4, 2)),
                "[2, 1, 3]", "[4, 2]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.maximum(K.zeros(3, 2), a), "[3, 2]", "[2, 3]");
        for (BinaryOp op : BinaryOp.values()) {
            assertThrowsWithMessage(IllegalArgumentException.class, () -> Ops.binary(op, a, K.zeros(2)),
                    "[2, 3]", "[2]", "broadcast");
        }
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.where(K.ones(3), a, K.zeros(3, 1)),
                "broadcast");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.where(K.ones(2), a, a), "[2]", "[2, 3]");
    }

    @Test
    void operandsOfDifferentFloatTypesAreRejected() {
        Tensor a = K.zeros(DType.FLOAT32, 2);
        Tensor b = K.zeros(DType.FLOAT64, 2);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> K.add(a, b), "float32", "float64", "K.cast");
    }

    @Test
    void whereChoosesByConditionWithBroadcasting() {
        // Reference: NumPy where(c, a, b) worked by hand; c [2, 1] and b a scalar broadcast to a's [2, 3].
        Tensor c = K.constant(new double[] {1, 0}, 2, 1);
        Tensor a = K.constant(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = K.constant(new double[] {-1});
        assertTensor(new double[] {1, 2, 3, -1, -1, -1}, new int[] {2, 3}, K.where(c, a, b));
        Tensor elementwise = K.constant(new double[] {0, 2, -0.5, 0, 1, 0}, 2, 3);
        assertTensor(new double[] {-1, 2, 3, -1, 5, -1}, new int[] {2, 3}, K.where(elementwise, a, b));
    }

    // ---- gradients ----------------------------------------------------------------------------

    static Stream<Arguments> differentiableOpsAndShapes() {
        return OPS.stream().filter(op -> !op.name().startsWith("greater") && !op.name().equals("equal"))
                .flatMap(op -> SHAPES.stream().map(s -> arguments(op, s[0], s[1])));
    }

    @ParameterizedTest(name = "d {0}({1}, {2})")
    @MethodSource("differentiableOpsAndShapes")
    void gradientsSumBackToEachOperandsShape(Op op, int[] shapeA, int[] shapeB) {
        // Distinct values, so that maximum/minimum have no ties within h of each other.
        double[] a = Reference.uniform(shapeA, 0.5, 2, 3);
        double[] b = Reference.uniform(shapeB, 2.25, 3.5, 4);
        if (op.name().equals("maximum") || op.name().equals("minimum")) {
            for (int i = 0; i < a.length; i += 2) {
                a[i] += 2.5;
            }
        }
        GradientCheck.check(x -> op.k().apply(x, K.constant(b, shapeB)), a, shapeA);
        GradientCheck.check(y -> op.k().apply(K.constant(a, shapeA), y), b, shapeB);
    }

    @Test
    void gradientOfScalarOverloads() {
        double[] x = {0.3, 0.8, 1.7, 2.6};
        GradientCheck.check(t -> K.add(t, 2.5), x, 4);
        GradientCheck.check(t -> K.subtract(t, 2.5), x, 4);
        GradientCheck.check(t -> K.multiply(t, -1.5), x, 4);
        GradientCheck.check(t -> K.divide(t, 0.4), x, 4);
        GradientCheck.check(t -> K.maximum(t, 1.25), x, 4);
        GradientCheck.check(t -> K.minimum(t, 1.25), x, 4);
        GradientCheck.check(t -> K.pow(t, 2.5), x, 4);
    }

    @Test
    void gradientOfPowWithRespectToTheExponentIsZeroWhereTheBaseIsZero() {
        // Reference: ∂(x^a)/∂a = x^a · ln x for x > 0; 0^a is 0 for every a > 0, so its derivative
        // is 0 there (TensorFlow masks the same way), not 0 · ln 0 = NaN.
        double[] x = {0, 2, 0.5};
        Tensor base = K.constant(x, 3);
        Tensor exponent = K.constant(new double[] {3, 3, 3}, 3);
        double[] stored = Reference.stored(x);
        double[] expected = {0, 8 * Math.log(stored[1]), Math.pow(stored[2], 3) * Math.log(stored[2])};
        assertTensor(expected, new int[] {3}, K.gradient(a -> K.pow(base, a), exponent), Tolerance.current().times(10));
        GradientCheck.check(a -> K.pow(K.constant(new double[] {0, 2, 0.5}, 3), a), new double[] {3, 2.5, 1.5}, 3);
    }

    @Test
    void gradientOfMaximumAndMinimumOnTiesGoesToTheFirstOperand() {
        // Documented convention (TensorFlow's): on a tie the whole gradient flows to the first operand.
        Tensor a = K.constant(new double[] {1, 2, 3}, 3);
        Tensor b = K.constant(new double[] {1, 5, 0}, 3);
        try (var tape = cthulhu.autodiff.GradientTape.open()) {
            tape.watch(a);
            tape.watch(b);
            List<Tensor> g = tape.gradient(K.add(K.maximum(a, b), K.multiply(K.minimum(a, b), 10)), a, b);
            assertClose(new double[] {11, 10, 1}, g.get(0).toDoubleArray(), Tolerance.current(), "d/da");
            assertClose(new double[] {0, 1, 10}, g.get(1).toDoubleArray(), Tolerance.current(), "d/db");
        }
    }

    @Test
    void gradientOfWhereFlowsToTheChosenOperandOnly() {
        double[] c = {1, 0, 1};
        double[] other = {5, 6, 7};
        GradientCheck.check(a -> K.where(K.constant(c, 3), K.square(a), K.constant(other, 3)),
                new double[] {0.5, -1.5, 2}, 3);
        GradientCheck.check(b -> K.where(K.constant(c, 3), K.constant(other, 3), K.multiply(b, b)),
                new double[] {0.5, -1.5, 2}, 3);
        // Reference: ∂/∂a Σ where(c, a, b) = c, worked by hand.
        Tensor cond = K.constant(c, 3);
        Tensor b = K.constant(other, 3);
        assertTensor(new double[] {1, 0, 1}, new int[] {3}, K.gradient(a -> K.where(cond, a, b), K.ones(3)));
    }
}
