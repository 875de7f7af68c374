package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Variable;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.optimizers.Adadelta;
import cthulhu.optimizers.Adagrad;
import cthulhu.optimizers.Adam;
import cthulhu.optimizers.AdamW;
import cthulhu.optimizers.Adamax;
import cthulhu.optimizers.Ftrl;
import cthulhu.optimizers.Lamb;
import cthulhu.optimizers.Lion;
import cthulhu.optimizers.Nadam;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.Optimizers;
import cthulhu.optimizers.RMSprop;
import cthulhu.optimizers.SGD;
import cthulhu.optimizers.schedules.ExponentialDecay;
import cthulhu.optimizers.schedules.LearningRateSchedule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Two steps of each optimizer beyond SGD, RMSprop and Adam's defaults, from p = [1, -2, 0.3] with
 * the gradients g1 = [0.5, 0.25, -0.1] then g2 = [0.2, -0.4, 0.05], against the update rule
 * worked element by element in double in the test (Keras 2.2.4's rules for Adagrad, Adadelta,
 * Adamax and Nadam; Keras 3's for AdamW, Lion and RMSprop's momentum and centered options).
 */
class OptimizerStepsTest extends ConformanceTestBase {

    private static final double[] P0 = {1, -2, 0.3};
    private static final double[][] GRADS = {{0.5, 0.25, -0.1}, {0.2, -0.4, 0.05}};

    private static Tolerance tolerance() {
        return Tolerance.current().times(10);
    }

    /** The parameters after each of the two steps, checked against {@code expected[step]}. */
    private static void assertSteps(Optimizer optimizer, double[][] expected) {
        try (Variable p = new Variable("p", K.constant(P0, 3), true); optimizer) {
            for (int s = 0; s < 2; s++) {
                optimizer.applyGradients(List.of(p), List.of(K.constant(GRADS[s], 3)));
                assertTensor(expected[s], new int[] {3}, p.value(), tolerance());
            }
        }
    }

    @Test
    void adagrad() {
        // a ← a + g²; p ← p − lr·g / (√a + ε); lr 0.1, ε 1e-7.
        double[] p = P0.clone();
        double[] a = new double[3];
        double[][] expected = new double[2][];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                a[i] += g * g;
                p[i] -= 0.1 * g / (Math.sqrt(a[i]) + 1e-7);
            }
            expected[s] = p.clone();
        }
        // Step 1 by hand: each weight moves by lr·sign(g)·(1 − ε/|g|): [0.9, −2.1, 0.4].
        assertEquals(0.9, expected[0][0], 1e-6);
        assertEquals(0.4, expected[0][2], 1e-5);
        assertSteps(new Adagrad(0.1, 1e-7, 0), expected);
    }

    @Test
    void adadelta() {
        // a ← ρa + (1−ρ)g²; Δ = g·√(d + ε)/√(a + ε); p ← p − lr·Δ; d ← ρd + (1−ρ)Δ². lr 1, ρ 0.95, ε 1e-7.
        double[] p = P0.clone();
        double[] a = new double[3];
        double[] d = new double[3];
        double[][] expected = new double[2][];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                a[i] = 0.95 * a[i] + 0.05 * g * g;
                double delta = g * Math.sqrt(d[i] + 1e-7) / Math.sqrt(a[i] + 1e-7);
                p[i] -= delta;
                d[i] = 0.95 * d[i] + 0.05 * delta * delta;
            }
            expected[s] = p.clone();
        }
        assertSteps(new Adadelta(1.0, 0.95, 1e-7, 0), expected);
    }

    @Test
    void adamax() {
        // lr_t = lr/(1 − β1^t); m ← β1m + (1−β1)g; u ← max(β2u, |g|); p ← p − lr_t·m/(u + ε).
        double[] p = P0.clone();
        double[] m = new double[3];
        double[] u = new double[3];
        double[][] expected = new double[2][];
        for (int s = 0; s < 2; s++) {
            double lrT = 0.002 / (1 - Math.pow(0.9, s + 1));
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                u[i] = Math.max(0.999 * u[i], Math.abs(g));
                p[i] -= lrT * m[i] / (u[i] + 1e-7);
            }
            expected[s] = p.clone();
        }
        // Step 1 by hand: lr_1·m/u = 0.02·0.1·g/|g| = 0.002·sign(g).
        assertEquals(0.998, expected[0][0], 1e-8);
        assertSteps(new Adamax(0.002, 0.9, 0.999, 1e-7, 0), expected);
    }

    @Test
    void nadam() {
        // Keras 2.2.4: μ_t = β1(1 − ½·0.96^(0.004t)), Π_t = μ_1⋯μ_t; ĝ = g/(1 − Π_t);
        // m̂ = m/(1 − Π_t·μ_{t+1}); v̂ = v/(1 − β2^t); m̄ = (1 − μ_t)ĝ + μ_{t+1}m̂; p ← p − lr·m̄/(√v̂ + ε).
        double[] p = P0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        double[][] expected = new double[2][];
        double schedule = 1;
        for (int s = 0; s < 2; s++) {
            int t = s + 1;
            double mu = 0.9 * (1 - 0.5 * Math.pow(0.96, t * 0.004));
            double muNext = 0.9 * (1 - 0.5 * Math.pow(0.96, (t + 1) * 0.004));
            schedule *= mu;
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                double gPrime = g / (1 - schedule);
                m[i] = 0.9 * m[i] + 0.1 * g;
                double mPrime = m[i] / (1 - schedule * muNext);
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double vPrime = v[i] / (1 - Math.pow(0.999, t));
                double mBar = (1 - mu) * gPrime + muNext * mPrime;
                p[i] -= 0.002 * mBar / (Math.sqrt(vPrime) + 1e-7);
            }
            expected[s] = p.clone();
        }
        assertSteps(new Nadam(0.002, 0.9, 0.999, 1e-7, 0.004), expected);
    }

    /** Adam's step (Keras 2.2.4 and 3 agree) after Keras 3's decoupled decay p ← p − p·wd·lr. */
    private static double[][] adamSteps(double lr, double weightDecay) {
        double[] p = P0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        double[][] expected = new double[2][];
        for (int s = 0; s < 2; s++) {
            int t = s + 1;
            double alpha = lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                p[i] -= p[i] * weightDecay * lr;
                m[i] += (g - m[i]) * 0.1;
                v[i] += (g * g - v[i]) * 0.001;
                p[i] -= m[i] * alpha / (Math.sqrt(v[i]) + 1e-7);
            }
            expected[s] = p.clone();
        }
        return expected;
    }

    @Test
    void adamw() {
        assertSteps(new AdamW(0.01, 0.004, 0.9, 0.999, 1e-7, false), adamSteps(0.01, 0.004));
        // Weight decay is Keras 3's option on every optimizer; AdamW's default is 0.004.
        assertSteps(new Adam(0.01, 0.9, 0.999, 1e-7, 0, false).weightDecay(0.1), adamSteps(0.01, 0.1));
        assertEquals(0.004, new AdamW().weightDecay());
    }

    @Test
    void lion() {
        // p ← p − lr·sign(β1m + (1−β1)g); m ← β2m + (1−β2)g. lr 0.01, β1 0.9, β2 0.99.
        // Step 1 by hand: m = 0, so p moves by 0.01·sign(g): [0.99, −2.01, 0.31]; m = 0.01·g1.
        // Step 2: β1m + 0.1·g2 = 0.009·g1 + 0.1·g2 = [0.0245, −0.03775, 0.0041]: p = [0.98, −2.0, 0.30].
        assertSteps(new Lion(0.01, 0.9, 0.99), new double[][] {{0.99, -2.01, 0.31}, {0.98, -2.0, 0.30}});
    }

    /** Keras 3's FTRL rule worked in double: the parameters after each of the two steps. */
    private static double[][] ftrlSteps(double lr, double power, double initial, double l1, double l2, double shrinkage, double beta) {
        double[] p = P0.clone();
        double[] n = {initial, initial, initial};
        double[] z = new double[3];
        double[][] expected = new double[2][];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                double next = n[i] + g * g;
                z[i] += g + 2 * shrinkage * p[i] - (Math.pow(next, -power) - Math.pow(n[i], -power)) / lr * p[i];
                double quadratic = Math.pow(next, -power) / lr + 2 * (l2 + beta / (2 * lr));
                p[i] = (Math.max(-l1, Math.min(l1, z[i])) - z[i]) / quadratic;
                n[i] = next;
            }
            expected[s] = p.clone();
        }
        return expected;
    }

    @Test
    void ftrl() {
        double[][] defaults = ftrlSteps(0.1, -0.5, 0.1, 0, 0, 0, 0);
        assertSteps(new Ftrl(0.1), defaults);
        // The same two steps as Keras 3.15.1 takes them (cthulhu-conformance/src/test/python/keras3_optimizers.py).
        assertSteps(new Ftrl(0.1), new double[][] {{0.3809620907022995, -0.49308828618913203, 0.04411235768409869},
            {0.34893645994128214, -0.42265221368308203, 0.029205237834100093}});
        Ftrl options = new Ftrl(LearningRateSchedule.constant(0.1), -0.7, 0.5, 0.05, 0.1, 0.2, 0.3);
        assertSteps(options, ftrlSteps(0.1, -0.7, 0.5, 0.05, 0.1, 0.2, 0.3));
        // L1 0.05 holds the third weight's |z| below it at exactly 0, as in Keras.
        assertSteps(new Ftrl(LearningRateSchedule.constant(0.1), -0.7, 0.5, 0.05, 0.1, 0.2, 0.3),
                new double[][] {{0.0940850975520862, -0.04634147288998135, 0.0}, {0.07373778254456874, -0.008855033391860627, 0.0}});
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Ftrl(LearningRateSchedule.constant(0.1), 0.5, 0.1, 0, 0, 0, 0), "learning_rate_power", "0.5");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> new Ftrl(LearningRateSchedule.constant(0.1), -0.5, -1, 0, 0, 0, 0), "initial_accumulator_value", "-1");
        Ftrl restored = (Ftrl) Optimizers.deserialize("ftrl", options.getConfig());
        assertEquals(options.getConfig(), restored.getConfig());
        assertInstanceOf(Ftrl.class, Optimizers.get("ftrl"));
    }

    @Test
    void lamb() {
        // Adam's direction u with bias-corrected moments, rescaled by ‖p‖/‖u‖ per variable; lr 0.1.
        double lr = 0.1;
        double[] p = P0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        double[][] expected = new double[2][];
        for (int s = 0; s < 2; s++) {
            double[] u = new double[3];
            double pNorm = 0;
            double uNorm = 0;
            for (int i = 0; i < 3; i++) {
                double g = GRADS[s][i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                u[i] = (m[i] / (1 - Math.pow(0.9, s + 1))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, s + 1))) + 1e-7);
                pNorm += p[i] * p[i];
                uNorm += u[i] * u[i];
            }
            double ratio = Math.sqrt(pNorm) / Math.sqrt(uNorm);
            for (int i = 0; i < 3; i++) {
                p[i] -= lr * ratio * u[i];
            }
            expected[s] = p.clone();
        }
        assertSteps(new Lamb(lr), expected);
        // As Keras 3.15.1 takes the two steps (cthulhu-conformance/src/test/python/keras3_optimizers.py), also with weight decay.
        assertSteps(new Lamb(lr), new double[][] {{0.8697437986974458, -2.1302561752513243, 0.43025609709769735},
            {0.6544585463346169, -2.064103612102839, 0.4940664259680828}});
        assertSteps(new Lamb(lr).weightDecay(0.1), new double[][] {{0.8610463607104714, -2.108953613498811, 0.4259535361267204},
            {0.641434821262558, -2.023027950221992, 0.4842345040913179}});
        Lamb lamb = new Lamb(LearningRateSchedule.constant(0.01), 0.8, 0.99, 1e-6);
        assertEquals(lamb.getConfig(), Optimizers.deserialize("lamb", lamb.getConfig()).getConfig());
        assertInstanceOf(Lamb.class, Optimizers.get("lamb"));
    }

    @Test
    void rmspropWithKeras3MomentumAndCentering() {
        // Keras 3: a ← ρa + (1−ρ)g²; ḡ ← ρḡ + (1−ρ)g (centered); Δ = lr·g/√(a − ḡ² + ε) (or √(a + ε));
        // μ ← momentum·μ + Δ, p ← p − μ. lr 0.01, ρ 0.9, ε 1e-7, momentum 0.5.
        for (boolean centered : new boolean[] {false, true}) {
            double[] p = P0.clone();
            double[] a = new double[3];
            double[] mean = new double[3];
            double[] mu = new double[3];
            double[][] expected = new double[2][];
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < 3; i++) {
                    double g = GRADS[s][i];
                    a[i] = 0.9 * a[i] + 0.1 * g * g;
                    mean[i] = 0.9 * mean[i] + 0.1 * g;
                    double d = centered ? a[i] - mean[i] * mean[i] + 1e-7 : a[i] + 1e-7;
                    mu[i] = 0.5 * mu[i] + 0.01 * g / Math.sqrt(d);
                    p[i] -= mu[i];
                }
                expected[s] = p.clone();
            }
            assertSteps(new RMSprop(0.01, 0.9, 0.5, 1e-7, centered, 0), expected);
        }
    }

    @Test
    void learningRateScheduleDrivesEachStep() {
        // SGD with lr(step) = 0.1·0.5^(step/1): step 1 at 0.1, step 2 at 0.05.
        double[][] expected = new double[2][3];
        for (int i = 0; i < 3; i++) {
            expected[0][i] = P0[i] - 0.1 * GRADS[0][i];
            expected[1][i] = expected[0][i] - 0.05 * GRADS[1][i];
        }
        assertSteps(new SGD(new ExponentialDecay(0.1, 1, 0.5)), expected);
    }

    @Test
    void globalClipnormRescalesAllGradientsTogether() {
        // ‖g1‖ = √(0.25 + 0.0625 + 0.01) = √0.3225 = 0.5679…; with global_clipnorm 0.1 and lr 1 each
        // weight moves by g·0.1/0.5679.
        double norm = Math.sqrt(0.3225);
        double[] p1 = new double[3];
        for (int i = 0; i < 3; i++) {
            p1[i] = P0[i] - GRADS[0][i] * 0.1 / norm;
        }
        try (Variable p = new Variable("p", K.constant(P0, 3), true); Optimizer sgd = new SGD(1).globalClipnorm(0.1)) {
            sgd.applyGradients(List.of(p), List.of(K.constant(GRADS[0], 3)));
            assertTensor(p1, new int[] {3}, p.value(), tolerance());
        }
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new SGD(1).clipnorm(1).globalClipnorm(1),
                "clipnorm", "global_clipnorm", "not both");
    }

    @Test
    void registryNamesAndConfigsRoundTrip() {
        Map<String, Class<?>> classes = Map.of("adagrad", Adagrad.class, "adadelta", Adadelta.class, "adamax",
                Adamax.class, "nadam", Nadam.class, "adamw", AdamW.class, "lion", Lion.class);
        for (Map.Entry<String, Class<?>> e : classes.entrySet()) {
            Optimizer o = Optimizers.get(e.getKey());
            assertInstanceOf(e.getValue(), o);
            assertEquals(e.getKey(), Optimizers.serialize(o));
            Optimizer copy = Optimizers.deserialize(e.getKey(), o.getConfig());
            assertEquals(o.getConfig(), copy.getConfig(), e.getKey());
        }
        // Keras 2.2.4 defaults.
        assertEquals(0.01, Optimizers.get("adagrad").lr());
        assertEquals(1.0, Optimizers.get("adadelta").lr());
        assertEquals(0.95, ((Adadelta) Optimizers.get("adadelta")).rho());
        assertEquals(0.002, Optimizers.get("adamax").lr());
        assertEquals(0.002, Optimizers.get("nadam").lr());
        assertEquals(0.004, ((Nadam) Optimizers.get("nadam")).scheduleDecay());
        // Keras 3 defaults.
        assertEquals(0.99, ((Lion) Optimizers.get("lion")).beta2());
        // A schedule, clipping and weight decay survive the config.
        Optimizer scheduled = new RMSprop(new ExponentialDecay(0.01, 100, 0.9, true), 0.8, 0.3, 1e-6, true, 0)
                .clipvalue(0.5).weightDecay(0.01);
        Optimizer copy = Optimizers.deserialize("rmsprop", scheduled.getConfig());
        assertEquals(scheduled.getConfig(), copy.getConfig());
        assertEquals(0.01 * 0.9, copy.learningRate().at(150), 1e-15);
        assertInstanceOf(LearningRateSchedule.class, copy.learningRate());
        assertEquals(Map.of("class_name", "ExponentialDecay", "config", Map.of("initial_learning_rate", 0.01,
                "decay_steps", 100.0, "decay_rate", 0.9, "staircase", true)), scheduled.getConfig().get("lr"));
    }

    @Test
    void badHyperParametersAreRefusedByName() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Adagrad(0.01, -1, 0), "Adagrad", "epsilon", "-1.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Adamax(0.002, 1.0, 0.999, 1e-7, 0),
                "Adamax", "beta_1", "[0, 1)", "1.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Lion(0.001, 0, 0.99), "Lion", "beta_1", "(0, 1]");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new AdamW().weightDecay(Double.NaN),
                "weight_decay", "NaN");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new Nadam(0.002, 0.9, 0.999, 1e-7, -0.004),
                "schedule_decay", "-0.004", ">= 0");
    }
}
