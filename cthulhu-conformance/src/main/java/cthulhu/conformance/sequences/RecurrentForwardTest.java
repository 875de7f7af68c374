package cthulhu.conformance.sequences;

import cthulhu.activations.Activation;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.conformance.sequences.RecurrentReference.Cell;
import cthulhu.layers.GRU;
import cthulhu.layers.Input;
import cthulhu.layers.LSTM;
import cthulhu.layers.Recurrent;
import cthulhu.layers.SimpleRNN;
import cthulhu.layers.Symbol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Forward values of SimpleRNN, LSTM and GRU (both variants) against {@link RecurrentReference},
 * the equations run step by step in double: last output and whole sequences, going backwards,
 * masked steps, initial and returned states, stateful batches, and Keras 2.2.4's defaults
 * ({@code hard_sigmoid} gates, {@code unit_forget_bias}).
 */
class RecurrentForwardTest extends ConformanceTestBase {

    static final int BATCH = 2;
    static final int STEPS = 4;
    static final int IN = 3;
    static final int UNITS = 2;
    static final double[] X = Reference.uniform(BATCH * STEPS * IN, -1, 1, 11);
    /** Sample 0 has its second and last steps masked, sample 1 its first. */
    static final double[] MASK = {1, 0, 1, 0, 0, 1, 1, 1};

    /** Tolerance for a few steps of rounded products. */
    static Tolerance tolerance() {
        return Tolerance.current().times(50);
    }

    static int gates(Cell cell) {
        return switch (cell) {
            case SIMPLE -> 1;
            case LSTM -> 4;
            default -> 3;
        };
    }

    /** Kernel, recurrent kernel and bias for {@code cell}, fixed values in [-0.5, 0.5). */
    static double[][] weights(Cell cell) {
        int g = gates(cell);
        int biasSize = cell == Cell.GRU_RESET_AFTER ? 2 * g * UNITS : g * UNITS;
        return new double[][] {
            Reference.uniform(IN * g * UNITS, -0.5, 0.5, 21),
            Reference.uniform(UNITS * g * UNITS, -0.5, 0.5, 22),
            Reference.uniform(biasSize, -0.5, 0.5, 23)
        };
    }

    static Recurrent<?> layer(Cell cell) {
        return switch (cell) {
            case SIMPLE -> new SimpleRNN(UNITS);
            case LSTM -> new LSTM(UNITS);
            case GRU -> new GRU(UNITS);
            case GRU_RESET_AFTER -> new GRU(UNITS).resetAfter(true);
        };
    }

    /** The layer built for {@code [STEPS, IN]} with {@link #weights}. */
    static Recurrent<?> withWeights(Recurrent<?> layer, Cell cell) {
        double[][] w = weights(cell);
        int g = gates(cell);
        layer.ensureBuilt(new int[] {STEPS, IN});
        int[] biasShape = cell == Cell.GRU_RESET_AFTER ? new int[] {2, g * UNITS} : new int[] {g * UNITS};
        layer.setWeights(List.of(K.constant(w[0], IN, g * UNITS), K.constant(w[1], UNITS, g * UNITS), K.constant(w[2], biasShape)));
        return layer;
    }

    static RecurrentReference reference(Cell cell) {
        double[][] w = weights(cell);
        return new RecurrentReference(cell, IN, UNITS, Reference.stored(w[0]), Reference.stored(w[1]), Reference.stored(w[2]));
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void lastOutputFollowsTheCellEquations(Cell cell) {
        Recurrent<?> layer = withWeights(layer(cell), cell);
        Tensor y = layer.call(K.constant(X, BATCH, STEPS, IN));
        double[] expected = reference(cell).run(Reference.stored(X), BATCH, STEPS, false, null, false, null).output();
        assertTensor(expected, new int[] {BATCH, UNITS}, y, tolerance());
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void sequencesGoingBackwardsAreInProcessingOrder(Cell cell) {
        Recurrent<?> layer = withWeights(layer(cell).returnSequences(true).goBackwards(true), cell);
        Tensor y = layer.call(K.constant(X, BATCH, STEPS, IN));
        double[] expected = reference(cell).run(Reference.stored(X), BATCH, STEPS, true, null, true, null).output();
        assertTensor(expected, new int[] {BATCH, STEPS, UNITS}, y, tolerance());
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void maskedStepsCarryTheStatesAndRepeatTheOutput(Cell cell) {
        Recurrent<?> layer = withWeights(layer(cell).returnSequences(true), cell);
        Tensor y = layer.call(K.constant(X, BATCH, STEPS, IN), K.constant(MASK, BATCH, STEPS), false);
        double[] expected = reference(cell).run(Reference.stored(X), BATCH, STEPS, false, MASK, true, null).output();
        assertTensor(expected, new int[] {BATCH, STEPS, UNITS}, y, tolerance());
        assertTensor(MASK, new int[] {BATCH, STEPS}, layer.computeMask(K.constant(X, BATCH, STEPS, IN), K.constant(MASK, BATCH, STEPS)));
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void zeroOutputForMaskGivesZerosAtMaskedSteps(Cell cell) {
        Recurrent<?> layer = withWeights(layer(cell).returnSequences(true).zeroOutputForMask(true), cell);
        Tensor y = layer.call(K.constant(X, BATCH, STEPS, IN), K.constant(MASK, BATCH, STEPS), false);
        double[] expected = reference(cell).run(Reference.stored(X), BATCH, STEPS, false, MASK, true, null).output();
        for (int i = 0; i < expected.length; i++) {
            expected[i] *= MASK[i / UNITS];
        }
        assertTensor(expected, new int[] {BATCH, STEPS, UNITS}, y, tolerance());
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void maskedBackwardsRunReturnsItsLastUnmaskedState(Cell cell) {
        Recurrent<?> layer = withWeights(layer(cell).goBackwards(true), cell);
        Tensor y = layer.call(K.constant(X, BATCH, STEPS, IN), K.constant(MASK, BATCH, STEPS), false);
        double[] expected = reference(cell).run(Reference.stored(X), BATCH, STEPS, true, MASK, false, null).output();
        assertTensor(expected, new int[] {BATCH, UNITS}, y, tolerance());
        assertEquals(null, layer.computeMask(K.constant(X, BATCH, STEPS, IN), K.constant(MASK, BATCH, STEPS)));
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void initialStatesAreUsedAndFinalStatesReturned(Cell cell) {
        Recurrent<?> layer = withWeights(layer(cell).returnState(true), cell);
        RecurrentReference reference = reference(cell);
        double[][] initial = new double[reference.stateCount()][];
        List<Tensor> initialTensors = new ArrayList<>();
        for (int s = 0; s < initial.length; s++) {
            initial[s] = Reference.uniform(BATCH * UNITS, -1, 1, 31 + s);
            initialTensors.add(K.constant(initial[s], BATCH, UNITS));
            initial[s] = Reference.stored(initial[s]);
        }
        List<Tensor> out = layer.callWithStates(K.constant(X, BATCH, STEPS, IN), null, initialTensors, false);
        RecurrentReference.Result expected = reference.run(Reference.stored(X), BATCH, STEPS, false, null, false, initial);
        assertEquals(1 + initial.length, out.size(), "output and states");
        assertTensor(expected.output(), new int[] {BATCH, UNITS}, out.get(0), tolerance());
        for (int s = 0; s < initial.length; s++) {
            assertTensor(expected.states()[s], new int[] {BATCH, UNITS}, out.get(1 + s), tolerance());
        }
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void inAGraphInitialStatesAreInputsAndFinalStatesOutputs(Cell cell) {
        Recurrent<?> layer = layer(cell).returnState(true);
        RecurrentReference reference = reference(cell);
        List<Symbol> inputs = new ArrayList<>(List.of(Input.of(STEPS, IN)));
        for (int s = 0; s < reference.stateCount(); s++) {
            inputs.add(Input.of(UNITS));
        }
        List<Symbol> outputs = layer.applyAll(inputs.toArray(Symbol[]::new));
        assertEquals(1 + reference.stateCount(), outputs.size(), "output and states");
        withWeights(layer, cell);
        double[][] initial = new double[reference.stateCount()][];
        List<Tensor> values = new ArrayList<>(List.of(K.constant(X, BATCH, STEPS, IN)));
        for (int s = 0; s < initial.length; s++) {
            initial[s] = Reference.uniform(BATCH * UNITS, -1, 1, 41 + s);
            values.add(K.constant(initial[s], BATCH, UNITS));
            initial[s] = Reference.stored(initial[s]);
        }
        List<Tensor> out = layer.call(values, false);
        RecurrentReference.Result expected = reference.run(Reference.stored(X), BATCH, STEPS, false, null, false, initial);
        assertTensor(expected.output(), new int[] {BATCH, UNITS}, out.get(0), tolerance());
        for (int s = 0; s < initial.length; s++) {
            assertTensor(expected.states()[s], new int[] {BATCH, UNITS}, out.get(1 + s), tolerance());
        }
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void statefulLayerStartsEachBatchFromThePreviousStates(Cell cell) {
        Recurrent<?> layer = withWeights(layer(cell).stateful(true), cell);
        double[] second = Reference.uniform(BATCH * STEPS * IN, -1, 1, 12);
        layer.call(K.constant(X, BATCH, STEPS, IN));
        Tensor y = layer.call(K.constant(second, BATCH, STEPS, IN));
        RecurrentReference reference = reference(cell);
        RecurrentReference.Result first = reference.run(Reference.stored(X), BATCH, STEPS, false, null, false, null);
        double[] expected = reference.run(Reference.stored(second), BATCH, STEPS, false, null, false, first.states()).output();
        assertTensor(expected, new int[] {BATCH, UNITS}, y, tolerance());
        layer.resetStates();
        double[] fresh = reference.run(Reference.stored(second), BATCH, STEPS, false, null, false, null).output();
        assertTensor(fresh, new int[] {BATCH, UNITS}, layer.call(K.constant(second, BATCH, STEPS, IN)), tolerance());
    }

    @Test
    void sigmoidGatesAndSequencesOfAnotherLength() {
        Recurrent<?> layer = withWeights(new LSTM(UNITS).recurrentActivation("sigmoid").activation("softsign"), Cell.LSTM);
        int steps = 6;
        double[] x = Reference.uniform(BATCH * steps * IN, -2, 2, 13);
        double[][] w = weights(Cell.LSTM);
        RecurrentReference reference = new RecurrentReference(Cell.LSTM, IN, UNITS, Reference.stored(w[0]),
                Reference.stored(w[1]), Reference.stored(w[2])).activations(v -> v / (1 + Math.abs(v)), RecurrentReference.SIGMOID);
        double[] expected = reference.run(Reference.stored(x), BATCH, steps, false, null, false, null).output();
        assertTensor(expected, new int[] {BATCH, UNITS}, layer.call(K.constant(x, BATCH, steps, IN)), tolerance());
    }

    @Test
    void customGateActivationsApplyGateByGate() {
        // A custom activation may not act element by element (here: each gate's sigmoid scaled by
        // its own row maximum), so it sees one gate at a time, as Keras applies it.
        Activation perGate = v -> K.divide(K.sigmoid(v), K.max(K.sigmoid(v), -1, true));
        Recurrent<?> layer = withWeights(new LSTM(UNITS).recurrentActivation(perGate), Cell.LSTM);
        double[][] w = weights(Cell.LSTM);
        double[] sx = Reference.stored(X);
        double[] kernel = Reference.stored(w[0]);
        double[] recurrent = Reference.stored(w[1]);
        double[] bias = Reference.stored(w[2]);
        double[] expected = new double[BATCH * UNITS];
        for (int n = 0; n < BATCH; n++) {
            double[] h = new double[UNITS];
            double[] c = new double[UNITS];
            for (int t = 0; t < STEPS; t++) {
                double[][] gate = new double[4][UNITS];
                for (int g = 0; g < 4; g++) {
                    for (int u = 0; u < UNITS; u++) {
                        int col = g * UNITS + u;
                        double z = bias[col];
                        for (int k = 0; k < IN; k++) {
                            z += sx[(n * STEPS + t) * IN + k] * kernel[k * 4 * UNITS + col];
                        }
                        for (int k = 0; k < UNITS; k++) {
                            z += h[k] * recurrent[k * 4 * UNITS + col];
                        }
                        gate[g][u] = g == 2 ? Math.tanh(z) : 1 / (1 + Math.exp(-z));
                    }
                    if (g != 2) {
                        double max = Arrays.stream(gate[g]).max().orElseThrow();
                        for (int u = 0; u < UNITS; u++) {
                            gate[g][u] /= max;
                        }
                    }
                }
                for (int u = 0; u < UNITS; u++) {
                    c[u] = gate[1][u] * c[u] + gate[0][u] * gate[2][u];
                    h[u] = gate[3][u] * Math.tanh(c[u]);
                }
            }
            System.arraycopy(h, 0, expected, n * UNITS, UNITS);
        }
        assertTensor(expected, new int[] {BATCH, UNITS}, layer.call(K.constant(X, BATCH, STEPS, IN)), tolerance());
    }

    @Test
    void lstmForgetGateBiasStartsAtOne() {
        LSTM layer = new LSTM(3);
        layer.ensureBuilt(new int[] {STEPS, IN});
        // Keras's unit_forget_bias: zeros for i, ones for f, zeros for c and o.
        assertTensor(new double[] {0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}, new int[] {12}, layer.getWeights().get(2));
        LSTM plain = new LSTM(3).unitForgetBias(false);
        plain.ensureBuilt(new int[] {STEPS, IN});
        assertTensor(new double[12], new int[] {12}, plain.getWeights().get(2));
    }

    @Test
    void weightShapesAreKerasLayouts() {
        assertShapes(new SimpleRNN(5), new int[] {IN, 5}, new int[] {5, 5}, new int[] {5});
        assertShapes(new LSTM(5), new int[] {IN, 20}, new int[] {5, 20}, new int[] {20});
        assertShapes(new GRU(5), new int[] {IN, 15}, new int[] {5, 15}, new int[] {15});
        assertShapes(new GRU(5).resetAfter(true), new int[] {IN, 15}, new int[] {5, 15}, new int[] {2, 15});
    }

    private static void assertShapes(Recurrent<?> layer, int[]... shapes) {
        layer.ensureBuilt(new int[] {STEPS, IN});
        List<Tensor> weights = layer.getWeights();
        assertEquals(shapes.length, weights.size());
        for (int i = 0; i < shapes.length; i++) {
            assertEquals(java.util.Arrays.toString(shapes[i]), java.util.Arrays.toString(weights.get(i).shape()), layer + " weight " + i);
        }
    }

    @Test
    void recurrentKernelStartsOrthogonal() {
        LSTM layer = new LSTM(4);
        layer.ensureBuilt(new int[] {STEPS, IN});
        // orthogonal (4 x 16): the rows are orthonormal, W·Wᵀ = I.
        double[] u = layer.getWeights().get(1).toDoubleArray();
        double[] product = Reference.matmul(u, Reference.transpose(u, 4, 16), 4, 16, 4);
        double[] identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
        cthulhu.conformance.TensorAssert.assertClose(identity, product, Tolerance.current().times(10), "U·Uᵀ");
    }
}
