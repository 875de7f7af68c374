package cthulhu.conformance.layers;

import cthulhu.activations.Activations;
import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Layer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static cthulhu.conformance.TensorAssert.assertShape;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Daoloth (Dense) and Azatoth (Activation): forward values against the affine map and activation
 * evaluated in double in the test, weight shapes and counts, defaults, the equivalence of the ways
 * to give an activation, and the errors at the layer boundary.
 */
class DaolothTest extends ConformanceTestBase {

    private static final double[] X = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75};          // 2 x 3

    /** x (n x k) · w (k x m) + b, in double at the stored values. */
    private static double[] affine(double[] x, double[] w, double[] b, int n, int k, int m) {
        double[] xs = Reference.stored(x);
        double[] ws = Reference.stored(w);
        double[] bs = b == null ? new double[m] : Reference.stored(b);
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = bs[j];
                for (int p = 0; p < k; p++) {
                    s += xs[i * k + p] * ws[p * m + j];
                }
                out[i * m + j] = s;
            }
        }
        return out;
    }

    private static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(out[i]);
        }
        return out;
    }

    private static final double[] KERNEL = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6};  // 3 x 2
    private static final double[] BIAS = {0.05, -0.1};

    private static Daoloth withWeights(Daoloth layer) {
        layer.ensureBuilt(new int[] {3});
        layer.setWeights(List.of(K.constant(KERNEL, 3, 2), K.constant(BIAS, 2)));
        return layer;
    }

    @Test
    void forwardIsTheAffineMapThenTheActivation() {
        Tensor y = withWeights(new Daoloth(2, "tanh")).call(K.constant(X, 2, 3));
        assertTensor(map(affine(X, KERNEL, BIAS, 2, 3, 2), Math::tanh), new int[] {2, 2}, y, Tolerance.current().times(4));
        Tensor linear = withWeights(new Daoloth(2)).call(K.constant(X, 2, 3));
        assertTensor(affine(X, KERNEL, BIAS, 2, 3, 2), new int[] {2, 2}, linear, Tolerance.current().times(4));
    }

    @Test
    void withoutBiasThereIsOnlyAKernel() {
        Daoloth layer = new Daoloth(2).useBias(false);
        layer.ensureBuilt(new int[] {3});
        assertEquals(1, layer.getWeights().size());
        assertEquals(6, layer.countParams());
        layer.setWeights(List.of(K.constant(KERNEL, 3, 2)));
        assertTensor(affine(X, KERNEL, null, 2, 3, 2), new int[] {2, 2}, layer.call(K.constant(X, 2, 3)),
                Tolerance.current().times(4));
    }

    @Test
    void higherRankInputsContractTheLastAxis() {
        // [2, 2, 3] = two samples of 2 x 3: every row goes through the same affine map
        double[] x = new double[12];
        System.arraycopy(X, 0, x, 0, 6);
        System.arraycopy(X, 0, x, 6, 6);
        // built for [3], then given samples of [2, 3]: as in Keras, only the last axis is fixed
        Daoloth layer = withWeights(new Daoloth(2, "relu"));
        Tensor y = layer.call(K.constant(x, 2, 2, 3));
        double[] row = map(affine(X, KERNEL, BIAS, 2, 3, 2), v -> Math.max(v, 0));
        double[] expected = new double[8];
        System.arraycopy(row, 0, expected, 0, 4);
        System.arraycopy(row, 0, expected, 4, 4);
        assertTensor(expected, new int[] {2, 2, 2}, y, Tolerance.current().times(4));
        assertArrayEquals(new int[] {5, 2}, layer.computeOutputShape(new int[] {5, 3}));
    }

    @Test
    void weightsAreKernelThenBiasWithKerasDefaults() {
        Daoloth layer = new Daoloth(30).inputDim(20);
        layer.call(K.zeros(4, 20));
        List<Tensor> weights = layer.getWeights();
        assertEquals(2, weights.size());
        assertShape(new int[] {20, 30}, weights.get(0));
        assertShape(new int[] {30}, weights.get(1));
        assertEquals(20 * 30 + 30, layer.countParams());
        assertEquals("kernel", layer.variables().get(0).name());
        assertEquals("bias", layer.variables().get(1).name());
        // glorot_uniform: |w| <= sqrt(6 / (20 + 30)); zeros
        double limit = Math.sqrt(6.0 / 50);
        new Stats(weights.get(0).toDoubleArray()).assertWithin(-limit, limit, limit * 1e-6, "default kernel (glorot_uniform)");
        assertTensor(new double[30], new int[] {30}, weights.get(1), Tolerance.current());
    }

    @Test
    void initializersAreChosenByName() {
        Daoloth layer = new Daoloth(3).kernelInitializer("ones").biasInitializer("ones");
        Tensor y = layer.call(K.constant(new double[] {1, 2}, 1, 2));
        assertTensor(new double[] {4, 4, 4}, new int[] {1, 3}, y);
    }

    @Test
    void theThreeWaysToGiveAnActivationAgree() {
        Daoloth named = new Daoloth(4, "tanh");
        Daoloth function = new Daoloth(4, K::tanh);
        Daoloth linear = new Daoloth(4);
        Layer separate = new Azatoth("tanh");
        Tensor x = K.constant(Reference.uniform(15, -2, 2, 3), 5, 3);
        Tensor reference = named.call(x);
        function.ensureBuilt(new int[] {3});
        function.setWeights(named.getWeights());
        linear.ensureBuilt(new int[] {3});
        linear.setWeights(named.getWeights());
        double[] expected = reference.toDoubleArray();
        assertTensor(expected, new int[] {5, 4}, function.call(x), Tolerance.current());
        assertTensor(expected, new int[] {5, 4}, separate.call(linear.call(x)), Tolerance.current());
        assertSame(Activations.get("tanh"), named.activation(), "a name resolves through Activations.get");
    }

    @Test
    void azatothAppliesItsActivation() {
        double[] x = {-2, -0.5, 0, 0.5, 3};
        assertTensor(Reference.map(x, v -> 1 / (1 + Math.exp(-v))), new int[] {1, 5},
                new Azatoth("sigmoid").call(K.constant(x, 1, 5)), Tolerance.current().times(4));
        assertTensor(Reference.map(x, v -> v * v), new int[] {1, 5}, new Azatoth(K::square).call(K.constant(x, 1, 5)));
        assertEquals(0, new Azatoth("relu").countParams());
    }

    @Test
    void aBuiltLayerRejectsAnotherFeatureSize() {
        Daoloth layer = new Daoloth(2);
        layer.setName("dense_7");
        layer.call(K.zeros(4, 3));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(4, 5)),
                "dense_7", "[3]", "[4, 5]", "[batch, ..., 3]", "reshape the input");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(4, 2, 5)), "dense_7", "[4, 2, 5]");
    }

    @Test
    void aDeclaredInputDimIsEnforced() {
        Daoloth layer = new Daoloth(2).inputDim(3);
        layer.setName("dense_3");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(2, 4)),
                "dense_3", "declared with input shape [3]", "[4]");
    }

    @Test
    void vectorsWithoutBatchAxisAreRejected() {
        Daoloth layer = new Daoloth(2);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(3)),
                "dense", "rank >= 2", "[]", "reshape");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.scalar(1)),
                "dense", "scalar", "batch");
    }

    @Test
    void inputOfAnotherDtypeIsRejected() {
        Daoloth layer = new Daoloth(2);
        layer.call(K.zeros(1, 3));
        DType other = K.dtype() == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(other, 1, 3)),
                "dense", K.dtype() + " weights", other + " input", "K.cast");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Daoloth(0), "positive number of units", "0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Daoloth(3, "tanhh"),
                "Unknown activation function: tanhh", "tanh");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Daoloth(3).kernelInitializer("glorot"),
                "Unknown initializer: glorot", "glorot_uniform");
        Daoloth built = new Daoloth(2);
        built.call(K.zeros(1, 2));
        assertThrowsWithMessage(IllegalStateException.class, () -> built.useBias(false), "already built", "useBias");
    }

    @Test
    void setWeightsChecksShapes() {
        Daoloth layer = new Daoloth(2);
        layer.setName("dense_9");
        layer.ensureBuilt(new int[] {3});
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> layer.setWeights(List.of(K.zeros(2, 3), K.zeros(2))), "dense_9", "kernel", "[3, 2]", "[2, 3]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.setWeights(List.of(K.zeros(3, 2))),
                "dense_9", "2 weights", "1 were given");
    }

    @Test
    void anUnregisteredFunctionCannotBeSaved() {
        Daoloth layer = new Daoloth(2, x -> K.multiply(x, K.sigmoid(x)));
        layer.setName("dense_5");
        assertThrowsWithMessage(IllegalArgumentException.class, layer::getConfig,
                "dense_5", "not registered", "Activations.register");
        Daoloth abs = new Daoloth(2, K::abs);
        assertThrowsWithMessage(IllegalArgumentException.class, abs::getConfig, "Activations.register");
        assertEquals("tanh", new Daoloth(2, Activations.get("tanh")).getConfig().get("activation"));
        assertEquals("tanh", new Daoloth(2, K::tanh).getConfig().get("activation"));
    }
}
