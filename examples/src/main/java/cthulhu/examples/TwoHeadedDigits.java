package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Concatenate;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Input;
import cthulhu.layers.Symbol;
import cthulhu.models.FitOptions;
import cthulhu.losses.Losses;
import cthulhu.models.Model;
import cthulhu.optimizers.Adam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A functional model with two inputs and two outputs on the UCI handwritten digits: the pixels
 * and a feature derived from them (the amount of ink and its vertical centre) go in; the digit's
 * class and a regression target (the horizontal centre of the ink, in [0, 1]) come out. The
 * pixels pass through a hidden layer that both heads share; the derived feature joins it by
 * concatenation. Trained with a loss per output and loss weights, it reports the held-out
 * accuracy and mean absolute error, then saves the model and checks that the loaded one predicts
 * the same.
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl examples -am compile exec:java -Dexample.main=cthulhu.examples.TwoHeadedDigits}.
 * The optional first argument is where to save the model (default: {@code two-headed.cthulhu}
 * in the system's temporary directory).
 */
public final class TwoHeadedDigits {

    private TwoHeadedDigits() {
    }

    /**
     * @param args optionally, the path to save the model to
     * @throws IOException when the data cannot be read or the model cannot be saved or loaded
     * @throws IllegalStateException when the held-out accuracy is below 93 %, the centre's mean
     *     absolute error above 0.03, or the loaded model predicts differently
     */
    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"), "two-headed.cthulhu");
        DigitsData.Split data = DigitsData.split(7);
        List<double[]> train = data.train();
        List<double[]> test = data.test();
        List<Tensor> xTrain = List.of(DigitsData.features(train), ink(train));
        List<Tensor> yTrain = List.of(DigitsData.oneHot(train), centre(train));
        List<Tensor> xTest = List.of(DigitsData.features(test), ink(test));
        List<Tensor> yTest = List.of(DigitsData.oneHot(test), centre(test));
        System.out.printf("Backend %s, %s; %d training and %d held-out images%n", K.backend(), K.floatx(), train.size(), test.size());

        Seeds.reset(7);
        Symbol pixels = Input.of("pixels", DigitsData.PIXELS);
        Symbol inkFeature = Input.of("ink", 2);
        Symbol hidden = new Daoloth(64, "relu").apply(pixels);
        Symbol joined = new Concatenate().apply(hidden, inkFeature);
        Daoloth digit = new Daoloth(DigitsData.CLASSES, "softmax");
        digit.setName("digit");
        Daoloth centre = new Daoloth(1, "sigmoid");
        centre.setName("centre");
        try (Model model = new Model(List.of(pixels, inkFeature), List.of(digit.apply(joined), centre.apply(joined)),
                "two_headed_digits")) {
            model.compile(new Adam(0.003),
                    Map.of("digit", Losses.get("categorical_crossentropy"), "centre", Losses.get("mse")),
                    Map.of("centre", 10.0), Map.of("digit", List.of("accuracy"), "centre", List.of("mae")));
            model.summary();
            model.fit(xTrain, yTrain, new FitOptions().epochs(40).batchSize(32).seed(7).verbose(2));

            double[] values = model.evaluate(xTest, yTest);
            System.out.printf(Locale.ROOT, "Held-out: loss %.4f, digit_loss %.4f, centre_loss %.5f, digit_accuracy %.2f %%,"
                    + " centre_mae %.4f%n", values[0], values[1], values[2], 100 * values[3], values[4]);
            if (values[3] < 0.93 || values[4] > 0.03) {
                throw new IllegalStateException("Held-out accuracy " + values[3] + " (needs 0.93) or centre MAE " + values[4]
                        + " (needs 0.03) missed");
            }
            model.save(file);
            try (Model loaded = Model.load(file)) {
                List<Tensor> before = model.predict(xTest);
                List<Tensor> after = loaded.predict(xTest);
                for (int k = 0; k < before.size(); k++) {
                    if (!Arrays.equals(before.get(k).toFloatArray(), after.get(k).toFloatArray())) {
                        throw new IllegalStateException("The model loaded from " + file + " predicts output " + k + " differently");
                    }
                }
                System.out.printf("Saved to %s (%d bytes); the loaded model predicts both outputs bit for bit.%n",
                        file, Files.size(file));
            }
        }
    }

    /** The derived input: total ink (sum of pixels / (64 · 16)) and the ink's vertical centre in [0, 1], shape [n, 2]. */
    private static Tensor ink(List<double[]> rows) {
        double[] out = new double[rows.size() * 2];
        for (int r = 0; r < rows.size(); r++) {
            double total = 0;
            double rowMoment = 0;
            for (int p = 0; p < DigitsData.PIXELS; p++) {
                double v = rows.get(r)[p];
                total += v;
                rowMoment += v * (p / 8);
            }
            out[2 * r] = total / (DigitsData.PIXELS * 16.0);
            out[2 * r + 1] = total > 0 ? rowMoment / total / 7 : 0.5;
        }
        return K.constant(out, rows.size(), 2);
    }

    /** The regression target: the ink's horizontal centre in [0, 1], shape [n, 1]. */
    private static Tensor centre(List<double[]> rows) {
        double[] out = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            double total = 0;
            double columnMoment = 0;
            for (int p = 0; p < DigitsData.PIXELS; p++) {
                double v = rows.get(r)[p];
                total += v;
                columnMoment += v * (p % 8);
            }
            out[r] = total > 0 ? columnMoment / total / 7 : 0.5;
        }
        return K.constant(out, rows.size(), 1);
    }
}
