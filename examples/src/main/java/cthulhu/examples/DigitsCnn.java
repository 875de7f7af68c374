package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Conv2D;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Darkness;
import cthulhu.layers.Flatten;
import cthulhu.layers.MaxPooling2D;
import cthulhu.layers.Reshape;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;

import java.io.IOException;
import java.util.Locale;

/**
 * A small convolutional network on the UCI handwritten digits (8 × 8 images, see
 * {@link DigitsClassifier}): the 64 pixels reshaped to an 8 × 8 × 1 image, two 3 × 3
 * convolutions with {@code same} padding each followed by a 2 × 2 max pooling, dropout, then a
 * softmax layer. It
 * beats the perceptron of {@link DigitsClassifier} on the same held-out fifth (about 98 %
 * against 96 %).
 *
 * <p>Run it with {@code mvn -q -B -pl examples -am compile exec:java -Dexample.main=cthulhu.examples.DigitsCnn}
 * (add {@code -Pnd4j} or {@code -Pdjl} for the other backends).
 */
public final class DigitsCnn {

    /** The epochs {@link #main} trains for. */
    public static final int EPOCHS = 20;

    private DigitsCnn() {
    }

    /** The network, compiled and untrained, for batches of 64-pixel rows. */
    static Sequential model() {
        Sequential model = new Sequential("digits_cnn");
        model.add(new Reshape(8, 8, 1).inputShape(64));
        model.add(new Conv2D(16, 3, "relu").padding("same"));
        model.add(new MaxPooling2D(2));
        model.add(new Conv2D(32, 3, "relu").padding("same"));
        model.add(new MaxPooling2D(2));
        model.add(new Flatten());
        model.add(new Darkness(0.25));
        model.add(new Daoloth(10, "softmax"));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        return model;
    }

    /**
     * Trains the network on the active backend (shuffle and split as {@link DigitsClassifier},
     * Adam, batches of 32) and returns its accuracy on the held-out fifth.
     *
     * @param epochs the number of epochs; {@link #main} uses {@link #EPOCHS}
     * @param verbose 0 for silence, 1 for the summary and a progress bar
     * @throws IOException when the data cannot be read
     */
    public static double trainAndEvaluate(int epochs, int verbose) throws IOException {
        // The same shuffle and split as DigitsClassifier: the last fifth is held out.
        DigitsData.Split data = DigitsData.split(42);
        Seeds.reset(42);
        try (Sequential model = model()) {
            if (verbose > 0) {
                model.summary();
            }
            model.fit(data.xTrain(), data.yTrain(), new FitOptions().epochs(epochs).batchSize(32).seed(42).verbose(verbose));
            return model.evaluate(data.xTest(), data.yTest())[1];
        }
    }

    /**
     * @param args ignored
     * @throws IOException when the data cannot be read
     * @throws IllegalStateException when the held-out accuracy is below 97.5 %
     */
    public static void main(String[] args) throws IOException {
        System.out.printf("Backend %s, %s%n", K.backend(), K.floatx());
        long start = System.nanoTime();
        double accuracy = trainAndEvaluate(EPOCHS, 1);
        System.out.printf(Locale.ROOT, "Trained in %.1f s. Held-out accuracy %.2f %%%n", (System.nanoTime() - start) / 1e9,
                100 * accuracy);
        if (accuracy < 0.975) {
            throw new IllegalStateException("Held-out accuracy " + accuracy + " is below 0.975");
        }
    }
}
