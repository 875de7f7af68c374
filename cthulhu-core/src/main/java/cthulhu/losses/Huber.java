package cthulhu.losses;

import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras 3's {@code Huber(delta)}; see {@link Losses#huber(Tensor, Tensor, double)}. With
 * {@code delta} 1 it computes the loss named {@code huber}.
 *
 * @param delta where the loss turns from quadratic to linear; positive and finite
 */
public record Huber(double delta) implements ParameterizedLoss {

    /** @throws IllegalArgumentException if {@code delta} is not positive and finite */
    public Huber {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("Huber's delta must be positive and finite, got " + delta);
        }
    }

    /** Rebuilds the loss from its Keras config; a missing {@code delta} is 1. */
    public static Huber fromConfig(Map<String, Object> config) {
        return new Huber(Losses.number(config, "delta", 1));
    }

    @Override
    public Tensor apply(Tensor yTrue, Tensor yPred) {
        return Losses.huber(yTrue, yPred, delta);
    }

    @Override
    public String className() {
        return "Huber";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("delta", delta);
    }
}
