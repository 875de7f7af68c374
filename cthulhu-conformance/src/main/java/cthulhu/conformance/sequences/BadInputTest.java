package cthulhu.conformance.sequences;

import cthulhu.backend.K;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Bidirectional;
import cthulhu.layers.Daoloth;
import cthulhu.layers.GRU;
import cthulhu.layers.LSTM;
import cthulhu.layers.SimpleRNN;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;

/**
 * The errors of the layers for sequences name the layer, the value and the fix: a rank-2 input
 * to a recurrent layer, a mask of the wrong shape, initial states of the wrong count or shape,
 * {@code Bidirectional} around a layer that is not recurrent, a stateful layer given a batch of
 * another size. (Embedding's id errors: {@link EmbeddingTest}.)
 */
class BadInputTest extends ConformanceTestBase {

    @Test
    void rankTwoInputToARecurrentLayer() {
        LSTM layer = new LSTM(4);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(8, 5)),
                "LSTM lstm", "[batch, steps, features]", "[5]", "K.reshape(x, batch, steps, 1)");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new GRU(4).callWithStates(K.zeros(8, 5), null, null, false), "GRU gru", "[5]");
    }

    @Test
    void maskOfTheWrongShape() {
        SimpleRNN layer = new SimpleRNN(2);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(2, 4, 3), K.ones(2, 5), false),
                "SimpleRNN simple_rnn", "mask of shape [2, 5]", "[batch, steps] = [2, 4]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(2, 4, 3), K.ones(2, 4, 3), false),
                "mask of shape [2, 4, 3]");
    }

    @Test
    void initialStatesOfTheWrongCountOrShape() {
        LSTM layer = new LSTM(2);
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> layer.callWithStates(K.zeros(3, 4, 5), null, List.of(K.zeros(3, 2)), false),
                "LSTM lstm", "2 state(s) [h, c]", "1 initial state(s)");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> layer.callWithStates(K.zeros(3, 4, 5), null, List.of(K.zeros(3, 2), K.zeros(2, 2)), false),
                "initial state 1", "[2, 2]", "[batch, units] = [3, 2]");
    }

    @Test
    void bidirectionalAroundALayerThatIsNotRecurrent() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Bidirectional(new Daoloth(3)),
                "Bidirectional", "recurrent layer", "Dense dense", "TimeDistributed");
    }

    @Test
    void statefulLayerGivenABatchOfAnotherSize() {
        GRU layer = new GRU(2).stateful(true);
        layer.call(K.zeros(4, 3, 2));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(3, 3, 2)),
                "GRU gru", "stateful", "batches of 4", "batch of 3", "resetStates()");
        layer.resetStates();
        layer.call(K.zeros(3, 3, 2));
    }

    @Test
    void featuresOtherThanTheBuiltOnes() {
        LSTM layer = new LSTM(2);
        layer.call(K.zeros(1, 3, 2));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.zeros(1, 3, 4)),
                "lstm", "[1, 3, 4]", "[batch, None, 2]");
    }

    @Test
    void invalidOptions() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new LSTM(0), "LSTM", "positive", "0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new GRU(2).dropout(1.0), "GRU", "dropout", "[0, 1)", "1.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Bidirectional(new LSTM(2)).mergeMode("max"),
                "merge mode \"max\"", "\"concat\"");
    }
}
