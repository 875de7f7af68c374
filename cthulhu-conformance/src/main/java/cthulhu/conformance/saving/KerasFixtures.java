package cthulhu.conformance.saving;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Keras model files shipped with the suite ({@code cthulhu/conformance/keras/}), each with
 * inputs and the predictions of the Keras that wrote it, as listed in {@code expected.tsv}
 * (written by {@code cthulhu-conformance/keras-fixtures/make_expected.py}, which says where each
 * expectation comes from).
 */
final class KerasFixtures {

    private static final String DIR = "/cthulhu/conformance/keras/";

    /** One fixture: the file, the shape of one input sample, the tolerance, the source of its expectations. */
    record Fixture(String file, int[] inputShape, double tolerance, String source) {
        @Override
        public String toString() {
            return file;
        }
    }

    /**
     * One model of {@code generated.tsv} (written by {@code keras-fixtures/generated.py}) or
     * {@code keras3.tsv}: the
     * file, the sample shape of each input, the tolerance, the source of its expectations; its
     * inputs are {@code <file>.x<i>.csv}, Keras's outputs {@code <file>.y<j>.csv}.
     */
    record GraphFixture(String file, List<int[]> inputShapes, double tolerance, String source) {
        @Override
        public String toString() {
            return file;
        }

        /** The inputs as Keras was given them, one batch per input. */
        List<Tensor> inputs() {
            List<Tensor> xs = new ArrayList<>();
            for (int i = 0; i < inputShapes.size(); i++) {
                xs.add(batch(csv(file + ".x" + i + ".csv"), inputShapes.get(i)));
            }
            return xs;
        }

        /** What Keras predicted, one array per output. */
        List<double[]> outputs() {
            List<double[]> ys = new ArrayList<>();
            for (int j = 0; exists(file + ".y" + j + ".csv"); j++) {
                ys.add(csv(file + ".y" + j + ".csv"));
            }
            return ys;
        }
    }

    /**
     * One compiled model of {@code training.tsv}, saved by Keras after a training step: the file,
     * the sample shapes of the batch it trains on ({@code <file>.tx.csv}, {@code <file>.ty.csv}),
     * the tolerance and the source of {@code <file>.after.csv}, each weight after Keras's next step.
     */
    record TrainingFixture(String file, int[] xShape, int[] yShape, double tolerance, String source) {
        @Override
        public String toString() {
            return file;
        }
    }

    private KerasFixtures() {
    }

    /**
     * Every model of {@code generated.tsv} and of {@code keras3.tsv} (the files of
     * {@code shared/keras-models/keras3} that {@code make_expected.py --with-keras3} copied).
     */
    static List<GraphFixture> graphs() {
        List<GraphFixture> out = new ArrayList<>();
        for (String table : List.of("generated.tsv", "keras3.tsv")) {
            List<String> lines = lines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                List<int[]> shapes = Arrays.stream(f[1].split(";")).map(KerasFixtures::shape).toList();
                out.add(new GraphFixture(f[0], shapes, Double.parseDouble(f[2]), f[3]));
            }
        }
        return out;
    }

    /** Every model of {@code training.tsv}. */
    static List<TrainingFixture> trained() {
        List<TrainingFixture> out = new ArrayList<>();
        List<String> lines = lines("training.tsv");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            out.add(new TrainingFixture(f[0], shape(f[1]), shape(f[2]), Double.parseDouble(f[3]), f[4]));
        }
        return out;
    }

    /** Each line of a CSV as one row-major array: the weights of {@code <file>.after.csv}, one a line. */
    static List<double[]> rows(String file) {
        return lines(file).stream().map(line -> Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray())
                .toList();
    }

    private static int[] shape(String dims) {
        return Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** Row-major values as a batch of samples of {@code sampleShape}. */
    static Tensor batch(double[] values, int[] sampleShape) {
        int sample = 1;
        for (int d : sampleShape) {
            sample *= d;
        }
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = values.length / sample;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return K.constant(values, shape);
    }

    private static boolean exists(String file) {
        return KerasFixtures.class.getResource(DIR + file) != null;
    }

    /** Every fixture of {@code expected.tsv}. */
    static List<Fixture> all() {
        List<Fixture> out = new ArrayList<>();
        List<String> lines = lines("expected.tsv");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            out.add(new Fixture(f[0], Arrays.stream(f[1].split(",")).mapToInt(Integer::parseInt).toArray(),
                    Double.parseDouble(f[2]), f[3]));
        }
        return out;
    }

    /** Copies a fixture file into {@code dir} and returns its path there. */
    static Path copy(String file, Path dir) {
        Path target = dir.resolve(file);
        try (InputStream in = open(file)) {
            Files.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** A CSV of numbers, one row a line, as a row-major array. */
    static double[] csv(String file) {
        List<Double> values = new ArrayList<>();
        for (String line : lines(file)) {
            for (String v : line.split(",")) {
                if (!v.isBlank()) {
                    values.add(Double.parseDouble(v.trim()));
                }
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<String> lines(String file) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static InputStream open(String file) {
        InputStream in = KerasFixtures.class.getResourceAsStream(DIR + file);
        if (in == null) {
            throw new IllegalStateException("No fixture " + DIR + file + " on the class path");
        }
        return in;
    }
}
