package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Darkness;
import cthulhu.losses.BinaryCrossentropy;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Adam;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's training toolbox on an unbalanced task: "is this handwritten digit a zero?" (about one
 * image in ten). A {@code gelu} network with dropout, a label-smoothed binary cross-entropy, class
 * weights that make the rare zeros count nine times, and Keras 3's stateful {@code precision},
 * {@code recall}, {@code auc} and {@code false_negatives}, accumulated over each epoch; validation every
 * fifth epoch; the held-out evaluation draws its progress bar.
 *
 * <p>Run it with {@code mvn -q -B -pl examples -am compile exec:java -Dexample.main=cthulhu.examples.ZeroDetector}.
 */
public final class ZeroDetector {

    private ZeroDetector() {
    }

    /**
     * Trains and reports the held-out precision, recall and AUC.
     *
     * @throws IOException when the digits data cannot be read
     * @throws IllegalStateException when the held-out AUC is below 0.98
     */
    public static void main(String[] args) throws IOException {
        DigitsData.Split data = DigitsData.split(7);
        Tensor xTrain = data.xTrain();
        Tensor yTrain = isZero(data.train());
        Tensor xTest = data.xTest();
        Tensor yTest = isZero(data.test());

        Seeds.reset(7);
        try (Sequential model = new Sequential("zero_detector")) {
            model.add(new Daoloth(32, "gelu").inputShape(64));
            model.add(new Darkness(0.1, 7L));
            model.add(new Daoloth(1, "sigmoid"));
            model.compile(new Adam(0.01), new BinaryCrossentropy(false, 0.05), "precision", "recall", "auc",
                    "false_negatives");
            History history = model.fit(xTrain, yTrain, new FitOptions().epochs(15).batchSize(32).seed(7).verbose(0)
                    .classWeight(Map.of(0, 1.0, 1, 9.0)).validationData(xTest, yTest).validationFreq(5));
            System.out.println("Validation AUC after epochs 5, 10, 15: " + history.history().get("val_auc"));
            // Verbosity 1: the progress bar fit draws, over the held-out samples, ending with the values.
            double[] result = model.evaluate(xTest, yTest, 32, 1);
            System.out.printf(Locale.ROOT, "Held out: loss %.4f, precision %.3f, recall %.3f, AUC %.4f, zeros missed %.0f%n",
                    result[0], result[1], result[2], result[3], result[4]);
            if (result[3] < 0.98) {
                throw new IllegalStateException("Held-out AUC " + result[3] + " is below 0.98");
            }
        }
    }

    /** 1 for the images of a zero, else 0; shape [n, 1]. */
    private static Tensor isZero(List<double[]> rows) {
        double[] y = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            y[r] = rows.get(r)[64] == 0 ? 1 : 0;
        }
        return K.constant(y, rows.size(), 1);
    }
}
