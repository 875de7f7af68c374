package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;
import java.util.Set;

/**
 * Keras's {@code VarianceScaling}: samples whose spread adapts to the shape of the weight.
 *
 * <p>With {@code n} = {@code max(1, fan)} where fan is {@code fan_in}, {@code fan_out} or their
 * mean {@code fan_avg} (see {@link #fans}):
 * <ul>
 *   <li>{@code distribution = "normal"}: a truncated normal (redrawn outside ±2σ) with mean 0 and
 *       {@code stddev = sqrt(scale / n) / 0.87962566103423978}, the divisor being the standard
 *       deviation of a standard normal truncated to ±2, so that the samples' variance is
 *       {@code scale / n};</li>
 *   <li>{@code distribution = "uniform"}: uniform in {@code [-limit, limit)} with
 *       {@code limit = sqrt(3 · scale / n)}, again of variance {@code scale / n}.</li>
 * </ul>
 * The named schemes are instances: {@code glorot_normal}/{@code glorot_uniform} are scale 1,
 * {@code fan_avg}; {@code he_normal}/{@code he_uniform} scale 2, {@code fan_in};
 * {@code lecun_normal}/{@code lecun_uniform} scale 1, {@code fan_in}.
 *
 * @param scale the variance multiplier, positive; default 1
 * @param mode {@code "fan_in"} (default), {@code "fan_out"} or {@code "fan_avg"}
 * @param distribution {@code "normal"} (default) or {@code "uniform"}
 * @param seed the seed, so that every call gives the same values; null (default) draws a fresh
 *     seed from {@link Seeds} on every call
 */
public record VarianceScaling(double scale, String mode, String distribution, Long seed) implements KerasInitializer {

    /** The standard deviation of a standard normal truncated to [-2, 2]. */
    public static final double TRUNCATED_STDDEV = 0.87962566103423978;

    private static final Set<String> MODES = Set.of("fan_in", "fan_out", "fan_avg");
    private static final Set<String> DISTRIBUTIONS = Set.of("normal", "uniform");

    /**
     * @throws IllegalArgumentException Keras's messages: for a {@code scale} that is not positive,
     *     an unknown {@code mode} or an unknown {@code distribution}
     */
    public VarianceScaling {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("`scale` must be a positive float. Got: " + scale);
        }
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("Invalid `mode` argument: expected one of {\"fan_in\", \"fan_out\", \"fan_avg\"} but got "
                    + mode);
        }
        if (!DISTRIBUTIONS.contains(distribution)) {
            throw new IllegalArgumentException("Invalid `distribution` argument: expected one of {\"normal\", \"uniform\"} but got "
                    + distribution);
        }
    }

    /** Scale 1, {@code fan_in}, {@code normal}, unseeded: Keras's defaults. */
    public VarianceScaling() {
        this(1.0, "fan_in", "normal", null);
    }

    /** Unseeded, with the given scale, mode and distribution. */
    public VarianceScaling(double scale, String mode, String distribution) {
        this(scale, mode, distribution, null);
    }

    /**
     * Keras's {@code _compute_fans} for a weight of {@code shape} (channels last):
     * <ul>
     *   <li>rank 2 (a dense kernel {@code in × out}): {@code fan_in = shape[0]}, {@code fan_out = shape[1]};</li>
     *   <li>rank 3 to 5 (a convolution kernel {@code spatial… × in × out}): with the receptive field
     *       size {@code r} = the product of the leading (spatial) dimensions,
     *       {@code fan_in = shape[-2] · r}, {@code fan_out = shape[-1] · r};</li>
     *   <li>any other rank, including 0 and 1: {@code fan_in = fan_out = sqrt(product of shape)}.</li>
     * </ul>
     *
     * @return {@code {fan_in, fan_out}}
     */
    public static double[] fans(int... shape) {
        if (shape.length == 2) {
            return new double[] {shape[0], shape[1]};
        }
        if (shape.length >= 3 && shape.length <= 5) {
            double receptiveField = 1;
            for (int i = 0; i < shape.length - 2; i++) {
                receptiveField *= shape[i];
            }
            return new double[] {shape[shape.length - 2] * receptiveField, shape[shape.length - 1] * receptiveField};
        }
        double size = 1;
        for (int d : shape) {
            size *= d;
        }
        double fan = Math.sqrt(size);
        return new double[] {fan, fan};
    }

    /** The variance {@code scale / max(1, fan)} of the samples for a weight of {@code shape}. */
    public double variance(int... shape) {
        double[] fans = fans(shape);
        double fan = switch (mode) {
            case "fan_in" -> fans[0];
            case "fan_out" -> fans[1];
            default -> (fans[0] + fans[1]) / 2;
        };
        return scale / Math.max(1.0, fan);
    }

    @Override
    public Tensor apply(int... shape) {
        double variance = variance(shape);
        long s = seed != null ? seed : Seeds.next();
        if (distribution.equals("normal")) {
            return K.truncatedNormal(shape, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, s);
        }
        double limit = Math.sqrt(3 * variance);
        return K.randomUniform(shape, -limit, limit, s);
    }

    @Override
    public String className() {
        return "VarianceScaling";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("scale", scale, "mode", mode, "distribution", distribution, "seed", seed);
    }
}
