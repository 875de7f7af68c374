package cthulhu.conformance.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sample statistics with tolerances from sampling theory, for tests of random layers and
 * initializers. Each bound is {@value #SIGMAS} standard errors, so a correct implementation fails
 * with probability below 1e-6 per check (and, with the fixed seeds the tests use, never).
 */
final class Stats {

    /** The width of every statistical bound, in standard errors. */
    static final double SIGMAS = 5;

    private final double[] x;
    final double mean;
    final double variance;
    private final double fourthMoment;

    Stats(double[] x) {
        this.x = x;
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double m2 = 0;
        double m4 = 0;
        for (double v : x) {
            double d = (v - m) * (v - m);
            m2 += d;
            m4 += d * d;
        }
        this.mean = m;
        this.variance = m2 / x.length;
        this.fourthMoment = m4 / x.length;
    }

    /** Asserts the mean within {@value #SIGMAS} standard errors {@code sqrt(variance / n)} of {@code expected}. */
    void assertMean(double expected, double trueVariance, String what) {
        double bound = SIGMAS * Math.sqrt(trueVariance / x.length);
        assertTrue(Math.abs(mean - expected) <= bound, () -> what + ": sample mean " + mean + " is not within "
                + bound + " (" + SIGMAS + " standard errors, n = " + x.length + ") of " + expected);
    }

    /**
     * Asserts the (biased) sample variance within {@value #SIGMAS} standard errors of
     * {@code expected}; the standard error of a variance is {@code sqrt((μ4 - σ⁴) / n)}, with the
     * fourth central moment μ4 estimated from the sample.
     */
    void assertVariance(double expected, String what) {
        double bound = SIGMAS * Math.sqrt((fourthMoment - variance * variance) / x.length);
        assertTrue(Math.abs(variance - expected) <= bound, () -> what + ": sample variance " + variance
                + " is not within " + bound + " (" + SIGMAS + " standard errors, n = " + x.length + ") of " + expected);
    }

    /** Asserts every sample in {@code [low, high]}, widened by {@code slack} for the rounding of the stored type. */
    void assertWithin(double low, double high, double slack, String what) {
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            int index = i;
            assertTrue(v >= low - slack && v <= high + slack, () -> what + ": sample " + index + " = " + v
                    + " lies outside [" + low + ", " + high + "]");
        }
    }

    /**
     * Asserts that {@code count} successes of {@code n} Bernoulli trials of probability {@code p}
     * is within {@value #SIGMAS} binomial standard deviations {@code sqrt(n p (1 - p))} of {@code n p}.
     */
    static void assertBinomial(long count, long n, double p, String what) {
        double expected = n * p;
        double bound = SIGMAS * Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - expected) <= bound, () -> what + ": " + count + " of " + n + " is not within "
                + bound + " (" + SIGMAS + " binomial standard deviations) of the expected " + expected);
    }
}
