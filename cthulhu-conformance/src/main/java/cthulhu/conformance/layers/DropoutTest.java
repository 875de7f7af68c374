package cthulhu.conformance.layers;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.layers.AlphaDarkness;
import cthulhu.layers.Darkness;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Darkness (Dropout) and AlphaDarkness (AlphaDropout): identity at inference; in training the
 * fraction dropped within {@value Stats#SIGMAS} binomial standard deviations of {@code rate}, kept
 * values scaled exactly as defined, fresh masks on every call, and — for alpha dropout — the mean
 * and variance of normalised input kept within {@value Stats#SIGMAS} standard errors.
 */
class DropoutTest extends ConformanceTestBase {

    private static final int ROWS = 100;
    private static final int COLS = 1000;
    private static final int N = ROWS * COLS;

    /** Float32 rounding of a few operations on values of order 1. */
    private static boolean close(double expected, double actual) {
        return Math.abs(expected - actual) <= 1e-6 * Math.abs(expected) + 1e-6;
    }

    @Test
    void darknessIsTheIdentityAtInference() {
        double[] x = Reference.uniform(40, -2, 2, 1);
        Tensor input = K.constant(x, 4, 10);
        assertExactly(Reference.stored(x), new Darkness(0.5).call(input));
        assertExactly(Reference.stored(x), new Darkness(0.5).call(input, false));
        assertExactly(Reference.stored(x), new Darkness(0).call(input, true));
    }

    @Test
    void darknessDropsRateOfTheInputsAndScalesTheRest() {
        double rate = 0.3;
        double[] y = new Darkness(rate, 5L).call(K.ones(ROWS, COLS), true).toDoubleArray();
        long dropped = 0;
        for (double v : y) {
            if (v == 0) {
                dropped++;
            } else {
                assertTrue(close(1 / (1 - rate), v), () -> "a kept 1 becomes 1 / (1 - rate) = " + 1 / (1 - rate) + ", got " + v);
            }
        }
        Stats.assertBinomial(dropped, N, rate, "elements dropped by Darkness(0.3)");
        // the expected output equals the input: mean of y within 5 standard errors of 1
        new Stats(y).assertMean(1, rate / (1 - rate), "mean of Darkness(0.3)(ones): variance rate / (1 - rate)");
    }

    @Test
    void darknessDrawsAFreshMaskOnEveryCall() {
        Darkness layer = new Darkness(0.5);
        Tensor ones = K.ones(10, 100);
        double[] first = layer.call(ones, true).toDoubleArray();
        double[] second = layer.call(ones, true).toDoubleArray();
        assertFalse(Arrays.equals(first, second), "two training calls draw two masks");
    }

    @Test
    void seededDarknessRepeatsItsSequenceOfMasks() {
        Tensor ones = K.ones(10, 100);
        Darkness a = new Darkness(0.5, 42L);
        Darkness b = new Darkness(0.5, 42L);
        double[] a1 = a.call(ones, true).toDoubleArray();
        double[] a2 = a.call(ones, true).toDoubleArray();
        assertArrayEquals(a1, b.call(ones, true).toDoubleArray(), "the same seed gives the same first mask");
        assertArrayEquals(a2, b.call(ones, true).toDoubleArray(), "and the same second mask");
        assertFalse(Arrays.equals(a1, a2), "successive masks differ");
    }

    @Test
    void rateOutsideZeroToOneIsRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Darkness(1), "Darkness", "[0, 1)", "1.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Darkness(-0.1), "Darkness", "-0.1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new AlphaDarkness(1.5), "AlphaDarkness", "1.5");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new AlphaDarkness(Double.NaN), "AlphaDarkness", "NaN");
    }

    @Test
    void alphaDarknessIsTheIdentityAtInference() {
        double[] x = Reference.uniform(40, -2, 2, 2);
        assertExactly(Reference.stored(x), new AlphaDarkness(0.2).call(K.constant(x, 4, 10)));
        assertExactly(Reference.stored(x), new AlphaDarkness(0).call(K.constant(x, 4, 10), true));
    }

    /** Standard-normal samples put through selu and standardised in double: a selu layer's normalised output. */
    private static double[] seluNormalised(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double z = random.nextGaussian();
            x[i] = Activations.SELU_SCALE * (z > 0 ? z : Activations.SELU_ALPHA * Math.expm1(z));
        }
        Stats s = new Stats(x);
        double sd = Math.sqrt(s.variance);
        for (int i = 0; i < n; i++) {
            x[i] = (x[i] - s.mean) / sd;
        }
        return x;
    }

    @Test
    void alphaDarknessKeepsZeroMeanAndUnitVarianceInTraining() {
        double rate = 0.2;
        double[] x = seluNormalised(N, 3);
        double[] y = new AlphaDarkness(rate, 9L).call(K.constant(x, ROWS, COLS), true).toDoubleArray();
        Stats s = new Stats(y);
        // each output is a fresh mask's draw around a mean-0, variance-1 input: its standard error is 1 / sqrt(n)
        s.assertMean(0, 1, "mean of AlphaDarkness(0.2) on normalised input");
        s.assertVariance(1, "variance of AlphaDarkness(0.2) on normalised input");
    }

    @Test
    void alphaDarknessSetsDroppedUnitsToTheSeluSaturationThenAppliesTheAffineMap() {
        double rate = 0.25;
        double alphaPrime = -1.7580993408473766;
        assertEquals(alphaPrime, AlphaDarkness.ALPHA_PRIME, 1e-15);
        double a = Math.pow((1 - rate) * (1 + rate * alphaPrime * alphaPrime), -0.5);
        double b = -a * alphaPrime * rate;
        double[] x = Reference.stored(Reference.uniform(N, 0.5, 1.5, 4));  // never equal to the dropped value
        double[] y = new AlphaDarkness(rate, 21L).call(K.constant(x, ROWS, COLS), true).toDoubleArray();
        double droppedValue = a * alphaPrime + b;
        long dropped = 0;
        for (int i = 0; i < N; i++) {
            if (close(droppedValue, y[i])) {
                dropped++;
            } else {
                double expected = a * x[i] + b;
                int index = i;
                assertTrue(close(expected, y[i]), () -> "element " + index + ": a kept x becomes a·x + b = " + expected
                        + " and a dropped one a·α' + b = " + droppedValue + ", got " + y[index]);
            }
        }
        Stats.assertBinomial(dropped, N, rate, "elements dropped by AlphaDarkness(0.25)");
    }
}
