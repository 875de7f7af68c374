package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.initializers.Seeds;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a 64-64-10 perceptron trained with Adam on the UCI handwritten digits (E. Alpaydin,
 * C. Kaynak, 1998, UCI Machine Learning Repository, CC BY 4.0; 1797 images of 8 × 8 pixels)
 * reaches at least 95 % accuracy on a held-out fifth. The reference is the data set's documented
 * figure: a small perceptron reaches about 97 %.
 */
class DigitsTest extends ConformanceTestBase {

    private static final String RESOURCE = "/cthulhu/conformance/training/digits.csv.gz";

    /** The rows of the data set: 64 pixels (0..16) then the label. */
    private static List<double[]> rows() {
        InputStream raw = DigitsTest.class.getResourceAsStream(RESOURCE);
        assertNotNull(raw, "the digits data set is missing from the classpath at " + RESOURCE);
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] cells = line.split(",");
                double[] row = new double[cells.length];
                for (int i = 0; i < cells.length; i++) {
                    row[i] = Double.parseDouble(cells[i]);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** Pixels scaled to [0, 1], shape [n, 64]. */
    private static Tensor features(List<double[]> rows) {
        double[] x = new double[rows.size() * 64];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < 64; c++) {
                x[r * 64 + c] = rows.get(r)[c] / 16.0;
            }
        }
        return K.constant(x, rows.size(), 64);
    }

    /** One-hot labels, shape [n, 10]. */
    private static Tensor labels(List<double[]> rows) {
        double[] y = new double[rows.size() * 10];
        for (int r = 0; r < rows.size(); r++) {
            y[r * 10 + (int) rows.get(r)[64]] = 1;
        }
        return K.constant(y, rows.size(), 10);
    }

    @Test
    void aSmallPerceptronLearnsTheDigits() {
        List<double[]> rows = rows();
        assertEquals(1797, rows.size());
        // The file is ordered by class in runs; a fixed shuffle, then the last fifth is held out.
        Collections.shuffle(rows, new Random(42));
        int split = rows.size() * 4 / 5;
        List<double[]> train = rows.subList(0, split);
        List<double[]> test = rows.subList(split, rows.size());

        Seeds.reset(42);
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(64, "relu").inputShape(64));
            model.add(new Daoloth(10, "softmax"));
            model.compile("adam", "categorical_crossentropy", "accuracy");
            History history = model.fit(features(train), labels(train),
                    new FitOptions().epochs(40).batchSize(32).seed(42).verbose(0));
            List<Double> loss = history.history().get("loss");
            assertTrue(loss.get(loss.size() - 1) < loss.get(0) / 5, "the training loss falls: " + loss);
            double[] lossAndAccuracy = model.evaluate(features(test), labels(test));
            assertTrue(lossAndAccuracy[1] >= 0.95, "held-out accuracy " + lossAndAccuracy[1] + " should be >= 0.95");
        }
    }
}
