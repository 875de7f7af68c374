package cthulhu.backend;

import java.util.SplittableRandom;

/**
 * Seeded random samples drawn in Java, so that a seed gives the same values on every backend.
 */
public final class Sampling {

    private Sampling() {
    }

    /** {@code n} samples uniform in {@code [min, max)}. */
    public static double[] uniform(long n, double min, double max, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[checkedLength(n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = min + (max - min) * random.nextDouble();
        }
        return out;
    }

    /** {@code n} samples from the normal distribution with the given mean and standard deviation. */
    public static double[] normal(long n, double mean, double stddev, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[checkedLength(n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean + stddev * random.nextGaussian();
        }
        return out;
    }

    /**
     * {@code n} samples from the normal distribution, each redrawn until it lies within two
     * standard deviations of the mean (TensorFlow's {@code truncated_normal}).
     */
    public static double[] truncatedNormal(long n, double mean, double stddev, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[checkedLength(n)];
        for (int i = 0; i < out.length; i++) {
            double z;
            do {
                z = random.nextGaussian();
            } while (z < -2 || z > 2);
            out[i] = mean + stddev * z;
        }
        return out;
    }

    private static int checkedLength(long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Cannot draw " + n + " samples into one Java array");
        }
        return (int) n;
    }
}
