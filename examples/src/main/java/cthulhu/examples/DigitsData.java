package cthulhu.examples;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * The UCI Optical Recognition of Handwritten Digits data (test part), E. Alpaydin, C. Kaynak,
 * 1998, UCI Machine Learning Repository, CC BY 4.0 — 1797 images of 8 × 8 pixels (0..16), read
 * from the classpath resource {@code digits/digits.csv.gz}, one row of 64 pixels and the label each.
 */
final class DigitsData {

    static final String DATA = "/digits/digits.csv.gz";
    static final int PIXELS = 64;
    static final int CLASSES = 10;

    private DigitsData() {
    }

    /** The rows of the data set: 64 pixels then the label. */
    static List<double[]> read() throws IOException {
        InputStream raw = DigitsData.class.getResourceAsStream(DATA);
        if (raw == null) {
            throw new IOException("The digits data set is missing from the classpath at " + DATA);
        }
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                double[] row = Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray();
                if (row.length != PIXELS + 1) {
                    throw new IOException("Line " + (rows.size() + 1) + " of " + DATA + " has " + row.length
                            + " values; expected " + (PIXELS + 1));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * The rows shuffled with {@code seed} (the file is grouped by class), the first four fifths
     * for training and the last fifth held out.
     */
    static Split split(long seed) throws IOException {
        List<double[]> rows = read();
        Collections.shuffle(rows, new Random(seed));
        int split = rows.size() * 4 / 5;
        return new Split(rows.subList(0, split), rows.subList(split, rows.size()));
    }

    /** Training and held-out rows, 64 pixels then the label each. */
    record Split(List<double[]> train, List<double[]> test) {

        /** The training pixels, see {@link DigitsData#features}. */
        Tensor xTrain() {
            return features(train);
        }

        /** The training labels one-hot, see {@link DigitsData#oneHot}. */
        Tensor yTrain() {
            return oneHot(train);
        }

        /** The held-out pixels. */
        Tensor xTest() {
            return features(test);
        }

        /** The held-out labels one-hot. */
        Tensor yTest() {
            return oneHot(test);
        }
    }

    /** Pixels scaled from 0..16 to [0, 1], shape [n, 64]. */
    static Tensor features(List<double[]> rows) {
        double[] x = new double[rows.size() * PIXELS];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < PIXELS; c++) {
                x[r * PIXELS + c] = rows.get(r)[c] / 16.0;
            }
        }
        return K.constant(x, rows.size(), PIXELS);
    }

    /** One-hot labels, shape [n, 10]. */
    static Tensor oneHot(List<double[]> rows) {
        double[] y = new double[rows.size() * CLASSES];
        for (int r = 0; r < rows.size(); r++) {
            y[r * CLASSES + (int) rows.get(r)[PIXELS]] = 1;
        }
        return K.constant(y, rows.size(), CLASSES);
    }
}
