package cthulhu.integration;

import cthulhu.backend.K;
import cthulhu.examples.WaveClassifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequence example on every backend: an LSTM trained as the example trains it, on generated
 * noisy sine, square and sawtooth waves, must classify at least 90 % of 300 held-out waves (the
 * backends reach 91 to 97 %); chance is 33 %.
 */
class WaveClassifierTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pure", "nd4j", "djl"})
    void lstmLearnsTheWaveShapes(String backend) {
        double accuracy = K.withBackend(backend, () -> WaveClassifier.trainAndEvaluate(600, 300, 16, 1));
        System.out.printf(Locale.ROOT, "wave classifier on %s: %.1f %% held-out accuracy%n", backend, 100 * accuracy);
        assertTrue(accuracy >= 0.9, backend + " reached only " + accuracy + " held-out accuracy");
    }
}
