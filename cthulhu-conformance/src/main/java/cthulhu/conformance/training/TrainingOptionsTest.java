package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Darkness;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Layers;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keras's training options: dropout's {@code noise_shape} and {@code validation_freq}. */
class TrainingOptionsTest extends ConformanceTestBase {

    @Test
    void aNoiseShapeOfOneSharesTheMaskAlongThatAxis() {
        // Inputs of ones, rate 0.5: every output is 0 or 1/(1 − 0.5) = 2, and with noise shape (null, 1, null)
        // it is the same at every time step of a sample and feature.
        Darkness layer = new Darkness(0.5, 7L).noiseShape(null, 1, null);
        double[] out = layer.call(K.ones(2, 5, 3), true).toDoubleArray();
        for (int b = 0; b < 2; b++) {
            for (int f = 0; f < 3; f++) {
                double first = out[b * 15 + f];
                assertTrue(first == 0 || first == 2, () -> Arrays.toString(out));
                for (int t = 1; t < 5; t++) {
                    assertEquals(first, out[b * 15 + t * 3 + f], () -> "time step of " + Arrays.toString(out));
                }
            }
        }
    }

    @Test
    void aNoiseShapeThatDoesNotBroadcastIsRejectedWithBothShapes() {
        Darkness layer = new Darkness(0.5).noiseShape(2, 4, 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> layer.call(K.ones(2, 5, 3), true),
                "noise_shape", "[2, 4, 3]", "[2, 5, 3]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Darkness(0.5).noiseShape(0, 1), "noise_shape",
                "[0, 1]");
    }

    @Test
    void theNoiseShapeRoundTripsThroughTheLayerConfig() {
        Map<String, Object> saved = Layers.serialize(new Darkness(0.25, 3L).noiseShape(null, 1, 4));
        Darkness loaded = (Darkness) Layers.deserialize(saved);
        assertArrayEquals(new Integer[] {null, 1, 4}, loaded.noiseShape());
        assertEquals(0.25, loaded.rate());
    }

    @Test
    void validationRunsAfterTheEpochsValidationFreqNames() {
        Tensor x = K.constant(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, 4, 2);
        Tensor y = K.constant(new double[] {1, 0, 1, 0}, 4, 1);
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(1).inputShape(2));
            model.compile("sgd", "mse");
            History every2 = model.fit(x, y, new FitOptions().epochs(5).verbose(0).validationData(x, y).validationFreq(2));
            assertEquals(5, every2.history().get("loss").size());
            assertEquals(2, every2.history().get("val_loss").size(), "after epochs 2 and 4");
            History listed = model.fit(x, y, new FitOptions().epochs(4).verbose(0).validationData(x, y)
                    .validationFreq(List.of(1, 4)));
            assertEquals(2, listed.history().get("val_loss").size(), "after epochs 1 and 4");
        }
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new FitOptions().validationFreq(0), "validationFreq", "0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new FitOptions().validationFreq(List.of(0, 2)),
                "validationFreq", "[0, 2]");
    }
}
