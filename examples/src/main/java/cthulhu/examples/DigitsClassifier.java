package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Trains a 64-64-10 multilayer perceptron on the UCI handwritten digits and reports its accuracy
 * on a held-out fifth, then saves the model, loads it back and checks that the loaded model
 * predicts exactly the same.
 *
 * <p>Data: UCI Optical Recognition of Handwritten Digits (test part), E. Alpaydin, C. Kaynak,
 * 1998, UCI Machine Learning Repository, CC BY 4.0 — 1797 images of 8 × 8 pixels (0..16), read
 * from the classpath resource {@code digits/digits.csv.gz}.
 *
 * <p>Run it from the repository root with {@code mvn -q -pl examples -am compile exec:java}.
 * The optional first argument is where to save the model (default: {@code digits.cthulhu} in
 * the system's temporary directory).
 */
public final class DigitsClassifier {

    private DigitsClassifier() {
    }

    /**
     * @param args optionally, the path to save the model to
     * @throws IOException when the data cannot be read or the model cannot be saved or loaded
     * @throws IllegalStateException when the held-out accuracy is below 95 % or the loaded model
     *     predicts differently
     */
    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"), "digits.cthulhu");
        DigitsData.Split data = DigitsData.split(42);
        Tensor xTrain = data.xTrain();
        Tensor yTrain = data.yTrain();
        Tensor xTest = data.xTest();
        Tensor yTest = data.yTest();
        System.out.printf("Backend %s, %s; %d training and %d held-out images%n", K.backend(), K.floatx(),
                data.train().size(), data.test().size());

        Seeds.reset(42);
        try (Sequential model = new Sequential("digits")) {
            model.add(new Daoloth(64, "relu").inputShape(DigitsData.PIXELS));
            model.add(new Daoloth(DigitsData.CLASSES, "softmax"));
            model.compile("adam", "categorical_crossentropy", "accuracy");
            model.summary();

            long start = System.nanoTime();
            History history = model.fit(xTrain, yTrain, new FitOptions().epochs(40).batchSize(32).seed(42).verbose(1)
                    .validationData(xTest, yTest));
            double seconds = (System.nanoTime() - start) / 1e9;
            Path curves = file.resolveSibling("digits-curves.png");
            history.plot(curves);
            System.out.println("Loss and accuracy curves, training and held-out: " + curves);

            double[] lossAndAccuracy = model.evaluate(xTest, yTest);
            System.out.printf(Locale.ROOT, "Trained in %.1f s. Held-out loss %.4f, accuracy %.2f %%%n",
                    seconds, lossAndAccuracy[0], 100 * lossAndAccuracy[1]);
            if (lossAndAccuracy[1] < 0.95) {
                throw new IllegalStateException("Held-out accuracy " + lossAndAccuracy[1] + " is below 0.95");
            }

            model.save(file);
            try (Sequential loaded = Sequential.load(file)) {
                float[] before = model.predict(xTest).toFloatArray();
                float[] after = loaded.predict(xTest).toFloatArray();
                if (!Arrays.equals(before, after)) {
                    throw new IllegalStateException("The model loaded from " + file + " predicts differently");
                }
                System.out.printf("Saved to %s (%d bytes); the loaded model predicts the same %d outputs bit for bit.%n",
                        file, Files.size(file), after.length);
            }
        }
    }
}
