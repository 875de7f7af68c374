package cthulhu.conformance.saving;

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

    private KerasFixtures() {
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
