package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Concatenate;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Input;
import cthulhu.layers.Subtract;
import cthulhu.layers.Symbol;
import cthulhu.models.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A functional graph in Keras's formats: two inputs through one shared tower (one set of
 * weights, called twice), a {@code Subtract} and a {@code Concatenate}, and two outputs, saved as
 * {@code .keras} and {@code .h5} and read back with {@code Model.load}. Python Keras 3 opens the
 * same files ({@code keras.models.load_model("siamese.keras").predict([a, b])}).
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java
 * -Dexample.main=cthulhu.examples.KerasFunctionalExchange}; pass a directory to keep the files.
 */
public final class KerasFunctionalExchange {

    private KerasFunctionalExchange() {
    }

    /**
     * Builds, saves, loads and compares; the optional argument is the directory for the files.
     *
     * @throws IllegalStateException if a loaded model predicts differently
     */
    public static void main(String[] args) throws IOException {
        Seeds.reset(7);
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("keras-functional");
        Symbol left = Input.of("left", 4);
        Symbol right = Input.of("right", 4);
        Daoloth tower = new Daoloth(6, "relu");
        Symbol l = tower.apply(left);
        Symbol r = tower.apply(right);
        Symbol joined = new Concatenate().apply(l, r, new Subtract().apply(l, r));
        Symbol same = new Daoloth(1, "sigmoid").apply(joined);
        Symbol gap = new Daoloth(1).apply(new Subtract().apply(l, r));
        List<Tensor> xs = List.of(K.constant(new double[] {0.5, -1, 2, 0, 0.25, -0.75, 1, 1}, 2, 4),
                K.constant(new double[] {0.5, -1, 2, 0.1, -0.25, 0.75, 1, -1}, 2, 4));
        try (Model model = new Model(List.of(left, right), List.of(same, gap), "siamese")) {
            List<Tensor> expected = model.predict(xs);
            for (String name : new String[] {"siamese.keras", "siamese.h5"}) {
                Path file = dir.resolve(name);
                model.save(file);
                try (Model loaded = Model.load(file)) {
                    System.out.printf("%s (%d bytes):%n", file, Files.size(file));
                    loaded.summary();
                    List<Tensor> actual = loaded.predict(xs);
                    for (int j = 0; j < expected.size(); j++) {
                        if (!Arrays.equals(expected.get(j).toDoubleArray(), actual.get(j).toDoubleArray())) {
                            throw new IllegalStateException(name + " output " + j + " predicts "
                                    + Arrays.toString(actual.get(j).toDoubleArray()) + " instead of "
                                    + Arrays.toString(expected.get(j).toDoubleArray()));
                        }
                        System.out.println("output " + j + " identical: " + Arrays.toString(actual.get(j).toDoubleArray()));
                    }
                    System.out.println();
                }
            }
        }
    }
}
