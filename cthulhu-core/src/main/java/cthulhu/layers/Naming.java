package cthulhu.layers;

/** Keras's layer naming: class names in snake case, e.g. {@code ThresholdedReLU} → {@code thresholded_re_lu}. */
final class Naming {

    private Naming() {
    }

    /** {@code "Dense"} → {@code "dense"}, {@code "LeakyReLU"} → {@code "leaky_re_lu"}, as Keras's {@code to_snake_case}. */
    static String snakeCase(String className) {
        String s = className.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        return s.startsWith("_") ? "private" + s : s;
    }
}
