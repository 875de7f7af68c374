package cthulhu.conformance.models;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Add;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Input;
import cthulhu.layers.Symbol;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertClose;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.models.NamedLayers.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Training functional models: a step worked by hand, gradients through shared layers, equivalence with Sequential. */
class FunctionalTrainingTest extends ConformanceTestBase {

    /**
     * A trunk h = x·W0 + b0 and two heads reg = h·W1 + b1 (mse, weight 1) and aux = h·W2 + b2
     * (mae, weight 0.5), SGD lr 0.1, one sample x = [1, 2], targets reg 3, aux 1.
     * <pre>
     * W0 = I, b0 = 0: h = [1, 2]     W1 = [[1], [0]], b1 = 0: reg = 1     W2 = [[0], [1]], b2 = 1: aux = 3
     * reg_loss = (1 − 3)² = 4, aux_loss = |3 − 1| = 2, loss = 4 + 0.5 · 2 = 5
     * dL/dreg = 2 (1 − 3) = −4, dL/daux = 0.5 · sign(3 − 1) = 0.5
     * dW1 = hᵀ · (−4) = [[−4], [−8]], db1 = −4   → W1' = [[1.4], [0.8]], b1' = 0.4
     * dW2 = hᵀ · 0.5 = [[0.5], [1]], db2 = 0.5    → W2' = [[−0.05], [0.9]], b2' = 0.95
     * dh = −4 · [1, 0] + 0.5 · [0, 1] = [−4, 0.5]
     * dW0 = xᵀ · dh = [[−4, 0.5], [−8, 1]], db0 = [−4, 0.5] → W0' = [[1.4, −0.05], [0.8, 0.9]], b0' = [0.4, −0.05]
     * </pre>
     */
    @Test
    void oneStepOfTwoOutputsWithLossWeightsMatchesTheHandWorkedUpdate() {
        Symbol x = Input.of("x", 2);
        Daoloth trunk = new Daoloth(2);
        Daoloth reg = named(new Daoloth(1), "reg");
        Daoloth aux = named(new Daoloth(1), "aux");
        Symbol h = trunk.apply(x);
        try (Model model = new Model(List.of(x), List.of(reg.apply(h), aux.apply(h)))) {
            trunk.setWeights(List.of(K.constant(new double[] {1, 0, 0, 1}, 2, 2), K.zeros(2)));
            reg.setWeights(List.of(K.constant(new double[] {1, 0}, 2, 1), K.zeros(1)));
            aux.setWeights(List.of(K.constant(new double[] {0, 1}, 2, 1), K.constant(new double[] {1}, 1)));
            model.compile(new SGD(0.1), List.of(Losses.get("mse"), Losses.get("mae")), List.of(1.0, 0.5), "mae");
            History history = model.fit(List.of(K.constant(new double[] {1, 2}, 1, 2)),
                    List.of(K.constant(new double[] {3}, 1, 1), K.constant(new double[] {1}, 1, 1)),
                    new FitOptions().epochs(1).batchSize(1).verbose(0));

            assertEquals(List.of("loss", "reg_loss", "aux_loss", "reg_mae", "aux_mae"), List.copyOf(history.history().keySet()));
            Tolerance tol = Tolerance.current().times(10);
            Map<String, List<Double>> logs = history.history();
            assertClose(new double[] {5, 4, 2, 2, 2}, new double[] {logs.get("loss").get(0), logs.get("reg_loss").get(0),
                logs.get("aux_loss").get(0), logs.get("reg_mae").get(0), logs.get("aux_mae").get(0)}, tol, "logs before the step");
            assertTensor(new double[] {1.4, -0.05, 0.8, 0.9}, new int[] {2, 2}, trunk.getWeights().get(0), tol);
            assertTensor(new double[] {0.4, -0.05}, new int[] {2}, trunk.getWeights().get(1), tol);
            assertTensor(new double[] {1.4, 0.8}, new int[] {2, 1}, reg.getWeights().get(0), tol);
            assertTensor(new double[] {0.4}, new int[] {1}, reg.getWeights().get(1), tol);
            assertTensor(new double[] {-0.05, 0.9}, new int[] {2, 1}, aux.getWeights().get(0), tol);
            assertTensor(new double[] {0.95}, new int[] {1}, aux.getWeights().get(1), tol);
        }
    }

    /** The same compile by output name gives the same keys and values; evaluate returns them in that order. */
    @Test
    void lossesAndWeightsByOutputNameAndEvaluate() {
        Symbol x = Input.of("x", 2);
        Daoloth reg = named(new Daoloth(1), "reg");
        Daoloth aux = named(new Daoloth(1), "aux");
        try (Model model = new Model(List.of(x), List.of(reg.apply(x), aux.apply(x)))) {
            reg.setWeights(List.of(K.constant(new double[] {1, 0}, 2, 1), K.zeros(1)));
            aux.setWeights(List.of(K.constant(new double[] {0, 1}, 2, 1), K.constant(new double[] {1}, 1)));
            model.compile(new SGD(0.1), Map.of("reg", Losses.get("mse"), "aux", Losses.get("mae")), Map.of("aux", 0.5),
                    Map.of("aux", List.of("mse")));
            // reg = 1 vs 3: mse 4; aux = 3 vs 1: mae 2, mse 4; loss = 4 + 0.5 · 2 = 5.
            double[] values = model.evaluate(List.of(K.constant(new double[] {1, 2}, 1, 2)),
                    List.of(K.constant(new double[] {3}, 1, 1), K.constant(new double[] {1}, 1, 1)));
            assertClose(new double[] {5, 4, 2, 4}, values, Tolerance.current().times(10), "loss, reg_loss, aux_loss, aux_mse");
        }
    }

    /** The shared model of {@link #aSharedLayerGetsTheGradientOfBothCalls}: out = (tanh(a·W + c) + tanh(b·W + c))·V + d. */
    private static Model sharedModel(double[] weights) {
        Symbol a = Input.of("a", 2);
        Symbol b = Input.of("b", 2);
        Daoloth shared = new Daoloth(2, "tanh");
        Daoloth head = new Daoloth(1);
        Model model = new Model(List.of(a, b), List.of(head.apply(new Add().apply(shared.apply(a), shared.apply(b)))));
        model.setWeights(List.of(K.constant(java.util.Arrays.copyOfRange(weights, 0, 4), 2, 2),
                K.constant(java.util.Arrays.copyOfRange(weights, 4, 6), 2),
                K.constant(java.util.Arrays.copyOfRange(weights, 6, 8), 2, 1),
                K.constant(java.util.Arrays.copyOfRange(weights, 8, 9), 1)));
        return model;
    }

    private static final double[] SHARED_WEIGHTS = {0.3, -0.7, 0.5, 0.2, 0.1, -0.2, 0.9, -0.4, 0.05};
    private static final double[] A = {0.5, -1, 1.5, 0.2};
    private static final double[] B = {-0.3, 0.8, 0.1, -1.2};

    /** The sum of the outputs for the fixed inputs, in the active float type. */
    private static double outputSum(Model model) {
        return K.sum(model.call(List.of(K.constant(A, 2, 2), K.constant(B, 2, 2)), false).get(0)).toDoubleArray()[0];
    }

    /**
     * A layer called on two inputs gets the sum of both calls' gradients. Reference: central
     * finite differences (h = 1e-6) of the sum of the outputs with respect to each weight, in float64.
     */
    @Test
    void aSharedLayerGetsTheGradientOfBothCalls() {
        List<Double> autodiff = new ArrayList<>();
        try (Model model = sharedModel(SHARED_WEIGHTS)) {
            List<Variable> variables = model.trainableVariables();
            assertEquals(4, variables.size(), "the shared layer's weights count once");
            List<Tensor> values = variables.stream().map(Variable::value).toList();
            try (GradientTape tape = GradientTape.open()) {
                tape.watch(values);
                Tensor target = model.call(List.of(K.constant(A, 2, 2), K.constant(B, 2, 2)), true).get(0);
                for (Tensor g : tape.gradient(K.sum(target), values)) {
                    for (double v : g.toDoubleArray()) {
                        autodiff.add(v);
                    }
                }
            }
        }
        double[] expected = K.withFloatx("float64", () -> {
            double h = 1e-6;
            double[] grad = new double[SHARED_WEIGHTS.length];
            for (int i = 0; i < grad.length; i++) {
                double[] plus = SHARED_WEIGHTS.clone();
                double[] minus = SHARED_WEIGHTS.clone();
                plus[i] += h;
                minus[i] -= h;
                try (Model up = sharedModel(plus); Model down = sharedModel(minus)) {
                    grad[i] = (outputSum(up) - outputSum(down)) / (2 * h);
                }
            }
            return grad;
        });
        Tolerance tol = K.floatx().equals("float64") ? Tolerance.FLOAT64.times(1e4) : Tolerance.FLOAT32.times(20);
        assertClose(expected, autodiff.stream().mapToDouble(Double::doubleValue).toArray(), tol, "gradient of every weight");
    }

    /** A Sequential and the same stack written as a functional Model train to the same losses and weights, bit for bit. */
    @Test
    void sequentialAndFunctionalTrainIdentically() {
        double[] xs = new double[24];
        double[] ys = new double[16];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Math.sin(i * 0.7);
        }
        for (int i = 0; i < 8; i++) {
            ys[2 * i + (i % 2)] = 1;
        }
        List<Tensor> start;
        try (Sequential first = stack()) {
            start = first.getWeights();
        }
        double[][] losses = new double[2][];
        double[][] weights = new double[2][];
        for (int run = 0; run < 2; run++) {
            Model model = run == 0 ? stack() : functional();
            try (model) {
                model.setWeights(start);
                model.compile(new SGD(0.3), Losses.get("categorical_crossentropy"), "accuracy");
                History h = model.fit(K.constant(xs, 8, 3), K.constant(ys, 8, 2),
                        new FitOptions().epochs(5).batchSize(3).seed(11).verbose(0));
                losses[run] = h.history().get("loss").stream().mapToDouble(Double::doubleValue).toArray();
                List<Double> all = new ArrayList<>();
                for (Tensor w : model.getWeights()) {
                    for (double v : w.toDoubleArray()) {
                        all.add(v);
                    }
                }
                weights[run] = all.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
        assertArrayEquals(losses[0], losses[1], "losses per epoch");
        assertArrayEquals(weights[0], weights[1], "weights after training");
    }

    private static Sequential stack() {
        Sequential model = new Sequential();
        model.add(new Daoloth(4, "tanh").inputShape(3));
        model.add(new Daoloth(2, "softmax"));
        return model;
    }

    private static Model functional() {
        Symbol x = Input.of(3);
        return new Model(x, new Daoloth(2, "softmax").apply(new Daoloth(4, "tanh").apply(x)));
    }
}
