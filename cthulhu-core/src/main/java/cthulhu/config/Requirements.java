package cthulhu.config;

/**
 * Checks of numeric hyper-parameters, with one message form for every owner:
 * {@code "ExponentialDecay: decay_rate must be a finite number >= 0, got -1.0"}.
 */
public final class Requirements {

    private Requirements() {
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException naming the owner, the argument and the value when it is
     *     negative, NaN or infinite
     */
    public static double nonNegative(String owner, String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException naming the owner, the argument and the value when it is not
     *     a finite number {@code > 0}
     */
    public static double positive(String owner, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException naming the owner, the argument and the value when it is not
     *     in {@code [0, 1)}
     */
    public static double fraction(String owner, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be in [0, 1), got " + value);
        }
        return value;
    }
}
