package cthulhu.conformance.sequences;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.conformance.sequences.RecurrentReference.Cell;
import cthulhu.layers.Bidirectional;
import cthulhu.layers.Daoloth;
import cthulhu.layers.GRU;
import cthulhu.layers.GlobalAveragePooling1D;
import cthulhu.layers.LSTM;
import cthulhu.layers.LayerNormalization;
import cthulhu.layers.RepeatVector;
import cthulhu.layers.SimpleRNN;
import cthulhu.layers.TimeDistributed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static cthulhu.conformance.sequences.RecurrentForwardTest.BATCH;
import static cthulhu.conformance.sequences.RecurrentForwardTest.IN;
import static cthulhu.conformance.sequences.RecurrentForwardTest.MASK;
import static cthulhu.conformance.sequences.RecurrentForwardTest.STEPS;
import static cthulhu.conformance.sequences.RecurrentForwardTest.UNITS;
import static cthulhu.conformance.sequences.RecurrentForwardTest.X;
import static cthulhu.conformance.sequences.RecurrentForwardTest.reference;
import static cthulhu.conformance.sequences.RecurrentForwardTest.tolerance;
import static cthulhu.conformance.sequences.RecurrentForwardTest.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link Bidirectional} in every merge mode against the two directions of
 * {@link RecurrentReference}; {@link TimeDistributed}, {@link RepeatVector},
 * {@link LayerNormalization} and {@link GlobalAveragePooling1D} (with and without a mask)
 * against formulas evaluated in double.
 */
class WrappersTest extends ConformanceTestBase {

    /** A Bidirectional LSTM whose two directions both hold {@link RecurrentForwardTest#weights}. */
    private static Bidirectional bidirectional(String mode, boolean sequences) {
        Bidirectional layer = new Bidirectional(new LSTM(UNITS).returnSequences(sequences)).mergeMode(mode);
        layer.ensureBuilt(new int[] {STEPS, IN});
        double[][] w = weights(Cell.LSTM);
        List<Tensor> one = List.of(K.constant(w[0], IN, 4 * UNITS), K.constant(w[1], UNITS, 4 * UNITS), K.constant(w[2], 4 * UNITS));
        layer.setWeights(List.of(one.get(0), one.get(1), one.get(2), one.get(0), one.get(1), one.get(2)));
        return layer;
    }

    @ParameterizedTest
    @ValueSource(strings = {"concat", "sum", "mul", "ave"})
    void mergesTheForwardAndTheReversedBackwardSequence(String mode) {
        Tensor y = bidirectional(mode, true).call(K.constant(X, BATCH, STEPS, IN), K.constant(MASK, BATCH, STEPS), false);
        double[] f = reference(Cell.LSTM).run(Reference.stored(X), BATCH, STEPS, false, MASK, true, null).output();
        double[] b = reference(Cell.LSTM).run(Reference.stored(X), BATCH, STEPS, true, MASK, true, null).output();
        int width = mode.equals("concat") ? 2 * UNITS : UNITS;
        double[] expected = new double[BATCH * STEPS * width];
        for (int n = 0; n < BATCH; n++) {
            for (int t = 0; t < STEPS; t++) {
                for (int j = 0; j < UNITS; j++) {
                    double fv = f[(n * STEPS + t) * UNITS + j];
                    // the backward run's output for step t is its (STEPS - 1 - t)-th.
                    double bv = b[(n * STEPS + STEPS - 1 - t) * UNITS + j];
                    int at = (n * STEPS + t) * width;
                    switch (mode) {
                        case "concat" -> {
                            expected[at + j] = fv;
                            expected[at + UNITS + j] = bv;
                        }
                        case "sum" -> expected[at + j] = fv + bv;
                        case "mul" -> expected[at + j] = fv * bv;
                        default -> expected[at + j] = (fv + bv) / 2;
                    }
                }
            }
        }
        assertTensor(expected, new int[] {BATCH, STEPS, width}, y, tolerance());
    }

    @Test
    void withoutMergeModeGivesBothLastOutputs() {
        Bidirectional layer = bidirectional(null, false);
        List<Tensor> out = layer.callWithStates(K.constant(X, BATCH, STEPS, IN), null, null, false);
        assertEquals(2, out.size());
        assertTensor(reference(Cell.LSTM).run(Reference.stored(X), BATCH, STEPS, false, null, false, null).output(),
                new int[] {BATCH, UNITS}, out.get(0), tolerance());
        assertTensor(reference(Cell.LSTM).run(Reference.stored(X), BATCH, STEPS, true, null, false, null).output(),
                new int[] {BATCH, UNITS}, out.get(1), tolerance());
        assertThrowsWithMessage(IllegalStateException.class, () -> layer.call(K.constant(X, BATCH, STEPS, IN)),
                "gives 2 outputs", "call(List.of(x)");
        assertEquals(2, layer.call(List.of(K.constant(X, BATCH, STEPS, IN)), false).size());
    }

    @Test
    void weightsAreForwardThenBackward() {
        Bidirectional layer = new Bidirectional(new GRU(3));
        layer.ensureBuilt(new int[] {STEPS, IN});
        assertEquals(6, layer.getWeights().size());
        assertEquals("forward_gru", layer.forwardLayer().getName());
        assertEquals("backward_gru", layer.backwardLayer().getName());
        assertEquals("[6]", java.util.Arrays.toString(layer.computeOutputShape(new int[] {STEPS, IN})));
    }

    @Test
    void timeDistributedAppliesOneDenseLayerToEveryStep() {
        double[] kernel = Reference.uniform(IN * 2, -1, 1, 51);
        double[] bias = {0.25, -0.5};
        TimeDistributed layer = new TimeDistributed(new Daoloth(2, "tanh"));
        layer.ensureBuilt(new int[] {STEPS, IN});
        layer.setWeights(List.of(K.constant(kernel, IN, 2), K.constant(bias, 2)));
        double[] x = Reference.stored(X);
        double[] product = Reference.matmul(x, Reference.stored(kernel), BATCH * STEPS, IN, 2);
        double[] bs = Reference.stored(bias);
        double[] expected = new double[product.length];
        for (int i = 0; i < product.length; i++) {
            expected[i] = Math.tanh(product[i] + bs[i % 2]);
        }
        assertTensor(expected, new int[] {BATCH, STEPS, 2}, layer.call(K.constant(X, BATCH, STEPS, IN)), Tolerance.current().times(10));
        assertEquals(2, layer.getWeights().size());
    }

    @Test
    void repeatVectorCopiesEachSample() {
        Tensor y = new RepeatVector(3).call(K.constant(new double[] {1, 2, 3, 4}, 2, 2));
        assertTensor(new double[] {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}, new int[] {2, 3, 2}, y);
    }

    @Test
    void layerNormalizationOverTheLastAxis() {
        LayerNormalization layer = new LayerNormalization();
        layer.ensureBuilt(new int[] {STEPS, IN});
        double[] gamma = {0.5, 1.5, -1};
        double[] beta = {0.1, 0.2, 0.3};
        layer.setWeights(List.of(K.constant(gamma, 3), K.constant(beta, 3)));
        double[] x = Reference.stored(X);
        double[] expected = new double[x.length];
        for (int r = 0; r < x.length / 3; r++) {
            double mean = (x[3 * r] + x[3 * r + 1] + x[3 * r + 2]) / 3;
            double var = 0;
            for (int j = 0; j < 3; j++) {
                var += (x[3 * r + j] - mean) * (x[3 * r + j] - mean) / 3;
            }
            for (int j = 0; j < 3; j++) {
                expected[3 * r + j] = (x[3 * r + j] - mean) / Math.sqrt(var + 1e-3) * gamma[j] + beta[j];
            }
        }
        assertTensor(expected, new int[] {BATCH, STEPS, IN}, layer.call(K.constant(X, BATCH, STEPS, IN)), Tolerance.current().times(10));
    }

    @Test
    void globalAveragePoolingAveragesOnlyUnmaskedSteps() {
        GlobalAveragePooling1D layer = new GlobalAveragePooling1D();
        double[] x = Reference.stored(X);
        double[] plain = new double[BATCH * IN];
        double[] masked = new double[BATCH * IN];
        for (int n = 0; n < BATCH; n++) {
            double kept = 0;
            for (int t = 0; t < STEPS; t++) {
                kept += MASK[n * STEPS + t];
            }
            for (int j = 0; j < IN; j++) {
                double sum = 0;
                double sumKept = 0;
                for (int t = 0; t < STEPS; t++) {
                    double v = x[(n * STEPS + t) * IN + j];
                    sum += v;
                    sumKept += MASK[n * STEPS + t] * v;
                }
                plain[n * IN + j] = sum / STEPS;
                masked[n * IN + j] = sumKept / kept;
            }
        }
        Tensor input = K.constant(X, BATCH, STEPS, IN);
        assertTensor(plain, new int[] {BATCH, IN}, layer.call(input), Tolerance.current().times(4));
        assertTensor(masked, new int[] {BATCH, IN}, layer.call(input, K.constant(MASK, BATCH, STEPS), false), Tolerance.current().times(4));
        assertNull(layer.computeMask(input, K.constant(MASK, BATCH, STEPS)));
    }

    @Test
    void simpleRnnInsideTimeDistributedIsRejectedByShape() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new TimeDistributed(new SimpleRNN(2)).call(K.constant(X, BATCH, STEPS, IN)),
                "SimpleRNN", "[batch, steps, features]", "[3]");
    }
}
