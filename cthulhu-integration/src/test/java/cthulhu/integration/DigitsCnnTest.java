package cthulhu.integration;

import cthulhu.backend.K;
import cthulhu.examples.DigitsCnn;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The digits CNN example beats the perceptron's held-out accuracy on every backend: at least
 * 97.5 % on the shuffled held-out fifth, in float32, trained as the example trains it.
 */
class DigitsCnnTest {

    @Test
    void theCnnReachesNinetySevenAndAHalfPercentOnEveryBackend() {
        for (String backend : OnEachBackend.BACKENDS) {
            double accuracy = K.withBackend(backend, () -> K.withFloatx("float32", () -> {
                try {
                    return DigitsCnn.trainAndEvaluate(DigitsCnn.EPOCHS, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            System.out.printf("digits CNN on %s: held-out accuracy %.4f%n", backend, accuracy);
            assertTrue(accuracy >= 0.975, "held-out accuracy on " + backend + " is " + accuracy + ", expected >= 0.975");
        }
    }
}
