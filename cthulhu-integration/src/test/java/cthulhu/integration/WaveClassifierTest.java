package cthulhu.integration;

import cthulhu.backend.K;
import cthulhu.examples.WaveClassifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequence example on every backend: an LSTM trained on generated noisy sine, square and
 * sawtooth waves (fewer than the example's own run, to stay quick) must classify at least 85 %
 * of held-out waves; chance is 33 %.
 */
class WaveClassifierTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pure", "nd4j", "djl"})
    void lstmLearnsTheWaveShapes(String backend) {
        double accuracy = K.withBackend(backend, () -> WaveClassifier.trainAndEvaluate(360, 150, 12, 1));
        System.out.printf(Locale.ROOT, "wave classifier on %s: %.1f %% held-out accuracy%n", backend, 100 * accuracy);
        assertTrue(accuracy >= 0.85, backend + " reached only " + accuracy + " held-out accuracy");
    }
}
