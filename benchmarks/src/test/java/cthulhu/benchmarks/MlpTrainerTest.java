package cthulhu.benchmarks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The MLP implementations the benchmarks compare must do the same work: from the same initial
 * weights, each gives the loss a double-precision forward pass computes here from the spec, and
 * after Adam steps each matches the hand-written ND4J loop.
 */
class MlpTrainerTest {

    private static final MlpSpec SPEC = new MlpSpec(new int[] {12, 8, 8, 4}, 6, 2, 7);
    private static final int STEPS = 5;

    @ParameterizedTest
    @ValueSource(strings = {"pure", "nd4j", "djl", "raw-djl", "raw-nd4j"})
    void firstLossIsTheCrossentropyOfTheInitialNetwork(String impl) {
        try (Trainer trainer = MlpTrainer.create(impl, SPEC)) {
            assertEquals(referenceLoss(0), trainer.step(0), 1e-5, impl);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pure", "nd4j", "djl", "raw-djl"})
    void stepsMatchTheHandWrittenNd4jLoop(String impl) {
        float[] expected = new float[STEPS];
        try (Trainer reference = MlpTrainer.create("raw-nd4j", SPEC)) {
            for (int s = 0; s < STEPS; s++) {
                expected[s] = reference.step(s % SPEC.batches());
            }
        }
        try (Trainer trainer = MlpTrainer.create(impl, SPEC)) {
            for (int s = 0; s < STEPS; s++) {
                // float32 on every side; the libraries sum in different orders.
                assertEquals(expected[s], trainer.step(s % SPEC.batches()), 1e-4, impl + " step " + s);
            }
        }
    }

    /** Mean categorical crossentropy of batch {@code i} under the initial weights, in double. */
    private static double referenceLoss(int i) {
        int[] units = SPEC.units();
        float[] x = SPEC.x(i);
        float[] y = SPEC.y(i);
        double total = 0;
        for (int r = 0; r < SPEC.batchSize(); r++) {
            double[] h = new double[units[0]];
            for (int c = 0; c < units[0]; c++) {
                h[c] = x[r * units[0] + c];
            }
            for (int l = 0; l < SPEC.layers(); l++) {
                float[] kernel = SPEC.kernel(l);
                double[] z = new double[units[l + 1]];
                for (int o = 0; o < z.length; o++) {
                    for (int k = 0; k < h.length; k++) {
                        z[o] += h[k] * kernel[k * z.length + o];
                    }
                }
                if (l < SPEC.layers() - 1) {
                    for (int o = 0; o < z.length; o++) {
                        z[o] = Math.max(z[o], 0);
                    }
                }
                h = z;
            }
            total += Crossentropy.of(h, y, r);
        }
        return total / SPEC.batchSize();
    }
}
