package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Daoloth;
import cthulhu.layers.LeakyReLU;
import cthulhu.models.Sequential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A model saved in Keras's two formats and read back: {@code model.save("x.keras")} writes the
 * Keras 3 zip that Python's {@code keras.models.load_model} opens, {@code x.h5} the legacy HDF5
 * format; {@code Sequential.load} recognises either by its content. The program prints the
 * summary of the loaded model and checks that it predicts exactly what the original does.
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java
 * -Dexample.main=cthulhu.examples.KerasExchange}; pass a directory to keep the files there.
 */
public final class KerasExchange {

    private KerasExchange() {
    }

    /**
     * Saves, loads and compares; the optional argument is the directory for the files.
     *
     * @throws IllegalStateException if a loaded model predicts differently
     */
    public static void main(String[] args) throws IOException {
        Seeds.reset(7);
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("keras-exchange");
        Tensor x = K.constant(new double[] {0.5, -1, 2, 0, 0.25, -0.75}, 2, 3);
        try (Sequential model = new Sequential("exchange")) {
            model.add(new Daoloth(8, "tanh").inputShape(3));
            model.add(new LeakyReLU(0.2));
            model.add(new Daoloth(2, "softmax"));
            model.compile("adam", "categorical_crossentropy", "accuracy");
            double[] expected = model.predict(x).toDoubleArray();
            for (String name : new String[] {"exchange.keras", "exchange.h5"}) {
                Path file = dir.resolve(name);
                model.save(file);
                try (Sequential loaded = Sequential.load(file)) {
                    System.out.printf("%s (%d bytes), compiled with %s:%n", file, Files.size(file),
                            loaded.getOptimizer().getClass().getSimpleName());
                    loaded.summary();
                    double[] actual = loaded.predict(x).toDoubleArray();
                    if (!Arrays.equals(expected, actual)) {
                        throw new IllegalStateException(name + " predicts " + Arrays.toString(actual) + " instead of "
                                + Arrays.toString(expected));
                    }
                    System.out.println("predictions identical: " + Arrays.toString(actual) + "\n");
                }
            }
        }
    }
}
