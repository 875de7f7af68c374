package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Variable;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.optimizers.Adam;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.Optimizers;
import cthulhu.optimizers.RMSprop;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Single optimizer steps against updates worked by hand from Keras 2.2.4's update rules. Every
 * case starts from p = [1, -2] and applies the gradient g = [0.5, 0.25] (then g2 = [0.2, -0.4]
 * where a second step is taken).
 */
class OptimizersTest extends ConformanceTestBase {

    private static final double[] P0 = {1, -2};
    private static final double[] G = {0.5, 0.25};
    private static final double[] G2 = {0.2, -0.4};

    /** Results of a few rounded operations: float32 needs a little more slack than one rounding. */
    private static Tolerance tolerance() {
        return Tolerance.current().times(10);
    }

    private static Variable param() {
        return new Variable("p", K.constant(P0, 2), true);
    }

    private static void step(Optimizer optimizer, Variable p, double[] g) {
        optimizer.applyGradients(List.of(p), List.of(K.constant(g, 2)));
    }

    @Test
    void plainSgd() {
        // p − lr·g with lr 0.1: [1 − 0.05, −2 − 0.025]
        try (Variable p = param(); SGD sgd = new SGD(0.1)) {
            step(sgd, p, G);
            assertTensor(new double[] {0.95, -2.025}, new int[] {2}, p.value(), tolerance());
            assertEquals(1, sgd.iterations());
        }
    }

    @Test
    void sgdWithMomentum() {
        // lr 0.1, momentum 0.9. Step 1: v = −0.1·g = [−0.05, −0.025]; p = p + v = [0.95, −2.025].
        // Step 2 (g2): v = 0.9·[−0.05, −0.025] − 0.1·[0.2, −0.4] = [−0.065, 0.0175];
        // p = [0.95 − 0.065, −2.025 + 0.0175] = [0.885, −2.0075].
        try (Variable p = param(); SGD sgd = new SGD(0.1, 0.9, 0, false)) {
            step(sgd, p, G);
            assertTensor(new double[] {0.95, -2.025}, new int[] {2}, p.value(), tolerance());
            step(sgd, p, G2);
            assertTensor(new double[] {0.885, -2.0075}, new int[] {2}, p.value(), tolerance());
        }
    }

    @Test
    void sgdWithNesterovMomentum() {
        // lr 0.1, momentum 0.9. Step 1: v = [−0.05, −0.025]; p = p + 0.9·v − 0.1·g
        // = [1 − 0.045 − 0.05, −2 − 0.0225 − 0.025] = [0.905, −2.0475].
        // Step 2 (g2): v = [−0.065, 0.0175]; p = [0.905 − 0.0585 − 0.02, −2.0475 + 0.01575 + 0.04]
        // = [0.8265, −1.99175].
        try (Variable p = param(); SGD sgd = new SGD(0.1, 0.9, 0, true)) {
            step(sgd, p, G);
            assertTensor(new double[] {0.905, -2.0475}, new int[] {2}, p.value(), tolerance());
            step(sgd, p, G2);
            assertTensor(new double[] {0.8265, -1.99175}, new int[] {2}, p.value(), tolerance());
        }
    }

    @Test
    void sgdDecaysTheLearningRate() {
        // lr 0.1, decay 0.5: step 1 uses 0.1, step 2 uses 0.1 / (1 + 0.5·1) = 1/15.
        // p = [1 − 0.05 − 0.2/15, −2 − 0.025 + 0.4/15] = [0.936666…, −1.998333…]
        try (Variable p = param(); SGD sgd = new SGD(0.1, 0, 0.5, false)) {
            step(sgd, p, G);
            step(sgd, p, G2);
            assertTensor(new double[] {0.95 - 0.2 / 15, -2.025 + 0.4 / 15}, new int[] {2}, p.value(), tolerance());
        }
    }

    @Test
    void sgdClipsTheGradientNormThenValues() {
        // g = [0.5, 0.25] has norm √0.3125 = 0.5590169944 ≥ clipnorm 0.2, so it becomes
        // g · 0.2 / 0.5590169944 = [0.1788854382, 0.0894427191]; clipvalue 0.1 then caps the
        // first at 0.1. With lr 1: p = [1 − 0.1, −2 − 0.0894427191].
        try (Variable p = param(); Optimizer sgd = new SGD(1).clipnorm(0.2).clipvalue(0.1)) {
            step(sgd, p, G);
            assertTensor(new double[] {0.9, -2.0894427191}, new int[] {2}, p.value(), tolerance());
            assertEquals(0.2, sgd.getConfig().get("clipnorm"));
            assertEquals(0.1, Optimizers.deserialize("sgd", sgd.getConfig()).getConfig().get("clipvalue"));
        }
    }

    @Test
    void rmsprop() {
        // lr 0.01, rho 0.9, ε 1e-7. a = 0.1·g² = [0.025, 0.00625]; √a = [0.158113883, 0.0790569415];
        // p = p − 0.01·g / (√a + ε) = [1 − 0.0316227566, −2 − 0.0316227366] (ε shifts the 8th digit).
        try (Variable p = param(); RMSprop rmsprop = new RMSprop(0.01, 0.9, 1e-7, 0)) {
            step(rmsprop, p, G);
            double s0 = 0.01 * 0.5 / (Math.sqrt(0.025) + 1e-7);
            double s1 = 0.01 * 0.25 / (Math.sqrt(0.00625) + 1e-7);
            assertEquals(0.0316227566, s0, 1e-9);
            assertTensor(new double[] {1 - s0, -2 - s1}, new int[] {2}, p.value(), tolerance());
        }
    }

    @Test
    void adamTwoSteps() {
        // lr 0.001, β1 0.9, β2 0.999, ε 1e-7.
        // Step 1: m = 0.1·g = [0.05, 0.025]; v = 0.001·g² = [2.5e-4, 6.25e-5];
        // lr_1 = 0.001·√(1 − 0.999) / (1 − 0.9) = 0.001·0.316227766; m/√v = [3.16227766, 3.16227766],
        // so each weight moves by lr·(1 − ε/√v) ≈ 0.001: p ≈ [0.999, −2.001] (ε shifts it by < 2e-8).
        // Step 2 (g2): m = 0.9·m + 0.1·g2 = [0.065, −0.0175]; v = 0.999·v + 0.001·g2²
        // = [2.8975e-4, 2.224375e-4]; lr_2 = 0.001·√(1 − 0.999²) / (1 − 0.9²).
        try (Variable p = param(); Adam adam = new Adam(0.001, 0.9, 0.999, 1e-7, 0, false)) {
            step(adam, p, G);
            double lr1 = 0.001 * Math.sqrt(1 - 0.999) / (1 - 0.9);
            double[] p1 = {1 - lr1 * 0.05 / (Math.sqrt(2.5e-4) + 1e-7), -2 - lr1 * 0.025 / (Math.sqrt(6.25e-5) + 1e-7)};
            assertEquals(0.999, p1[0], 2e-8);
            assertEquals(-2.001, p1[1], 2e-8);
            assertTensor(p1, new int[] {2}, p.value(), tolerance());
            step(adam, p, G2);
            double lr2 = 0.001 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
            double[] p2 = {p1[0] - lr2 * 0.065 / (Math.sqrt(2.8975e-4) + 1e-7),
                p1[1] - lr2 * -0.0175 / (Math.sqrt(2.224375e-4) + 1e-7)};
            assertTensor(p2, new int[] {2}, p.value(), tolerance());
            assertEquals(2, adam.iterations());
        }
    }

    @Test
    void amsgradKeepsTheLargestSecondMoment() {
        // Step 1 as in adamTwoSteps: v1 = [2.5e-4, 6.25e-5]. Step 2 with the small gradient
        // g3 = [0.01, 0.01]: v2 = 0.999·v1 + 0.001·1e-4 = [2.4985e-4, 6.25375e-5]. AMSGrad divides by
        // √max(v1, v2): v1 = 2.5e-4 for the first weight (v2 fell below it), v2 for the second.
        double[] g3 = {0.01, 0.01};
        try (Variable p = param(); Adam adam = new Adam(0.001, 0.9, 0.999, 1e-7, 0, true)) {
            step(adam, p, G);
            step(adam, p, g3);
            double lr1 = 0.001 * Math.sqrt(1 - 0.999) / (1 - 0.9);
            double lr2 = 0.001 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
            double[] m2 = {0.9 * 0.05 + 0.1 * 0.01, 0.9 * 0.025 + 0.1 * 0.01};
            double[] vhat = {2.5e-4, 0.999 * 6.25e-5 + 0.001 * 1e-4};
            double[] expected = {
                1 - lr1 * 0.05 / (Math.sqrt(2.5e-4) + 1e-7) - lr2 * m2[0] / (Math.sqrt(vhat[0]) + 1e-7),
                -2 - lr1 * 0.025 / (Math.sqrt(6.25e-5) + 1e-7) - lr2 * m2[1] / (Math.sqrt(vhat[1]) + 1e-7)};
            assertTensor(expected, new int[] {2}, p.value(), tolerance());
        }
    }

    @Test
    void registryGivesKerasDefaults() {
        Optimizer sgd = Optimizers.get("sgd");
        assertInstanceOf(SGD.class, sgd);
        assertEquals(Map.of("lr", 0.01, "momentum", 0.0, "decay", 0.0, "nesterov", false), sgd.getConfig());
        RMSprop rmsprop = assertInstanceOf(RMSprop.class, Optimizers.get("rmsprop"));
        assertEquals(0.001, rmsprop.lr());
        assertEquals(0.9, rmsprop.rho());
        assertEquals(K.epsilon(), rmsprop.epsilon());
        Adam adam = assertInstanceOf(Adam.class, Optimizers.get("adam"));
        assertEquals(0.001, adam.lr());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(K.epsilon(), adam.epsilon());
        assertEquals(false, adam.amsgrad());
        assertEquals("adam", Optimizers.serialize(adam));
        Adam fromConfig = assertInstanceOf(Adam.class, Optimizers.deserialize("Adam", Map.of("lr", 0.01, "amsgrad", true)));
        assertEquals(0.01, fromConfig.lr());
        assertEquals(true, fromConfig.amsgrad());
    }

    @Test
    void unknownNamesAndKeysAreRefused() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Optimizers.get("adamax_of_yog"),
                "Unknown optimizer: adamax_of_yog", "adam", "rmsprop", "sgd");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Optimizers.deserialize("sgd", Map.of("mommentum", 0.9)),
                "mommentum");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new SGD(-0.1), "lr", "-0.1");
    }
}
