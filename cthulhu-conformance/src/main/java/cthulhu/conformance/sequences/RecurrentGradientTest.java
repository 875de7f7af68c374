package cthulhu.conformance.sequences;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.sequences.RecurrentReference.Cell;
import cthulhu.layers.Recurrent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.sequences.RecurrentForwardTest.BATCH;
import static cthulhu.conformance.sequences.RecurrentForwardTest.IN;
import static cthulhu.conformance.sequences.RecurrentForwardTest.layer;
import static cthulhu.conformance.sequences.RecurrentForwardTest.weights;

/**
 * Gradients through time of every recurrent cell, with respect to the inputs and to each weight,
 * against central finite differences in float64 ({@link GradientCheck}); with masked steps and
 * going backwards, where the gradient must skip the masked steps. The gates use {@code sigmoid}
 * here, which has no kinks ({@code hard_sigmoid}'s are checked by the forward tests and the
 * activation suite).
 */
class RecurrentGradientTest extends ConformanceTestBase {

    /** Three steps are enough to carry a gradient through time and keep the differences quick. */
    private static final int STEPS = 3;
    private static final double[] X = Reference.uniform(BATCH * STEPS * IN, -1, 1, 11);
    /** Sample 0 has its second step masked, sample 1 its first. */
    private static final double[] MASK = {1, 0, 1, 0, 1, 1};

    /** The layer with the fixed weights, sigmoid gates, every step output, run on {@code x}. */
    private static Tensor run(Cell cell, Tensor x, boolean backwards, boolean masked, List<Tensor> weights) {
        Recurrent<?> layer = layer(cell).recurrentActivation("sigmoid").returnSequences(true).goBackwards(backwards);
        layer.ensureBuilt(new int[] {STEPS, IN});
        layer.setWeights(weights);
        return masked ? layer.call(x, K.constant(MASK, BATCH, STEPS), false) : layer.call(x);
    }

    private static List<Tensor> weightTensors(Cell cell) {
        double[][] w = weights(cell);
        int g = RecurrentForwardTest.gates(cell);
        int[] biasShape = cell == Cell.GRU_RESET_AFTER ? new int[] {2, g * RecurrentForwardTest.UNITS} : new int[] {g * RecurrentForwardTest.UNITS};
        return List.of(K.constant(w[0], IN, g * RecurrentForwardTest.UNITS),
                K.constant(w[1], RecurrentForwardTest.UNITS, g * RecurrentForwardTest.UNITS), K.constant(w[2], biasShape));
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void inputGradientMatchesFiniteDifferences(Cell cell) {
        GradientCheck.check(x -> run(cell, x, false, false, weightTensors(cell)), X, BATCH, STEPS, IN);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void inputGradientWithMaskAndGoingBackwards(Cell cell) {
        GradientCheck.check(x -> run(cell, x, true, true, weightTensors(cell)), X, BATCH, STEPS, IN);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void weightGradientsMatchFiniteDifferences(Cell cell) {
        Recurrent<?> layer = layer(cell).recurrentActivation("sigmoid").returnSequences(true);
        layer.ensureBuilt(new int[] {STEPS, IN});
        layer.setWeights(weightTensors(cell));
        List<Tensor> variables = layer.getWeights();
        List<Tensor> grads;
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(variables);
            Tensor y = layer.call(K.constant(X, BATCH, STEPS, IN), K.constant(MASK, BATCH, STEPS), false);
            grads = tape.gradient(y, variables);
        }
        double[][] w = weights(cell);
        for (int i = 0; i < 3; i++) {
            int index = i;
            int[] shape = variables.get(i).shape();
            // sum of the outputs as a function of weight i alone, the others fixed.
            Function<Tensor, Tensor> f = wi -> {
                List<Tensor> all = new ArrayList<>(weightTensors(cell));
                all.set(index, wi);
                return run(cell, K.constant(X, BATCH, STEPS, IN), false, true, all);
            };
            double[] reference = GradientCheck.numeric(f, Reference.stored(w[i]), shape);
            assertClose(reference, grads.get(i).toDoubleArray(), GradientCheck.tolerance(),
                    cell + " weight " + i + " (expected: central differences in float64)");
        }
    }
}
