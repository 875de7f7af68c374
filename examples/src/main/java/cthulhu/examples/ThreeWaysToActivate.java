package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;

import java.util.List;
import java.util.Locale;

/**
 * The three ways of giving a layer its activation, side by side: by name
 * ({@code new Daoloth(8, "tanh")}), as a layer of its own ({@code new Daoloth(8)} followed by
 * {@code new Azatoth("tanh")}) and as a function ({@code new Daoloth(8, K::tanh)}). The three
 * models get the same weights, so they compute the same function: the program prints their
 * summaries and their predictions on a few inputs, and checks that the predictions agree.
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java
 * -Dexample.main=cthulhu.examples.ThreeWaysToActivate} (add {@code -Pnd4j} or {@code -Pdjl} for
 * another backend).
 */
public final class ThreeWaysToActivate {

    private static final int FEATURES = 4;
    private static final int HIDDEN = 8;
    private static final int CLASSES = 3;

    private ThreeWaysToActivate() {
    }

    /**
     * Builds, compares and prints the three models; takes no arguments.
     *
     * @throws IllegalStateException if the predictions of the three models differ
     */
    public static void main(String[] args) {
        System.out.printf("Backend %s, %s%n%n", K.backend(), K.floatx());
        Seeds.reset(42);
        try (Sequential byName = new Sequential("by_name");
             Sequential asLayer = new Sequential("as_layer");
             Sequential asFunction = new Sequential("as_function")) {
            byName.add(new Daoloth(HIDDEN, "tanh").inputShape(FEATURES));
            byName.add(new Daoloth(CLASSES, "softmax"));

            asLayer.add(new Daoloth(HIDDEN).inputShape(FEATURES));
            asLayer.add(new Azatoth("tanh"));
            asLayer.add(new Daoloth(CLASSES, "softmax"));

            asFunction.add(new Daoloth(HIDDEN, K::tanh).inputShape(FEATURES));
            asFunction.add(new Daoloth(CLASSES, "softmax"));

            // Azatoth has no weights, so all three hold [kernel, bias, kernel, bias] in that order.
            List<Tensor> weights = byName.getWeights();
            asLayer.setWeights(weights);
            asFunction.setWeights(weights);
            weights.forEach(Tensor::close);

            for (Sequential model : List.of(byName, asLayer, asFunction)) {
                System.out.println("Model " + model.getName());
                model.summary();
                System.out.println();
            }

            Tensor x = K.constant(new double[] {
                5.1, 3.5, 1.4, 0.2,
                6.4, 3.2, 4.5, 1.5,
                6.3, 3.3, 6.0, 2.5,
                -1.0, 0.0, 0.5, 2.0}, 4, FEATURES);
            double[] p1 = byName.predict(x).toDoubleArray();
            double[] p2 = asLayer.predict(x).toDoubleArray();
            double[] p3 = asFunction.predict(x).toDoubleArray();
            System.out.printf("%-12s %-32s %-32s %-32s%n", "sample", "by name", "as a layer", "as a function");
            double maxDifference = 0;
            for (int row = 0; row < 4; row++) {
                System.out.printf("%-12s %-32s %-32s %-32s%n", "#" + (row + 1), probabilities(p1, row),
                        probabilities(p2, row), probabilities(p3, row));
                for (int c = row * CLASSES; c < (row + 1) * CLASSES; c++) {
                    maxDifference = Math.max(maxDifference, Math.max(Math.abs(p1[c] - p2[c]), Math.abs(p1[c] - p3[c])));
                }
            }
            System.out.printf(Locale.ROOT, "%nLargest difference between the three models' predictions: %s%n", maxDifference);
            // The same operations on the same weights: any difference is a bug, not rounding.
            if (maxDifference != 0) {
                throw new IllegalStateException("The three ways of giving tanh predict differently, by up to "
                        + maxDifference);
            }
        }
    }

    private static String probabilities(double[] p, int row) {
        return String.format(Locale.ROOT, "[%.4f, %.4f, %.4f]", p[row * CLASSES], p[row * CLASSES + 1],
                p[row * CLASSES + 2]);
    }
}
