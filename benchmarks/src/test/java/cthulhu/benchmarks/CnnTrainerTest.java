package cthulhu.benchmarks;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CNN implementations {@link ConvBenchmark} compares must do the same work: from the same
 * initial weights, each gives the loss a double-precision forward pass computes here from the
 * data set and {@link ConvBenchmark#initialKernel}, and its first steps and its epoch give the
 * losses of the hand-written libnd4j loop. DL4J draws its own weights and is not compared.
 */
class CnnTrainerTest {

    private static final int STEPS = 3;
    private static final int B = ConvBenchmark.BATCH;
    private static double referenceLoss;
    private static float[] loopSteps;
    private static float loopEpoch;

    @BeforeAll
    static void computeTheReferences() {
        referenceLoss = referenceLoss();
        loopSteps = new float[STEPS];
        try (Trainer loop = ConvBenchmark.trainer("raw-nd4j")) {
            for (int s = 0; s < STEPS; s++) {
                loopSteps[s] = loop.step(s);
            }
        }
        try (Trainer loop = ConvBenchmark.trainer("raw-nd4j")) {
            loopEpoch = loop.epoch();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pure", "nd4j", "djl", "raw-djl", "raw-nd4j"})
    void firstLossIsTheCrossentropyOfTheInitialNetwork(String impl) {
        try (Trainer trainer = ConvBenchmark.trainer(impl)) {
            // float32 sums of up to 4,096 products against double ones.
            assertEquals(referenceLoss, trainer.step(0), 1e-4, impl);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pure", "nd4j", "djl", "raw-djl"})
    void stepsMatchTheLibnd4jLoop(String impl) {
        try (Trainer trainer = ConvBenchmark.trainer(impl)) {
            for (int s = 0; s < STEPS; s++) {
                // float32 on every side; the libraries sum in different orders.
                assertEquals(loopSteps[s], trainer.step(s), 1e-4, impl + " step " + s);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pure", "nd4j", "djl", "raw-djl"})
    void epochMatchesTheLibnd4jLoop(String impl) {
        try (Trainer trainer = ConvBenchmark.trainer(impl)) {
            // The mean loss of 16 steps, over which the float32 differences of each step accumulate.
            assertEquals(loopEpoch, trainer.epoch(), 1e-3, impl);
        }
    }

    /** Mean categorical crossentropy of batch 0 under the initial weights, in double. */
    private static double referenceLoss() {
        float[] input = ConvBenchmark.inputBatch(ConvBenchmark.inputs(), 0);
        float[] labels = ConvBenchmark.labelBatch(ConvBenchmark.labels(), 0);
        double[] h = new double[input.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = input[i];
        }
        h = maxPool(convRelu(h, 32, 3, ConvBenchmark.initialKernel(0), 32), 32, 32);
        h = maxPool(convRelu(h, 16, 32, ConvBenchmark.initialKernel(1), 64), 16, 64);
        float[] dense = ConvBenchmark.initialKernel(2);
        int features = 8 * 8 * 64;
        int classes = 10;
        double total = 0;
        for (int b = 0; b < B; b++) {
            double[] z = new double[classes];
            for (int k = 0; k < features; k++) {
                for (int o = 0; o < classes; o++) {
                    z[o] += h[b * features + k] * dense[k * classes + o];
                }
            }
            total += Crossentropy.of(z, labels, b);
        }
        return total / B;
    }

    /** {@code relu} of the 3 × 3 convolution with same padding, stride 1, zero bias, channels-last. */
    private static double[] convRelu(double[] x, int size, int in, float[] kernel, int out) {
        double[] y = new double[B * size * size * out];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    int y0 = ((b * size + i) * size + j) * out;
                    for (int di = 0; di < 3; di++) {
                        for (int dj = 0; dj < 3; dj++) {
                            int r = i + di - 1;
                            int c = j + dj - 1;
                            if (r < 0 || r >= size || c < 0 || c >= size) {
                                continue;
                            }
                            int x0 = ((b * size + r) * size + c) * in;
                            for (int ch = 0; ch < in; ch++) {
                                int k0 = ((di * 3 + dj) * in + ch) * out;
                                for (int o = 0; o < out; o++) {
                                    y[y0 + o] += x[x0 + ch] * kernel[k0 + o];
                                }
                            }
                        }
                    }
                    for (int o = 0; o < out; o++) {
                        y[y0 + o] = Math.max(y[y0 + o], 0);
                    }
                }
            }
        }
        return y;
    }

    /** 2 × 2 max pooling with stride 2, channels-last. */
    private static double[] maxPool(double[] x, int size, int channels) {
        int half = size / 2;
        double[] y = new double[B * half * half * channels];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < half; j++) {
                    for (int ch = 0; ch < channels; ch++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int di = 0; di < 2; di++) {
                            for (int dj = 0; dj < 2; dj++) {
                                m = Math.max(m, x[((b * size + 2 * i + di) * size + 2 * j + dj) * channels + ch]);
                            }
                        }
                        y[((b * half + i) * half + j) * channels + ch] = m;
                    }
                }
            }
        }
        return y;
    }
}
