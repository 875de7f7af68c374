package cthulhu.integration;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fisher's Iris (R. A. Fisher, 1936; UCI Machine Learning Repository, CC BY 4.0), read from the
 * test resource {@code iris/iris.csv}: 150 flowers, 4 measurements, 3 classes. Features are
 * standardised per column (mean 0, standard deviation 1, computed here in double) so that every
 * backend receives the very same numbers.
 */
final class Iris {

    static final int FEATURES = 4;
    static final int CLASSES = 3;

    /** Standardised features, row-major, {@code [150, 4]}. */
    final double[] features;
    /** One-hot labels, row-major, {@code [150, 3]}. */
    final double[] labels;
    final int rows;

    private Iris(double[] features, double[] labels, int rows) {
        this.features = features;
        this.labels = labels;
        this.rows = rows;
    }

    /** Reads and standardises the data set. */
    static Iris load() {
        InputStream raw = Objects.requireNonNull(Iris.class.getResourceAsStream("/iris/iris.csv"),
                "iris/iris.csv is missing from the test resources");
        List<double[]> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.US_ASCII))) {
            in.readLine(); // "150,4,setosa,versicolor,virginica"
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    String[] cells = line.split(",");
                    double[] row = new double[cells.length];
                    for (int i = 0; i < cells.length; i++) {
                        row[i] = Double.parseDouble(cells[i]);
                    }
                    data.add(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read iris/iris.csv", e);
        }
        int n = data.size();
        double[] x = new double[n * FEATURES];
        double[] y = new double[n * CLASSES];
        for (int c = 0; c < FEATURES; c++) {
            double mean = 0;
            for (double[] row : data) {
                mean += row[c] / n;
            }
            double variance = 0;
            for (double[] row : data) {
                variance += (row[c] - mean) * (row[c] - mean) / n;
            }
            double sd = Math.sqrt(variance);
            for (int r = 0; r < n; r++) {
                x[r * FEATURES + c] = (data.get(r)[c] - mean) / sd;
            }
        }
        for (int r = 0; r < n; r++) {
            y[r * CLASSES + (int) data.get(r)[FEATURES]] = 1;
        }
        return new Iris(x, y, n);
    }

    /** The features as a tensor of the active backend and float type. */
    Tensor x() {
        return K.constant(features, rows, FEATURES);
    }

    /** The one-hot labels as a tensor of the active backend and float type. */
    Tensor y() {
        return K.constant(labels, rows, CLASSES);
    }
}
