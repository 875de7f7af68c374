package starter;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The README's first example in a project of its own: 64 features, ten classes (the class is the
 * largest of the first ten features), trained, evaluated, saved and loaded back.
 */
public final class FirstModel {

    public static void main(String[] args) throws Exception {
        Random random = new Random(7);
        Tensor x = features(random, 1024);
        Tensor y = labels(x);
        Tensor xTest = features(random, 256);
        Tensor yTest = labels(xTest);

        Sequential model = new Sequential();
        model.add(new Daoloth(64, "tanh").inputDim(64));
        model.add(new Daoloth(64, K::tanh));
        model.add(new Daoloth(10));
        model.add(new Azatoth("softmax"));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        History history = model.fit(x, y, 40, 32);
        double[] lossAndAccuracy = model.evaluate(xTest, yTest);
        Path file = Files.createTempDirectory("starter").resolve("first.cthulhu");
        model.save(file);

        System.out.println("backend " + K.backend() + ", final loss " + history.history().get("loss").get(39)
                + ", held-out loss and accuracy " + Arrays.toString(lossAndAccuracy));
        if (lossAndAccuracy[1] < 0.5) {   // five times chance: it learned
            throw new IllegalStateException("held-out accuracy " + lossAndAccuracy[1] + " < 0.5");
        }
        float[] expected = model.predict(xTest).toFloatArray();
        float[] loaded = Sequential.load(file).predict(xTest).toFloatArray();
        if (!Arrays.equals(expected, loaded)) {
            throw new IllegalStateException("the loaded model predicts differently");
        }
    }

    private static Tensor features(Random random, int n) {
        double[] data = new double[n * 64];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextDouble();
        }
        return K.constant(data, n, 64);
    }

    private static Tensor labels(Tensor x) {
        double[] features = x.toDoubleArray();
        int n = features.length / 64;
        double[] oneHot = new double[n * 10];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (features[i * 64 + c] > features[i * 64 + best]) {
                    best = c;
                }
            }
            oneHot[i * 10 + best] = 1;
        }
        return K.constant(oneHot, n, 10);
    }
}
