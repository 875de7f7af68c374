package cthulhu.conformance.sequences;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Bidirectional;
import cthulhu.layers.Concatenate;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Embedding;
import cthulhu.layers.GRU;
import cthulhu.layers.GlobalAveragePooling1D;
import cthulhu.layers.Input;
import cthulhu.layers.LSTM;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerNormalization;
import cthulhu.layers.Layers;
import cthulhu.layers.Masking;
import cthulhu.layers.RepeatVector;
import cthulhu.layers.SimpleRNN;
import cthulhu.layers.Symbol;
import cthulhu.layers.TimeDistributed;
import cthulhu.models.FitOptions;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers for sequences inside models: masks made by {@code Embedding(maskZero)} and
 * {@code Masking} reach the recurrent layer through {@link Sequential} and functional
 * {@link Model} graphs alike (a padded sequence predicts what its unpadded part does), every layer's Keras config round-trips through
 * {@link Layers}, a model saves and loads exactly, and a model trains.
 */
class SequenceModelTest extends ConformanceTestBase {

    private static Sequential embeddingLstm(int steps) {
        Sequential model = new Sequential("tagger");
        model.add(new Embedding(6, 3).maskZero(true).inputShape(steps));
        model.add(new LSTM(4));
        model.add(new Daoloth(2, "softmax"));
        return model;
    }

    @Test
    void paddingIdsChangeNothingThroughSequential() {
        Sequential padded = embeddingLstm(6);
        padded.compile("adam", "categorical_crossentropy");
        Sequential plain = embeddingLstm(3);
        plain.compile("adam", "categorical_crossentropy");
        List<Tensor> weights = padded.getWeights();
        plain.setWeights(weights);
        // Padding before and after: masked steps carry the state, so only ids 3, 1, 5 count.
        Tensor y = padded.predict(K.constant(new double[] {0, 3, 1, 5, 0, 0, 0, 0, 0, 3, 1, 5}, 2, 6));
        double[] unpadded = plain.predict(K.constant(new double[] {3, 1, 5}, 1, 3)).toDoubleArray();
        double[] twice = new double[] {unpadded[0], unpadded[1], unpadded[0], unpadded[1]};
        assertTensor(twice, new int[] {2, 2}, y, Tolerance.current().times(10));
    }

    /** The same Embedding(maskZero) → LSTM → softmax chain as a functional graph. */
    private static Model functionalEmbeddingLstm(int steps) {
        Symbol ids = Input.of("ids", steps);
        Symbol h = new LSTM(4).apply(new Embedding(6, 3).maskZero(true).apply(ids));
        return new Model(ids, new Daoloth(2, "softmax").apply(h));
    }

    @Test
    void aFunctionalModelMasksAsSequentialDoes() {
        Tensor x = K.constant(new double[] {0, 3, 1, 5, 0, 0, 0, 0, 0, 3, 1, 5}, 2, 6);
        try (Sequential sequential = embeddingLstm(6); Model functional = functionalEmbeddingLstm(6);
             Model plain = functionalEmbeddingLstm(3)) {
            functional.setWeights(sequential.getWeights());
            plain.setWeights(sequential.getWeights());
            Tensor y = functional.predict(x);
            assertExactly(sequential.predict(x).toDoubleArray(), y);
            double[] unpadded = plain.predict(K.constant(new double[] {3, 1, 5}, 1, 3)).toDoubleArray();
            double[] twice = new double[] {unpadded[0], unpadded[1], unpadded[0], unpadded[1]};
            assertTensor(twice, new int[] {2, 2}, y, Tolerance.current().times(10));
        }
    }

    @Test
    void masksFollowEveryBranchOfAGraph() {
        // One embedding's mask reaches two branches: an LSTM, and the steps' masked mean.
        Symbol ids = Input.of("ids", 5);
        Symbol e = new Embedding(6, 3).maskZero(true).apply(ids);
        Symbol both = new Concatenate().apply(new LSTM(2).apply(e), new GlobalAveragePooling1D().apply(e));
        Symbol idsShort = Input.of("short", 2);
        try (Model padded = new Model(ids, both); Model plain = new Model(idsShort, rebuilt(padded, idsShort))) {
            Tensor y = padded.predict(K.constant(new double[] {4, 0, 0, 2, 0}, 1, 5));
            double[] expected = plain.predict(K.constant(new double[] {4, 2}, 1, 2)).toDoubleArray();
            assertTensor(expected, new int[] {1, 5}, y, Tolerance.current().times(10));
        }
    }

    /** The graph of {@code model} (an embedding feeding an LSTM and a mean) on a new input, sharing its layers. */
    private static Symbol rebuilt(Model model, Symbol input) {
        List<Layer> layers = model.getLayers();
        Symbol e = layers.get(1).apply(input);
        return layers.get(4).apply(layers.get(2).apply(e), layers.get(3).apply(e));
    }

    @Test
    void maskingLayerMasksThroughSequential() {
        Sequential masked = new Sequential();
        masked.add(new Masking(0).inputShape(4, 2));
        masked.add(new GRU(3).resetAfter(true));
        Sequential plain = new Sequential();
        plain.add(new GRU(3).resetAfter(true).inputShape(2, 2));
        plain.setWeights(masked.getWeights());
        double[] steps = {0.5, -1, 0.25, 2};
        Tensor y = masked.predict(K.constant(new double[] {0, 0, 0.5, -1, 0, 0, 0.25, 2}, 1, 4, 2));
        assertTensor(plain.predict(K.constant(steps, 1, 2, 2)).toDoubleArray(), new int[] {1, 3}, y, Tolerance.current().times(10));
    }

    @Test
    void everyLayerConfigRoundTrips() {
        List<Layer> layers = List.of(new Embedding(7, 2).maskZero(true).inputShape(5), new Masking(-1.5),
                new SimpleRNN(3).activation("relu").returnSequences(true), new LSTM(2).unitForgetBias(false).goBackwards(true),
                new GRU(4).resetAfter(true).recurrentActivation("sigmoid").dropout(0.25).recurrentDropout(0.5).stateful(true),
                new Bidirectional(new LSTM(3).returnSequences(true)).mergeMode("ave"), new TimeDistributed(new Daoloth(2, "relu")),
                new RepeatVector(4), new LayerNormalization().epsilon(1e-5).center(false), new GlobalAveragePooling1D());
        for (Layer layer : layers) {
            Map<String, Object> serialized = Layers.serialize(layer);
            Layer copy = Layers.deserialize(serialized);
            assertEquals(layer.getClass(), copy.getClass());
            assertEquals(serialized, Layers.serialize(copy), layer.className());
        }
    }

    @Test
    void bidirectionalModelSavesAndLoadsExactly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bidirectional.cthulhu");
        try (Sequential model = new Sequential()) {
            model.add(new Bidirectional(new GRU(3).returnSequences(true)).inputShape(4, 2));
            model.add(new TimeDistributed(new Daoloth(1)));
            model.compile("adam", "mse");
            model.save(file);
            Tensor x = K.constant(Reference.uniform(3 * 4 * 2, -1, 1, 61), 3, 4, 2);
            try (Sequential loaded = Sequential.load(file)) {
                assertExactly(model.predict(x).toDoubleArray(), loaded.predict(x));
            }
        }
    }

    @Test
    void anLstmLearnsWhetherASequenceRises() {
        // 48 sequences of 4 steps; label 1 when the last value exceeds the first. The starting
        // weights are fixed too, so the test does not depend on what ran before it.
        Seeds.reset(71);
        double[] x = Reference.uniform(48 * 4, -1, 1, 71);
        double[] y = new double[48];
        for (int n = 0; n < 48; n++) {
            y[n] = x[n * 4 + 3] > x[n * 4] ? 1 : 0;
        }
        Sequential model = new Sequential();
        model.add(new LSTM(6).inputShape(4, 1));
        model.add(new Daoloth(1, "sigmoid"));
        model.compile(new cthulhu.optimizers.Adam(0.05), cthulhu.losses.Losses.get("binary_crossentropy"), "accuracy");
        Tensor xs = K.constant(x, 48, 4, 1);
        Tensor ys = K.constant(y, 48, 1);
        double before = model.evaluate(xs, ys)[0];
        model.fit(xs, ys, new FitOptions().epochs(30).batchSize(48).seed(3).verbose(0));
        double[] after = model.evaluate(xs, ys);
        assertTrue(after[0] < before / 2, "loss " + before + " -> " + after[0]);
        assertTrue(after[1] >= 0.9, "accuracy " + after[1]);
    }
}
