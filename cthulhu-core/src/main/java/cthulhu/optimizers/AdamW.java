package cthulhu.optimizers;

import cthulhu.backend.ElementKernel;
import cthulhu.optimizers.schedules.LearningRateSchedule;

import java.util.List;
import java.util.Map;

/**
 * Keras 3's AdamW, Adam with decoupled weight decay (Loshchilov and Hutter, 2019): each variable
 * first shrinks, {@code p ← p − p · weight_decay · lr}, then takes {@link Adam}'s step. Defaults:
 * lr 0.001, weight_decay 0.004, β1 0.9, β2 0.999, ε 1e-7, no AMSGrad.
 */
public final class AdamW extends MomentOptimizer {

    private final boolean amsgrad;

    /** AdamW with Keras 3's defaults. */
    public AdamW() {
        this(0.001);
    }

    /** AdamW with the given learning rate and the other defaults. */
    public AdamW(double lr) {
        this(lr, 0.004, 0.9, 0.999, 1e-7, false);
    }

    /** AdamW with a learning-rate schedule and the other defaults. */
    public AdamW(LearningRateSchedule lr) {
        this(lr, 0.004, 0.9, 0.999, 1e-7, false);
    }

    /**
     * @param lr the learning rate, {@code >= 0}
     * @param weightDecay the decay per unit of learning rate, {@code >= 0}
     * @param beta1 the decay of the first moment, in {@code [0, 1)}
     * @param beta2 the decay of the second moment, in {@code [0, 1)}
     * @param epsilon the fuzz factor added to the root, {@code >= 0}
     * @param amsgrad whether to use the AMSGrad variant
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public AdamW(double lr, double weightDecay, double beta1, double beta2, double epsilon, boolean amsgrad) {
        this(LearningRateSchedule.constant(lr), weightDecay, beta1, beta2, epsilon, amsgrad);
    }

    /** As {@link #AdamW(double, double, double, double, double, boolean)} with a learning-rate schedule. */
    public AdamW(LearningRateSchedule lr, double weightDecay, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(lr, 0, beta1, beta2, epsilon);
        weightDecay(weightDecay);
        this.amsgrad = amsgrad;
    }

    /** Whether the AMSGrad variant is used. */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    public String className() {
        return "AdamW";
    }

    @Override
    public Map<String, Object> getConfig() {
        return config("weight_decay", weightDecay(), "beta_1", beta1(), "beta_2", beta2(), "epsilon", epsilon(), "amsgrad", amsgrad);
    }

    @Override
    protected List<String> slotNames() {
        return Adam.slots(amsgrad);
    }

    @Override
    protected ElementKernel kernel(double lr, long t) {
        return Adam.kernel(lr, t, beta1(), beta2(), epsilon(), amsgrad);
    }
}
