package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.backend.K;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) as Keras 2.2.4, with the bias correction folded into the step size:
 * at step {@code t} (from 1), with moments {@code m}, {@code v} (zeros at first),
 * <pre>
 * lr_t = lr · √(1 − β2^t) / (1 − β1^t)
 * m ← β1 · m + (1 − β1) · g
 * v ← β2 · v + (1 − β2) · g²
 * p ← p − lr_t · m / (√v + ε)
 * </pre>
 * With AMSGrad (Reddi et al., 2018) a third state {@code v̂ ← max(v̂, v)} replaces {@code v} in the
 * last line. Defaults: lr 0.001, β1 0.9, β2 0.999, ε = {@link K#epsilon()} (1e-7), decay 0, no
 * AMSGrad.
 */
public final class Adam extends MomentOptimizer {

    private final boolean amsgrad;

    /** Adam with Keras's defaults: lr 0.001, β1 0.9, β2 0.999, ε = {@link K#epsilon()}, decay 0. */
    public Adam() {
        this(0.001);
    }

    /** Adam with the given learning rate and the other defaults. */
    public Adam(double lr) {
        this(lr, 0.9, 0.999, K.epsilon(), 0, false);
    }

    /** Adam with a learning-rate schedule and the other defaults. */
    public Adam(LearningRateSchedule lr) {
        this(lr, 0.9, 0.999, K.epsilon(), 0, false);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param beta1 the decay of the first moment, in {@code [0, 1)}
     * @param beta2 the decay of the second moment, in {@code [0, 1)}
     * @param epsilon the fuzz factor added to the root, {@code >= 0}
     * @param decay the learning-rate decay per step, {@code >= 0}
     * @param amsgrad whether to use the AMSGrad variant
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public Adam(double lr, double beta1, double beta2, double epsilon, double decay, boolean amsgrad) {
        this(LearningRateSchedule.constant(lr), beta1, beta2, epsilon, decay, amsgrad);
    }

    /** As {@link #Adam(double, double, double, double, double, boolean)} with a learning-rate schedule. */
    public Adam(LearningRateSchedule lr, double beta1, double beta2, double epsilon, double decay, boolean amsgrad) {
        super(lr, decay, beta1, beta2, epsilon);
        this.amsgrad = amsgrad;
    }

    /** Whether the AMSGrad variant is used. */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    public String className() {
        return "Adam";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("beta_1", beta1(), "beta_2", beta2(), "decay", decay(), "epsilon", epsilon(), "amsgrad", amsgrad);
    }

    @Override
    protected List<String> slotNames() {
        return slots(amsgrad);
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        return kernel(lr, t, beta1(), beta2(), epsilon(), amsgrad);
    }

    static List<String> slots(boolean amsgrad) {
        return amsgrad ? List.of("m", "v", "vhat") : List.of("m", "v");
    }

    /** Adam's step size at step {@code t} (from 1): {@code lr · √(1 − β2^t) / (1 − β1^t)}. */
    static double stepSize(double lr, long t, double beta1, double beta2) {
        return lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

    /**
     * The update above over inputs {@code p, g, m, v[, v̂]} into {@code p', m', v'[, v̂']}; also
     * {@link AdamW}'s. Float32 variables update in single precision, as Keras updates them.
     */
    static ElementKernel kernel(double lr, long t, double beta1, double beta2, double epsilon, boolean amsgrad) {
        double lrT = stepSize(lr, t, beta1, beta2);
        double c1 = 1 - beta1;
        double c2 = 1 - beta2;
        float lrTf = (float) lrT;
        float beta1f = (float) beta1;
        float beta2f = (float) beta2;
        float c1f = (float) c1;
        float c2f = (float) c2;
        float epsilonf = (float) epsilon;
        return ElementKernel.of((in, out, n) -> {
            double[] p = in[0];
            double[] g = in[1];
            double[] m = in[2];
            double[] v = in[3];
            double[] vhat = amsgrad ? in[4] : v;
            double[] p1 = out[0];
            double[] m1 = out[1];
            double[] v1 = out[2];
            double[] vhat1 = amsgrad ? out[3] : v1;
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                double mi = m[i] * beta1 + gi * c1;
                double vi = v[i] * beta2 + (gi * gi) * c2;
                m1[i] = mi;
                v1[i] = vi;
                double di = amsgrad ? Math.max(vhat[i], vi) : vi;
                vhat1[i] = di;
                p1[i] = p[i] - (mi * lrT) / (Math.sqrt(di) + epsilon);
            }
        }, (in, out, n) -> {
            float[] p = in[0];
            float[] g = in[1];
            float[] m = in[2];
            float[] v = in[3];
            float[] vhat = amsgrad ? in[4] : v;
            float[] p1 = out[0];
            float[] m1 = out[1];
            float[] v1 = out[2];
            float[] vhat1 = amsgrad ? out[3] : v1;
            for (int i = 0; i < n; i++) {
                float gi = g[i];
                float mi = m[i] * beta1f + gi * c1f;
                float vi = v[i] * beta2f + (gi * gi) * c2f;
                m1[i] = mi;
                v1[i] = vi;
                float di = amsgrad ? Math.max(vhat[i], vi) : vi;
                vhat1[i] = di;
                p1[i] = p[i] - (mi * lrTf) / ((float) Math.sqrt(di) + epsilonf);
            }
        });
    }
}
