package cthulhu.conformance.models;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Concatenate;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Dot;
import cthulhu.layers.Input;
import cthulhu.layers.Symbol;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Adam;
import cthulhu.saving.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static cthulhu.conformance.models.NamedLayers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Functional models: summary, saving, and the errors for graphs and data that do not fit. */
class FunctionalModelTest extends ConformanceTestBase {

    /** Keras 2.2.4's functional summary: 98 columns, fields ending at 32, 53, 65 and 98, one row per connection. */
    @Test
    void theSummaryHasKerasConnectedToColumn() {
        Symbol a = Input.of("a", 3);
        Symbol b = Input.of("b", 2);
        Symbol joined = new Concatenate().apply(new Daoloth(4).apply(a), b);
        try (Model model = new Model(List.of(a, b), List.of(new Daoloth(1).apply(joined)))) {
            String rule = "_".repeat(98);
            // Params: dense_1 3·4 + 4 = 16, dense_2 6·1 + 1 = 7.
            String expected = String.join("\n",
                    rule,
                    row("Layer (type)", "Output Shape", "Param #", "Connected to"),
                    "=".repeat(98),
                    row("a (InputLayer)", "(None, 3)", "0", ""),
                    rule,
                    row("b (InputLayer)", "(None, 2)", "0", ""),
                    rule,
                    row("dense_1 (Dense)", "(None, 4)", "16", "a[0][0]"),
                    rule,
                    row("concatenate_1 (Concatenate)", "(None, 6)", "0", "dense_1[0][0]"),
                    row("", "", "", "b[0][0]"),
                    rule,
                    row("dense_2 (Dense)", "(None, 1)", "7", "concatenate_1[0][0]"),
                    "=".repeat(98),
                    "Total params: 23",
                    "Trainable params: 23",
                    "Non-trainable params: 0",
                    rule,
                    "");
            assertEquals(expected, model.summaryText());
        }
    }

    private static String row(String layer, String shape, String params, String connected) {
        return String.format("%-32s%-21s%-12s%-33s", layer, shape, params, connected);
    }

    /**
     * A model with two inputs, two outputs, a shared layer, a nested Sequential and a Dot merge,
     * saved after training and loaded: the same JSON, bit-identical weights and predictions, and
     * training resumes identically (the optimizer's state is restored).
     */
    @Test
    void saveAndLoadAreBitIdentical(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("functional.cthulhu");
        List<Tensor> xs = List.of(K.constant(new double[] {0.1, 0.5, -0.3, 0.8, -0.6, 0.2, 0.4, 0.9}, 4, 2),
                K.constant(new double[] {1, -1, 0.5, 0.25, 2, 0, -0.5, 1.5}, 4, 2));
        List<Tensor> ys = List.of(K.constant(new double[] {1, 0, 0, 1, 1, 0, 0, 1}, 4, 2),
                K.constant(new double[] {0.3, -0.2, 0.7, 0.1}, 4, 1));
        try (Model model = twoByTwo()) {
            model.compile(new Adam(0.01), Map.of("cls", Losses.get("categorical_crossentropy"), "reg", Losses.get("mse")),
                    Map.of("reg", 0.5), Map.of("cls", List.of("accuracy"), "reg", List.of("mae")));
            model.fit(xs, ys, new FitOptions().epochs(3).batchSize(2).seed(1).verbose(0));
            model.save(file);
            try (Model loaded = Model.load(file)) {
                assertEquals(model.toJson(), loaded.toJson());
                List<Tensor> w = model.getWeights();
                List<Tensor> v = loaded.getWeights();
                assertEquals(w.size(), v.size());
                for (int i = 0; i < w.size(); i++) {
                    assertExactly(w.get(i).toDoubleArray(), v.get(i));
                }
                List<Tensor> p = model.predict(xs);
                List<Tensor> q = loaded.predict(xs);
                assertExactly(p.get(0).toDoubleArray(), q.get(0));
                assertExactly(p.get(1).toDoubleArray(), q.get(1));
                History before = model.fit(xs, ys, new FitOptions().epochs(2).batchSize(2).seed(2).verbose(0));
                History after = loaded.fit(xs, ys, new FitOptions().epochs(2).batchSize(2).seed(2).verbose(0));
                assertEquals(List.of("loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae"),
                        List.copyOf(after.history().keySet()));
                assertEquals(before.history(), after.history());
            }
            assertThrowsWithMessage(ModelFormatException.class, () -> Sequential.load(file), "functional.cthulhu",
                    "Model", "not a Sequential", "Model.load");
        }
    }

    /** cls = softmax(dense(concat(shared(a), shared(b)))), reg = dot(inner(a), b) with inner a nested Sequential. */
    private static Model twoByTwo() {
        Symbol a = Input.of("a", 2);
        Symbol b = Input.of("b", 2);
        Daoloth shared = new Daoloth(3, "tanh");
        Sequential inner = new Sequential("inner");
        inner.add(new Daoloth(2, "relu").inputShape(2));
        Symbol cls = named(new Daoloth(2, "softmax"), "cls").apply(new Concatenate().apply(shared.apply(a), shared.apply(b)));
        Symbol dot = new Dot(1).apply(inner.apply(a), b);
        Symbol reg = named(new Daoloth(1), "reg").apply(dot);
        return new Model(List.of(a, b), List.of(cls, reg), "two_by_two");
    }

    @Test
    void graphsThatCannotBeModelsAreRefusedNamingTheLayers() {
        Symbol a = Input.of("a", 2);
        Symbol b = Input.of("b", 2);
        Symbol ab = new Concatenate().apply(a, b);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Model(a, ab),
                "Graph disconnected", "depends on the input b", "[None, 2]", "not among the model's inputs [a]");
        Symbol other = new Daoloth(2).apply(Input.of("other", 2));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Model(Input.of("mine", 2), other),
                "Graph disconnected", "input other", "[mine]", "another graph");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Model(List.of(a, b), List.of(new Daoloth(1).apply(a))), "input b", "[None, 2]", "not used by any output");
        Symbol hidden = new Daoloth(2).apply(a);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Model(hidden, new Daoloth(1).apply(hidden)),
                "input 0 must be a symbol made by Input.of", "dense", "(Dense)", "[None, 2]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Model(List.of(a, a), List.of(ab)),
                "the input a is given twice");
        Daoloth first = named(new Daoloth(2), "same");
        Daoloth second = named(new Daoloth(2), "same");
        Symbol twice = second.apply(first.apply(a));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Model(a, twice), "\"same\"", "unique");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Daoloth(2).inputShape(5).apply(Input.of("three", 3)),
                "dense", "three", "[3]", "[5]");
    }

    /** A saved graph whose nodes wait on each other cannot be built. */
    @Test
    void aCycleInASavedGraphIsRefused() {
        String json = "{\"class_name\": \"Model\", \"config\": {\"name\": \"loop\", \"layers\": ["
                + "{\"name\": \"in\", \"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_input_shape\": [null, 2]},"
                + " \"inbound_nodes\": []},"
                + "{\"name\": \"d1\", \"class_name\": \"Dense\", \"config\": {\"name\": \"d1\", \"units\": 2},"
                + " \"inbound_nodes\": [[[\"d2\", 0, 0, {}]]]},"
                + "{\"name\": \"d2\", \"class_name\": \"Dense\", \"config\": {\"name\": \"d2\", \"units\": 2},"
                + " \"inbound_nodes\": [[[\"d1\", 0, 0, {}]]]}],"
                + " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"d2\", 0, 0]]}}";
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Model.fromJson(json), "layer d1", "d2", "cycle");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Model.fromJson(json.replace("[[\"d2\", 0, 0, {}]]", "[[\"nope\", 0, 0, {}]]")),
                "'nope'", "not among the model's layers", "[in, d1, d2]");
    }

    @Test
    void dataThatDoesNotFitIsRefusedNamingInputsAndOutputs() {
        try (Model model = twoByTwo()) {
            Tensor x = K.constant(new double[8], 4, 2);
            Tensor y = K.constant(new double[8], 4, 2);
            Tensor r = K.constant(new double[4], 4, 1);
            assertThrowsWithMessage(IllegalArgumentException.class, () -> model.predict(List.of(x)),
                    "two_by_two", "2 input(s) [a, b]", "1 input array(s)");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> model.predict(x), "2 outputs [cls, reg]", "lists");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.predict(List.of(x, K.constant(new double[12], 4, 3))), "input b", "[batch, 2]", "[4, 3]");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.compile(new Adam(), List.of(Losses.get("mse")), null), "2 output(s) [cls, reg]", "1 losses");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.compile(new Adam(), Map.of("nope", Losses.get("mse"), "cls", Losses.get("mse"), "reg", Losses.get("mse")),
                            null, null), "Unknown output 'nope'", "[cls, reg]");
            model.compile("sgd", "mse");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(List.of(x, x), List.of(y), new FitOptions().verbose(0)), "2 output(s) [cls, reg]", "1 target");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> model.fit(List.of(x, x), List.of(y, y), new FitOptions().verbose(0)),
                    "target reg", "[None, 1]", "[4, 1]", "[4, 2]");
            assertEquals(3, model.evaluate(List.of(x, x), List.of(y, r)).length, "loss, cls_loss, reg_loss");
        }
    }
}
