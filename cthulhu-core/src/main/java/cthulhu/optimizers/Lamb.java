package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * LAMB (You et al., 2019) as Keras 3: Adam's direction rescaled per variable by the trust ratio.
 * At step {@code t} (from 1), with moments {@code m}, {@code v} (zeros at first),
 * <pre>
 * m ← β1 · m + (1 − β1) · g
 * v ← β2 · v + (1 − β2) · g²
 * u = (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 * r = ‖p‖ / ‖u‖ (L2 norms over the whole variable), or 1 when either norm is 0
 * p ← p − lr · r · u
 * </pre>
 * Defaults: lr 0.001, β1 0.9, β2 0.999, ε 1e-7. Named {@code lamb}.
 */
public final class Lamb extends MomentOptimizer {

    /** Lamb with Keras 3's defaults. */
    public Lamb() {
        this(0.001);
    }

    /** Lamb with the given learning rate and the other defaults. */
    public Lamb(double lr) {
        this(LearningRateSchedule.constant(lr), 0.9, 0.999, 1e-7);
    }

    /**
     * @param lr the learning rate as a function of the step count
     * @param beta1 the decay of the first moment, in {@code [0, 1)}
     * @param beta2 the decay of the second moment, in {@code [0, 1)}
     * @param epsilon the fuzz factor added to the root, {@code >= 0}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public Lamb(LearningRateSchedule lr, double beta1, double beta2, double epsilon) {
        super(lr, 0, beta1, beta2, epsilon);
    }

    @Override
    public String className() {
        return "Lamb";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("beta_1", beta1(), "beta_2", beta2(), "epsilon", epsilon());
    }

    @Override
    protected List<String> slotNames() {
        return List.of("m", "v");
    }

    /**
     * The element-wise part: over {@code p, g, m, v} into {@code p, m', v', u} (the variable as it
     * came in, after any weight decay, and the direction {@code u}); {@link #step} applies the
     * trust ratio.
     */
    @Override
    protected ElementKernel kernel(double lr, long t) {
        double beta1 = beta1();
        double beta2 = beta2();
        double epsilon = epsilon();
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        return (in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] m = in[2];
            double[] v = in[3];
            for (int i = 0; i < n; i++) {
                double mi = m[i] + (g[i] - m[i]) * (1 - beta1);
                double vi = v[i] + (g[i] * g[i] - v[i]) * (1 - beta2);
                out[0][i] = p[i];
                out[1][i] = mi;
                out[2][i] = vi;
                out[3][i] = (mi / c1) / (Math.sqrt(vi / c2) + epsilon);
            }
        };
    }

    /** The pass, then {@code p − lr · r · u} with the trust ratio {@code r} of the whole variable. */
    @Override
    protected Tensor[] step(ElementKernel kernel, Tensor[] in, int outputs) {
        Tensor[] pass = K.mapElements(kernel, outputs + 1, in);
        Tensor p = pass[0];
        Tensor u = pass[outputs];
        double weightNorm = Math.sqrt(K.sum(K.square(p)).toDoubleArray()[0]);
        double updateNorm = Math.sqrt(K.sum(K.square(u)).toDoubleArray()[0]);
        double ratio = weightNorm > 0 && updateNorm > 0 ? weightNorm / updateNorm : 1;
        return new Tensor[] {K.subtract(p, K.multiply(u, currentLearningRate() * ratio)), pass[1], pass[2]};
    }
}
