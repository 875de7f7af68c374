package cthulhu.optimizers.schedules;

import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Map;

/**
 * Keras 3's {@code CosineDecayRestarts} (SGDR, Loshchilov and Hutter, 2016): cosine decays that
 * restart. With {@code f = step / first_decay_steps}, the {@code i}-th period lasts
 * {@code t_mul^i} first periods: for {@code t_mul = 1}, {@code i = ⌊f⌋} and the fraction into it
 * is {@code f − i}; otherwise {@code i = ⌊ln(1 − f(1 − t_mul)) / ln t_mul⌋} and the fraction is
 * {@code (f − (1 − t_mul^i)/(1 − t_mul)) / t_mul^i}. Then
 * {@code lr = initial · ((1 − alpha) · ½ · m_mul^i · (1 + cos(π · fraction)) + alpha)}. Defaults:
 * t_mul 2, m_mul 1, alpha 0.
 */
public final class CosineDecayRestarts implements LearningRateSchedule {

    private final double initialLearningRate;
    private final double firstDecaySteps;
    private final double tMul;
    private final double mMul;
    private final double alpha;

    /** Keras's defaults: t_mul 2, m_mul 1, alpha 0. */
    public CosineDecayRestarts(double initialLearningRate, double firstDecaySteps) {
        this(initialLearningRate, firstDecaySteps, 2, 1, 0);
    }

    /**
     * @param initialLearningRate the rate at step 0, a finite number {@code >= 0}
     * @param firstDecaySteps the length of the first period, {@code > 0}
     * @param tMul how much longer each period is than the last, {@code > 0}
     * @param mMul how much lower each period starts than the last, a finite number {@code >= 0}
     * @param alpha the lowest rate as a fraction of the initial rate, a finite number {@code >= 0}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public CosineDecayRestarts(double initialLearningRate, double firstDecaySteps, double tMul, double mMul, double alpha) {
        this.initialLearningRate = Requirements.nonNegative(className(), "initial_learning_rate", initialLearningRate);
        this.firstDecaySteps = Requirements.positive(className(), "first_decay_steps", firstDecaySteps);
        this.tMul = Requirements.positive(className(), "t_mul", tMul);
        this.mMul = Requirements.nonNegative(className(), "m_mul", mMul);
        this.alpha = Requirements.nonNegative(className(), "alpha", alpha);
    }

    @Override
    public double at(long step) {
        double fraction = step / firstDecaySteps;
        double restart;
        if (tMul == 1) {
            restart = Math.floor(fraction);
            fraction -= restart;
        } else {
            restart = Math.floor(Math.log(1 - fraction * (1 - tMul)) / Math.log(tMul));
            double elapsed = (1 - Math.pow(tMul, restart)) / (1 - tMul);
            fraction = (fraction - elapsed) / Math.pow(tMul, restart);
        }
        double cosine = 0.5 * Math.pow(mMul, restart) * (1 + Math.cos(Math.PI * fraction));
        return initialLearningRate * ((1 - alpha) * cosine + alpha);
    }

    @Override
    public String className() {
        return "CosineDecayRestarts";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of(
                "initial_learning_rate", initialLearningRate,
                "first_decay_steps", firstDecaySteps,
                "t_mul", tMul,
                "m_mul", mMul,
                "alpha", alpha);
    }
}
