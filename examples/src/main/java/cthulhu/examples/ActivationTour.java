package cthulhu.examples;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.Locale;

/**
 * Prints every built-in activation on a few inputs, with its derivative computed by automatic
 * differentiation, on whichever backend is active (choose one with {@code -Dcthulhu.backend=…}).
 */
public final class ActivationTour {

    private static final double[] INPUTS = {-3, -1, -0.5, 0, 0.5, 1, 3, 6};

    private ActivationTour() {
    }

    /** Runs the tour; takes no arguments. */
    public static void main(String[] args) {
        System.out.printf("backend: %s, floatx: %s, epsilon: %s%n%n", K.backend(), K.floatx(), K.epsilon());
        System.out.printf(Locale.ROOT, "%-16s %-6s%s%n", "activation", "", row(INPUTS));
        for (String name : Activations.names()) {
            Activation a = Activations.get(name);
            // A row of inputs: softmax needs a batch axis and normalises across the row.
            Tensor x = K.constant(INPUTS, 1, INPUTS.length);
            Tensor y = a.apply(x);
            Tensor dy = K.gradient(a::apply, x);
            System.out.printf(Locale.ROOT, "%-16s %-6s%s%n", name, "f(x)", row(y.toDoubleArray()));
            System.out.printf(Locale.ROOT, "%-16s %-6s%s%n", "", "f'(x)", row(dy.toDoubleArray()));
        }
        System.out.println();
        System.out.println("f'(x) is d sum(f(x)) / dx: for softmax and sparsemax, whose outputs sum to 1, it is 0"
                + " everywhere; glu gates the first half of the row by the second, so it prints half as many values.");
    }

    private static String row(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(String.format(Locale.ROOT, "%10.5f", v));
        }
        return s.toString();
    }
}
