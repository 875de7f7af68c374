package cthulhu.losses;

import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras 3's {@code Tversky(alpha, beta)}; see {@link Losses#tversky}. With Keras's defaults
 * (0.5, 0.5) it computes the loss named {@code tversky}, which equals {@code dice}.
 *
 * @param alpha the weight of false positives, {@code >= 0}
 * @param beta the weight of false negatives, {@code >= 0}
 */
public record Tversky(double alpha, double beta) implements ParameterizedLoss {

    /** @throws IllegalArgumentException for a negative or non-finite weight, naming it */
    public Tversky {
        for (double w : new double[] {alpha, beta}) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("Tversky: alpha and beta must be finite and >= 0, got alpha " + alpha + ", beta " + beta);
            }
        }
    }

    /** Rebuilds the loss from its Keras config; missing keys take Keras's defaults (0.5, 0.5). */
    public static Tversky fromConfig(Map<String, Object> config) {
        return new Tversky(Losses.number(config, "alpha", 0.5), Losses.number(config, "beta", 0.5));
    }

    @Override
    public Tensor apply(Tensor yTrue, Tensor yPred) {
        return Losses.tversky(yTrue, yPred, alpha, beta);
    }

    @Override
    public String className() {
        return "Tversky";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("alpha", alpha, "beta", beta);
    }
}
