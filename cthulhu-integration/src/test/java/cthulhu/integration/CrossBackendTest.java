package cthulhu.integration;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Daoloth;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.DoubleStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three backends on one classpath compute the same: every activation and its gradient, a
 * set of {@code K} primitives, and a short training run of a small perceptron on the iris data,
 * each run on pure, nd4j and djl through {@code K.withBackend}, the results of nd4j and djl
 * compared with those of pure.
 *
 * <p>Tolerances (NumPy's {@code allclose}, {@code |a - r| <= atol + rtol · |r|}):
 * <ul>
 *   <li>one operation: {@link Tolerance#FLOAT64} (rtol 1e-10, atol 1e-12) in float64, and four
 *       times {@link Tolerance#FLOAT32} (rtol 4e-5, atol 4e-6) in float32, where the libraries
 *       round their own float32 {@code exp}, {@code tanh} and sums differently;</li>
 *   <li>training, float64: {@link #TRAINING} (rtol 1e-9, atol 1e-12) on the loss and accuracy of
 *       every epoch, the final weights and the predictions — 80 Adam steps whose rounding
 *       differences (summation orders in matmul and reductions) may compound; measured, they
 *       stay below 1e-15, and anything a float32 step or a wrong gradient gives is above 1e-7.</li>
 * </ul>
 * The printed lines give the largest differences measured.
 */
class CrossBackendTest {

    private static final Tolerance TRAINING = new Tolerance(1e-9, 1e-12);

    /** Inputs on both sides of every kink (0, ±2.5) but none on one, from -6 to 6. */
    private static final double[] POINTS = {
        -6.0, -4.1, -2.7, -2.3, -1.3, -0.6, -0.05, -1e-4, 2e-4,
        0.07, 0.45, 0.99, 1.1, 2.2, 2.6, 3.6, 4.9, 6.0};
    private static final int[] SHAPE = {3, 6};
    /** Weights of the summed output whose gradient is taken, so that softmax's gradient is not zero. */
    private static final double[] WEIGHTS = Reference.uniform(POINTS.length, -1, 2, 11);

    private static Tolerance oneOperation(String floatx) {
        return floatx.equals("float64") ? Tolerance.FLOAT64 : Tolerance.FLOAT32.times(4);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"float32", "float64"})
    void everyActivationAndItsGradientAgree(String floatx) {
        assertTrue(Activations.names().containsAll(List.of("softmax", "elu", "selu", "softplus", "softsign", "relu", "tanh",
                "sigmoid", "hard_sigmoid", "exponential", "linear")), "the Keras 2.2.4 activations among " + Activations.names());
        for (String name : Activations.names()) {
            Activation a = Activations.get(name);
            Map<String, double[]> values = OnEachBackend.run(floatx, () -> a.apply(K.constant(POINTS, SHAPE)).toDoubleArray());
            Map<String, double[]> gradients = OnEachBackend.run(floatx, () -> K.gradient(x -> {
                Tensor out = a.apply(x);   // glu halves the last axis: weigh the output's own shape
                int size = java.util.Arrays.stream(out.shape()).reduce(1, (p, q) -> p * q);
                return K.multiply(out, K.constant(java.util.Arrays.copyOf(WEIGHTS, size), out.shape()));
            }, K.constant(POINTS, SHAPE)).toDoubleArray());
            OnEachBackend.assertAgree(floatx + " " + name, values, oneOperation(floatx));
            OnEachBackend.assertAgree(floatx + " " + name + " gradient", gradients, oneOperation(floatx));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"float32", "float64"})
    void primitivesAndTheirGradientsAgree(String floatx) {
        double[] a = Reference.uniform(20, -2, 2, 1);
        double[] b = Reference.uniform(15, -1, 1, 2);
        double[] row = Reference.uniform(5, 0.5, 3, 3);
        Map<String, Function<Tensor[], Tensor>> cases = new LinkedHashMap<>();
        cases.put("dot [4,5]·[5,3]", t -> K.dot(t[0], t[1]));
        cases.put("sum, mean, max, min axis 1", t -> K.concatenate(List.of(K.sum(t[0], 1, false),
                K.mean(t[0], 1, false), K.max(t[0], 1, false), K.min(t[0], 1, false)), 0));
        cases.put("broadcast divide by a row", t -> K.divide(t[0], t[2]));
        cases.put("exp, log, sqrt, square", t -> K.sqrt(K.log(K.add(K.exp(K.square(t[0])), 1))));
        cases.put("softmax axis 0", t -> K.softmax(t[0], 0));
        cases.put("transpose then reshape", t -> K.reshape(K.transpose(t[0]), 2, 10));
        cases.put("argmax axis 1", t -> K.argmax(t[0], 1));
        cases.put("gradient of sum(tanh(a)·b)²", t -> K.gradient(x -> K.square(K.dot(K.tanh(x), t[1])), t[0]));
        cases.put("gradient of softmax cross-entropy", t -> K.gradient(
                x -> K.multiply(K.log(K.softmax(K.dot(x, t[1]), -1)), -1), t[0]));
        for (Map.Entry<String, Function<Tensor[], Tensor>> c : cases.entrySet()) {
            Map<String, double[]> values = OnEachBackend.run(floatx, () -> c.getValue().apply(new Tensor[] {
                K.constant(a, 4, 5), K.constant(b, 5, 3), K.constant(row, 5)}).toDoubleArray());
            // A few chained operations, each rounded: twice the one-operation tolerance.
            OnEachBackend.assertAgree(floatx + " " + c.getKey(), values, oneOperation(floatx).times(2));
        }
    }

    /** What a training run produced, flattened for comparison. */
    private record Run(double[] initialWeights, double[] loss, double[] accuracy, double[] finalWeights,
                       double[] predictions) {
    }

    @Test
    void aShortTrainingRunOnIrisAgreesInFloat64() {
        Iris iris = Iris.load();
        Map<String, Run> runs = OnEachBackend.run("float64", () -> train(iris));
        Run pure = runs.get("pure");
        for (String backend : OnEachBackend.BACKENDS) {
            // The initializers draw in Java from the same seeds, so the starting points are identical.
            assertArrayEquals(pure.initialWeights(), runs.get(backend).initialWeights(), 0,
                    "initial weights on " + backend);
        }
        OnEachBackend.assertAgree("float64 iris loss per epoch", map(runs, Run::loss), TRAINING);
        OnEachBackend.assertAgree("float64 iris accuracy per epoch", map(runs, Run::accuracy), TRAINING);
        OnEachBackend.assertAgree("float64 iris final weights", map(runs, Run::finalWeights), TRAINING);
        OnEachBackend.assertAgree("float64 iris predictions", map(runs, Run::predictions), TRAINING);
        // Reference for the run itself: a working optimizer lowers the loss and learns most flowers.
        double[] loss = pure.loss();
        assertTrue(loss[loss.length - 1] < loss[0] * 0.8, "training loss " + Arrays.toString(loss));
        assertTrue(pure.accuracy()[pure.accuracy().length - 1] > 0.85, "accuracy " + Arrays.toString(pure.accuracy()));
    }

    private static Run train(Iris iris) {
        Seeds.reset(7);
        try (Sequential model = new Sequential("iris")) {
            model.add(new Daoloth(8, "tanh").inputShape(Iris.FEATURES));
            model.add(new Daoloth(Iris.CLASSES, "softmax"));
            // Adam at ten times its default rate, so that eight epochs learn most of the flowers.
            model.compile(new Adam(0.01), Losses.get("categorical_crossentropy"), "accuracy");
            double[] initial = flatten(model.getWeights());
            History history = model.fit(iris.x(), iris.y(),
                    new FitOptions().epochs(8).batchSize(16).shuffle(true).seed(7).verbose(0));
            return new Run(initial, unbox(history.history().get("loss")), unbox(history.history().get("accuracy")),
                    flatten(model.getWeights()), model.predict(iris.x()).toDoubleArray());
        }
    }

    private static double[] flatten(List<Tensor> tensors) {
        List<double[]> parts = new ArrayList<>();
        tensors.forEach(t -> parts.add(t.toDoubleArray()));
        return parts.stream().flatMapToDouble(DoubleStream::of).toArray();
    }

    private static double[] unbox(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Map<String, double[]> map(Map<String, Run> runs, Function<Run, double[]> part) {
        Map<String, double[]> out = new LinkedHashMap<>();
        runs.forEach((backend, run) -> out.put(backend, part.apply(run)));
        return out;
    }
}
