package starter;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs on the module path: discovers the backend, trains a small model on a made-up task (the
 * class is whether the first feature exceeds the second), saves it and loads it back.
 */
public final class ModularModel {

    private ModularModel() {
    }

    public static void main(String[] args) throws Exception {
        if (!ModularModel.class.getModule().isNamed() || !K.class.getModule().getName().equals("cthulhu.core")) {
            throw new IllegalStateException("not on the module path: " + ModularModel.class.getModule() + ", " + K.class.getModule());
        }
        double[] features = new double[256 * 2];
        double[] labels = new double[256 * 2];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 256; i++) {
            features[2 * i] = random.nextDouble();
            features[2 * i + 1] = random.nextDouble();
            labels[2 * i + (features[2 * i] > features[2 * i + 1] ? 1 : 0)] = 1;
        }
        Tensor x = K.constant(features, 256, 2);
        Tensor y = K.constant(labels, 256, 2);

        Sequential model = new Sequential();
        model.add(new Daoloth(8, K::tanh).inputShape(2));
        model.add(new Daoloth(2, "softmax"));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        model.fit(x, y, 3, 32);

        Path file = Files.createTempDirectory("jpms").resolve("model.keras");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        if (!Arrays.equals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray())) {
            throw new IllegalStateException("the loaded model predicts differently");
        }
        System.out.printf("backend %s; core in module %s; saved and loaded %s%n", K.backend(), K.class.getModule().getName(),
                file.getFileName());
    }
}
