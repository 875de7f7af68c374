package cthulhu.backend;

/**
 * The activations a fused recurrent cell ({@link Backend#lstmCell}) applies inside its one pass:
 * Keras's defaults for the gates ({@code hard_sigmoid} in Keras 2.2.4, {@code sigmoid} in
 * Keras 3) and for the cell ({@code tanh}). A layer with another activation runs its cell as
 * separate {@link K} operations.
 */
public enum CellActivation {
    /** Logistic function {@code 1 / (1 + e^-x)}; slope {@code y · (1 - y)}. */
    SIGMOID,
    /** Keras 2.2.4's {@code clip(0.2 · x + 0.5, 0, 1)}; slope 0.2 where {@code -2.5 < x < 2.5}, 0 elsewhere. */
    HARD_SIGMOID,
    /** Hyperbolic tangent; slope {@code 1 - y²}. */
    TANH
}
