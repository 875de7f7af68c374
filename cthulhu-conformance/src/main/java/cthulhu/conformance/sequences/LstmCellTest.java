package cthulhu.conformance.sequences;

import cthulhu.backend.Backend;
import cthulhu.backend.CellActivation;
import cthulhu.backend.Composites;
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
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertShape;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link K#lstmCell}, the fused step of an LSTM: its values against the cell's equations
 * evaluated in double ({@link RecurrentReference}'s activations), the backend's
 * {@link Backend#lstmCell} and {@link Backend#lstmCellGradient} against the defaults over the
 * primitives in {@link Composites} on the same backend, and its gradients with respect to
 * {@code z} and {@code c} against central differences. Every pair of gate and cell activations.
 */
class LstmCellTest extends ConformanceTestBase {

    private static final int BATCH = 3;
    private static final int UNITS = 5;
    /** Pre-activations over hard_sigmoid's kinks (±2.5, exactly) and beyond its flat ends. */
    private static final double[] Z = withKinks(Reference.uniform(BATCH * 4 * UNITS, -4, 4, 21));
    private static final double[] C = Reference.uniform(BATCH * UNITS, -2, 2, 22);

    private static double[] withKinks(double[] z) {
        z[0] = 2.5;
        z[6] = -2.5;
        z[27] = 2.5;
        z[33] = -2.5;
        return z;
    }

    static Stream<Arguments> activations() {
        return Stream.of(CellActivation.values())
                .flatMap(gate -> Stream.of(CellActivation.values()).map(cell -> arguments(gate, cell)));
    }

    private static DoubleUnaryOperator reference(CellActivation a) {
        return switch (a) {
            case SIGMOID -> RecurrentReference.SIGMOID;
            case HARD_SIGMOID -> RecurrentReference.HARD_SIGMOID;
            case TANH -> RecurrentReference.TANH;
        };
    }

    @ParameterizedTest(name = "gates {0}, cell {1}")
    @MethodSource("activations")
    void followsTheCellEquations(CellActivation gate, CellActivation cell) {
        double[] z = Reference.stored(Z);
        double[] c = Reference.stored(C);
        DoubleUnaryOperator s = reference(gate);
        DoubleUnaryOperator act = reference(cell);
        double[] h = new double[BATCH * UNITS];
        double[] next = new double[BATCH * UNITS];
        for (int n = 0; n < BATCH; n++) {
            for (int j = 0; j < UNITS; j++) {
                int row = n * 4 * UNITS;
                int k = n * UNITS + j;
                next[k] = s.applyAsDouble(z[row + UNITS + j]) * c[k]
                        + s.applyAsDouble(z[row + j]) * act.applyAsDouble(z[row + 2 * UNITS + j]);
                h[k] = s.applyAsDouble(z[row + 3 * UNITS + j]) * act.applyAsDouble(next[k]);
            }
        }
        List<Tensor> hc = K.lstmCell(K.constant(Z, BATCH, 4 * UNITS), K.constant(C, BATCH, UNITS), gate, cell);
        assertShape(new int[] {BATCH, UNITS}, hc.get(0));
        assertShape(new int[] {BATCH, UNITS}, hc.get(1));
        Tolerance tolerance = Tolerance.current().times(8);
        assertClose(h, hc.get(0).toDoubleArray(), tolerance, "h' (expected: the LSTM equations in double)");
        assertClose(next, hc.get(1).toDoubleArray(), tolerance, "c' (expected: the LSTM equations in double)");
    }

    @ParameterizedTest(name = "gates {0}, cell {1}")
    @MethodSource("activations")
    void backendAgreesWithTheComposite(CellActivation gate, CellActivation cell) {
        Backend b = K.currentBackend();
        Tensor z = K.constant(Z, BATCH, 4 * UNITS);
        Tensor c = K.constant(C, BATCH, UNITS);
        Tensor gh = K.constant(Reference.uniform(BATCH * UNITS, -1, 1, 23), BATCH, UNITS);
        Tensor gc = K.constant(Reference.uniform(BATCH * UNITS, -1, 1, 24), BATCH, UNITS);
        assertSame(Composites.lstmCell(b, z, c, gate, cell), b.lstmCell(z, c, gate, cell), "lstmCell");
        assertSame(Composites.lstmCellGradient(b, z, c, gh, gc, gate, cell), b.lstmCellGradient(z, c, gh, gc, gate, cell),
                "lstmCellGradient");
    }

    private static void assertSame(Tensor[] expected, Tensor[] actual, String what) {
        for (int k = 0; k < expected.length; k++) {
            assertShape(expected[k].shape(), actual[k]);
            assertClose(expected[k].toDoubleArray(), actual[k].toDoubleArray(), Tolerance.current().times(8),
                    what + " output " + k + " (expected: Composites on the same backend)");
            expected[k].close();
            actual[k].close();
        }
    }

    /** Pre-activations inside (-2.4, 2.4), more than the step of the differences away from hard_sigmoid's kinks. */
    private static final double[] SMOOTH_Z = Reference.uniform(BATCH * 4 * UNITS, -2.4, 2.4, 25);

    @ParameterizedTest(name = "gates {0}, cell {1}")
    @MethodSource("activations")
    void gradientWithRespectToZMatchesFiniteDifferences(CellActivation gate, CellActivation cell) {
        GradientCheck.check(z -> outputs(z, K.constant(C, BATCH, UNITS), gate, cell), SMOOTH_Z, BATCH, 4 * UNITS);
    }

    @ParameterizedTest(name = "gates {0}, cell {1}")
    @MethodSource("activations")
    void gradientWithRespectToCMatchesFiniteDifferences(CellActivation gate, CellActivation cell) {
        GradientCheck.check(c -> outputs(K.constant(SMOOTH_Z, BATCH, 4 * UNITS), c, gate, cell), C, BATCH, UNITS);
    }

    /** {@code 0.7·h' + c'·w} with fixed weights {@code w}, so that both outputs and every element count. */
    private static Tensor outputs(Tensor z, Tensor c, CellActivation gate, CellActivation cell) {
        List<Tensor> hc = K.lstmCell(z, c, gate, cell);
        Tensor w = K.constant(Reference.uniform(BATCH * UNITS, -1, 1, 26), BATCH, UNITS);
        return K.add(K.multiply(hc.get(0), 0.7), K.multiply(hc.get(1), w));
    }

    @Test
    void gradientOfOneOutputAlone() {
        GradientCheck.check(z -> K.lstmCell(z, K.constant(C, BATCH, UNITS), CellActivation.SIGMOID, CellActivation.TANH)
                .get(0), SMOOTH_Z, BATCH, 4 * UNITS);
        GradientCheck.check(c -> K.lstmCell(K.constant(SMOOTH_Z, BATCH, 4 * UNITS), c, CellActivation.SIGMOID,
                CellActivation.TANH).get(1), C, BATCH, UNITS);
    }

    @Test
    void shapesThatDoNotFitAreRejected() {
        Tensor c = K.constant(C, BATCH, UNITS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> K.lstmCell(K.zeros(BATCH, 3 * UNITS), c, CellActivation.SIGMOID, CellActivation.TANH));
        assertTrue(e.getMessage().contains("[3, 15]"), e.getMessage());
    }
}
