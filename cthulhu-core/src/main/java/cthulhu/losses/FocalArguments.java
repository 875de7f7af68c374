package cthulhu.losses;

/** The checks the parameterized losses share. */
final class FocalArguments {

    private FocalArguments() {
    }

    /** @throws IllegalArgumentException naming the loss when α is outside {@code [0, 1]} or γ negative or not finite */
    static void check(String loss, double alpha, double gamma) {
        fraction(loss, "alpha", alpha);
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException(loss + ": gamma must be finite and >= 0, got " + gamma);
        }
    }

    /** @throws IllegalArgumentException naming the loss and the argument when {@code value} is outside {@code [0, 1]} */
    static void fraction(String loss, String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(loss + ": " + name + " must be in [0, 1], got " + value);
        }
    }
}
