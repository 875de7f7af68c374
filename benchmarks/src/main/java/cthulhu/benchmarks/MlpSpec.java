package cthulhu.benchmarks;

import java.util.Arrays;

/**
 * A multilayer perceptron training problem every implementation shares: layer widths
 * {@code units[0] → … → units[L]} (relu between layers, softmax at the end, categorical
 * crossentropy, Adam with lr 0.001, β1 0.9, β2 0.999), and a synthetic data set of
 * {@code batches} batches of {@code batchSize} samples: inputs uniform in {@code [0, 1)},
 * one-hot labels, all from {@code seed}. Kernels start Glorot-uniform, biases zero.
 */
record MlpSpec(int[] units, int batchSize, int batches, long seed) {

    /** Adam's learning rate. */
    static final double LEARNING_RATE = 0.001;
    /** Adam's β1. */
    static final double BETA1 = 0.9;
    /** Adam's β2. */
    static final double BETA2 = 0.999;
    /** Adam's ε: Keras's default fuzz factor. */
    static final double EPSILON = 1e-7;

    MlpSpec {
        units = units.clone();
    }

    /** The MNIST-sized network 784-512-512-10 with hidden width {@code width}. */
    static MlpSpec mnist(int width, int batchSize, int batches) {
        return new MlpSpec(new int[] {784, width, width, 10}, batchSize, batches, 42);
    }

    /** The digits network 64-64-10. */
    static MlpSpec digits(int batchSize, int batches) {
        return new MlpSpec(new int[] {64, 64, 10}, batchSize, batches, 43);
    }

    @Override
    public int[] units() {
        return units.clone();
    }

    int inputs() {
        return units[0];
    }

    int classes() {
        return units[units.length - 1];
    }

    /** Number of dense layers. */
    int layers() {
        return units.length - 1;
    }

    /** Samples in one epoch. */
    int samples() {
        return batchSize * batches;
    }

    /** The inputs of batch {@code i}, row-major {@code batchSize × inputs}. */
    float[] x(int i) {
        return Bench.uniform(batchSize * inputs(), 0, 1, seed * 1000 + i);
    }

    /** The one-hot labels of batch {@code i}, row-major {@code batchSize × classes}. */
    float[] y(int i) {
        return Bench.oneHot(batchSize, classes(), seed * 1000 + 500 + i);
    }

    /** The initial kernel of layer {@code l}, row-major {@code units[l] × units[l+1]}. */
    float[] kernel(int l) {
        return Bench.glorotUniform(units[l], units[l + 1], seed * 10 + l);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpSpec s && Arrays.equals(units, s.units) && batchSize == s.batchSize
                && batches == s.batches && seed == s.seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(units) * 31 + batchSize * 7 + batches + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return "MlpSpec(" + Arrays.toString(units) + ", batch " + batchSize + ", " + batches + " batches)";
    }
}
