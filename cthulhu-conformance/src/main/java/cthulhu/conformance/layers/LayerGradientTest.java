package cthulhu.conformance.layers;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.AlphaDarkness;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Darkness;
import cthulhu.layers.ELU;
import cthulhu.layers.Layer;
import cthulhu.layers.LeakyReLU;
import cthulhu.layers.PReLU;
import cthulhu.layers.ReLU;
import cthulhu.layers.ThresholdedReLU;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients through the layers, so that they train: with respect to the weights (Daoloth's
 * kernel and bias, PReLU's alpha) against derivatives worked by hand and evaluated in double,
 * with respect to the inputs of the activation layers against their analytic derivatives, and
 * through the dropout masks against the output they produced.
 */
class LayerGradientTest extends ConformanceTestBase {

    /** Away from every kink used below (0, 0.5, 1) by more than any rounding. */
    private static final double[] X = {-2.5, -1, -0.3, 0.2, 0.7, 1.3, 2.5};

    @Test
    void daolothWeightGradientsAreTheChainRuleOfTheAffineMapAndTanh() {
        double[] x = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75};  // 2 x 3
        double[] kernel = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6};  // 3 x 2
        double[] bias = {0.05, -0.1};
        Daoloth layer = new Daoloth(2, "tanh");
        layer.ensureBuilt(new int[] {3});
        layer.setWeights(List.of(K.constant(kernel, 3, 2), K.constant(bias, 2)));
        Tensor kernelVar = layer.getWeights().get(0);
        Tensor biasVar = layer.getWeights().get(1);
        List<Tensor> grads;
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(kernelVar);
            tape.watch(biasVar);
            grads = tape.gradient(layer.call(K.constant(x, 2, 3)), List.of(kernelVar, biasVar));
        }
        // d sum(tanh(z)) / dz = 1 - tanh(z)^2, z = x W + b; dW[p][j] = sum_i x[i][p] (1 - tanh(z[i][j])^2)
        double[] xs = Reference.stored(x);
        double[] ws = Reference.stored(kernel);
        double[] bs = Reference.stored(bias);
        double[] dz = new double[4];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double z = bs[j];
                for (int p = 0; p < 3; p++) {
                    z += xs[3 * i + p] * ws[2 * p + j];
                }
                dz[2 * i + j] = 1 - Math.tanh(z) * Math.tanh(z);
            }
        }
        double[] dw = new double[6];
        for (int p = 0; p < 3; p++) {
            for (int j = 0; j < 2; j++) {
                dw[2 * p + j] = xs[p] * dz[j] + xs[3 + p] * dz[2 + j];
            }
        }
        double[] db = {dz[0] + dz[2], dz[1] + dz[3]};
        assertTensor(dw, new int[] {3, 2}, grads.get(0), Tolerance.current().times(10));
        assertTensor(db, new int[] {2}, grads.get(1), Tolerance.current().times(10));
    }

    @Test
    void preluAlphaGradientSumsTheNegativePartOverSharedAxes() {
        // d/d alpha_j sum(relu(x) - alpha relu(-x)) = sum of min(x, 0) over the elements using alpha_j
        PReLU layer = new PReLU().alphaInitializer("ones").sharedAxes(1);
        double[] x = Reference.uniform(2 * 4 * 3, -2, 2, 31);
        layer.ensureBuilt(new int[] {4, 3});
        Tensor alpha = layer.getWeights().get(0);
        Tensor gradient;
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(alpha);
            gradient = tape.gradient(layer.call(K.constant(x, 2, 4, 3)), List.of(alpha)).get(0);
        }
        double[] stored = Reference.stored(x);
        double[] expected = new double[3];
        for (int i = 0; i < stored.length; i++) {
            expected[i % 3] += Math.min(stored[i], 0);
        }
        assertTensor(expected, new int[] {1, 3}, gradient, Tolerance.current().times(10));
    }

    @Test
    void activationLayerInputGradientsAreTheirDerivatives() {
        GradientCheck.checkElementwise(x -> new LeakyReLU().call(x), v -> v > 0 ? 1 : 0.3, X);
        GradientCheck.checkElementwise(x -> new ELU(0.5).call(x), v -> v > 0 ? 1 : 0.5 * Math.exp(v), X);
        GradientCheck.checkElementwise(x -> new ThresholdedReLU().call(x), v -> v > 1 ? 1 : 0, X);
        GradientCheck.checkElementwise(x -> new ReLU(2.0, 0.1, 0.5).call(x), v -> v > 2 ? 0 : v > 0.5 ? 1 : 0.1, X);
        GradientCheck.checkElementwise(x -> new PReLU().alphaInitializer("ones").call(x), v -> 1, X);
    }

    @Test
    void dropoutGradientIsTheMaskThatWasApplied() {
        double[] values = Reference.uniform(2000, 0.5, 1.5, 5);
        Tensor x = K.constant(values, 20, 100);
        Tensor[] yAndGradient = trainingOutputAndGradient(new Darkness(0.4), x);
        // y = x · keep / (1 - rate), so dy/dx = y / x: 1 / 0.6 where kept, 0 where dropped
        double[] ys = yAndGradient[0].toDoubleArray();
        double[] gs = yAndGradient[1].toDoubleArray();
        double[] xs = Reference.stored(values);
        int kept = 0;
        for (int i = 0; i < xs.length; i++) {
            double expected = ys[i] / xs[i];
            assertEquals(expected, gs[i], 1e-5, "element " + i);
            kept += ys[i] != 0 ? 1 : 0;
        }
        assertTrue(kept > 0 && kept < xs.length, "some elements kept and some dropped");
    }

    @Test
    void alphaDropoutGradientIsTheScaleWhereKeptAndZeroWhereDropped() {
        double rate = 0.3;
        double alphaPrime = AlphaDarkness.ALPHA_PRIME;
        double a = Math.pow((1 - rate) * (1 + rate * alphaPrime * alphaPrime), -0.5);
        double b = -a * alphaPrime * rate;
        double[] values = Reference.uniform(2000, 0.5, 1.5, 6);
        Tensor x = K.constant(values, 20, 100);
        Tensor[] yAndGradient = trainingOutputAndGradient(new AlphaDarkness(rate), x);
        double[] ys = yAndGradient[0].toDoubleArray();
        double[] gs = yAndGradient[1].toDoubleArray();
        double[] xs = Reference.stored(values);
        for (int i = 0; i < xs.length; i++) {
            boolean kept = Math.abs(ys[i] - (a * xs[i] + b)) < 1e-5;
            assertEquals(kept ? a : 0, gs[i], 1e-5, "element " + i + " (" + (kept ? "kept" : "dropped") + ")");
        }
    }

    /** The layer's output in training for {@code x}, and the gradient of its sum with respect to {@code x}, of one call. */
    private static Tensor[] trainingOutputAndGradient(Layer layer, Tensor x) {
        try (GradientTape tape = GradientTape.open()) {
            tape.watch(x);
            Tensor y = layer.call(x, true);
            return new Tensor[] {y, tape.gradient(y, List.of(x)).get(0)};
        }
    }
}
