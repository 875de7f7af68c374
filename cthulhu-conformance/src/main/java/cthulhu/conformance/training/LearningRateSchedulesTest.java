package cthulhu.conformance.training;

import cthulhu.conformance.ConformanceTestBase;
import cthulhu.optimizers.schedules.CosineDecay;
import cthulhu.optimizers.schedules.CosineDecayRestarts;
import cthulhu.optimizers.schedules.ExponentialDecay;
import cthulhu.optimizers.schedules.InverseTimeDecay;
import cthulhu.optimizers.schedules.LearningRateSchedule;
import cthulhu.optimizers.schedules.LearningRateSchedules;
import cthulhu.optimizers.schedules.PiecewiseConstantDecay;
import cthulhu.optimizers.schedules.PolynomialDecay;
import org.junit.jupiter.api.Test;

import java.util.Map;


import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Keras 3's learning-rate schedules at chosen steps, against values worked by hand. */
class LearningRateSchedulesTest extends ConformanceTestBase {

    private static void assertRates(LearningRateSchedule s, long[] steps, double[] expected) {
        for (int i = 0; i < steps.length; i++) {
            assertEquals(expected[i], s.at(steps[i]), 1e-12, s.className() + " at step " + steps[i]);
        }
        // The config rebuilds an equal schedule.
        LearningRateSchedule copy = LearningRateSchedules.deserialize(LearningRateSchedules.serialize(s));
        for (long step : steps) {
            assertEquals(s.at(step), copy.at(step), 0, s.className() + " rebuilt from its config");
        }
    }

    @Test
    void cosineDecayRestartsMatchesKeras3() {
        long[] steps = {0, 5, 10, 15, 29, 30, 45, 70};
        // Periods of 10, 20, 40 steps from steps 0, 10, 30, each starting at half the last: step 10 restarts at
        // 0.1 · (0.9 · ½ · 0.5 · 2 + 0.1) = 0.055, step 30 at 0.1 · (0.9 · 0.25 + 0.1) = 0.0325. Keras 3.15.1's values
        // (cthulhu-conformance/src/test/python/keras3_optimizers.py; some in float32, so 1e-6 relative):
        double[] geometric = {0.1, 0.05499999731779098, 0.05500000000000001, 0.048409903645515444, 0.01027701184153557,
            0.0325, 0.025555188208818438, 0.021250000000000005};
        double[] constant = {0.1, 0.04999999701976776, 0.1, 0.04999999701976776, 0.002447175979614258, 0.1,
            0.04999999701976776, 0.1};
        LearningRateSchedule restarts = new CosineDecayRestarts(0.1, 10, 2, 0.5, 0.1);
        LearningRateSchedule periodic = new CosineDecayRestarts(0.1, 10, 1, 1, 0);
        for (int i = 0; i < steps.length; i++) {
            assertEquals(geometric[i], restarts.at(steps[i]), 1e-6 * geometric[i], "t_mul 2, step " + steps[i]);
            assertEquals(constant[i], periodic.at(steps[i]), 1e-6 * constant[i], "t_mul 1, step " + steps[i]);
        }
        assertEquals(restarts.getConfig(), LearningRateSchedules.deserialize(LearningRateSchedules.serialize(restarts)).getConfig());
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new CosineDecayRestarts(0.1, 0), "first_decay_steps", "0");
    }

    @Test
    void exponentialDecay() {
        // 0.1·0.5^(step/10): steps 0, 5, 10, 25 → 0.1, 0.1/√2, 0.05, 0.1·0.5^2.5; staircase floors: 15 → 0.05.
        assertRates(new ExponentialDecay(0.1, 10, 0.5), new long[] {0, 5, 10, 25},
                new double[] {0.1, 0.1 / Math.sqrt(2), 0.05, 0.1 * Math.pow(0.5, 2.5)});
        assertRates(new ExponentialDecay(0.1, 10, 0.5, true), new long[] {9, 15, 20}, new double[] {0.1, 0.05, 0.025});
    }

    @Test
    void inverseTimeDecay() {
        // 0.1 / (1 + 0.5·step/10): steps 0, 10, 20 → 0.1, 0.1/1.5, 0.05; staircase at 15 → 0.1/1.5.
        assertRates(new InverseTimeDecay(0.1, 10, 0.5), new long[] {0, 10, 20}, new double[] {0.1, 0.1 / 1.5, 0.05});
        assertRates(new InverseTimeDecay(0.1, 10, 0.5, true), new long[] {15}, new double[] {0.1 / 1.5});
    }

    @Test
    void piecewiseConstantDecay() {
        // Keras's documentation: boundaries [100000, 110000], values [1.0, 0.5, 0.1].
        assertRates(new PiecewiseConstantDecay(new long[] {100000, 110000}, new double[] {1.0, 0.5, 0.1}),
                new long[] {0, 100000, 100001, 110000, 110001}, new double[] {1.0, 1.0, 0.5, 0.5, 0.1});
    }

    @Test
    void polynomialDecay() {
        // (0.1 − 0.01)·(1 − s/10)^2 + 0.01: s 0 → 0.1, 5 → 0.0325, 10 and beyond → 0.01.
        assertRates(new PolynomialDecay(0.1, 10, 0.01, 2, false), new long[] {0, 5, 10, 30},
                new double[] {0.1, 0.0325, 0.01, 0.01});
        // With cycle, step 15 lies in the second period of 20 steps: (0.09)·(1 − 15/20)^2 + 0.01 = 0.015625.
        assertRates(new PolynomialDecay(0.1, 10, 0.01, 2, true), new long[] {0, 10, 15},
                new double[] {0.1, 0.01, 0.015625});
    }

    @Test
    void cosineDecayWithWarmup() {
        // Without warm-up: 0.1·½(1 + cos(π·s/100)): s 0 → 0.1, 50 → 0.05, 100 and beyond → alpha·0.1 = 0.
        assertRates(new CosineDecay(0.1, 100), new long[] {0, 50, 100, 200}, new double[] {0.1, 0.05, 0, 0});
        // alpha 0.2: at s = 50, 0.1·(0.8·0.5 + 0.2) = 0.06.
        assertRates(new CosineDecay(0.1, 100, 0.2, null, 0), new long[] {50}, new double[] {0.06});
        // Warm-up from 0 to 1 over 10 steps, then cosine from 1 over 100: 5 → 0.5, 10 → 1, 60 → 0.5, 500 → 0.
        assertRates(new CosineDecay(0, 100, 0, 1.0, 10), new long[] {0, 5, 10, 60, 500},
                new double[] {0, 0.5, 1, 0.5, 0});
    }

    @Test
    void badFactorsAreRefusedByName() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new ExponentialDecay(0.1, 10, -0.5),
                "ExponentialDecay", "decay_rate", ">= 0", "-0.5");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new InverseTimeDecay(0.1, 0, 0.5),
                "InverseTimeDecay", "decay_steps", "> 0", "0.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new PolynomialDecay(Double.NaN, 10),
                "PolynomialDecay", "initial_learning_rate", "NaN");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new CosineDecay(0.1, 10, Double.POSITIVE_INFINITY, null, 0),
                "CosineDecay", "alpha", "Infinity");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new PiecewiseConstantDecay(new long[] {10}, new double[] {0.1}), "one more element");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> LearningRateSchedules.deserialize(Map.of("class_name", "CyclicalDecay", "config", Map.of())),
                "Unknown learning-rate schedule: CyclicalDecay", "CosineDecay", "ExponentialDecay");
    }
}
