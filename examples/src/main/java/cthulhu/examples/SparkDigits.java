package cthulhu.examples;

import cthulhu.initializers.Seeds;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.spark.SparkTrainer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains the digits model of {@link DigitsClassifier} data-parallel on Apache Spark: the images
 * become a {@code Dataset} of {@code array<double>} features and class-index labels, a
 * {@link SparkTrainer} fits the 64-64-10 network by parameter averaging every 8 local steps,
 * evaluates it on a held-out fifth across the cluster, and scores the held-out rows with
 * {@code predict}.
 *
 * <p>Run it on {@code local[*]} from the repository root with
 * {@code mvn -q -B -pl examples -am compile exec:java -Dexample.main=cthulhu.examples.SparkDigits};
 * under {@code spark-submit} it runs on the master given there (see the README).
 */
public final class SparkDigits {

    private static final int PIXELS = 64;

    private SparkDigits() {
    }

    /**
     * @param args unused
     * @throws IOException when the data cannot be read
     * @throws IllegalStateException when the held-out accuracy is below 93 %, or predict and evaluate disagree
     */
    public static void main(String[] args) throws IOException {
        SparkSession.Builder builder = SparkSession.builder().appName("cthulhu digits");
        if (System.getProperty("spark.master") == null) {
            builder.master("local[*]").config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            run(spark);
        } finally {
            spark.stop();
        }
    }

    private static void run(SparkSession spark) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (double[] r : DigitsData.read()) {
            double[] pixels = new double[PIXELS];
            for (int c = 0; c < PIXELS; c++) {
                pixels[c] = r[c] / 16.0;
            }
            rows.add(RowFactory.create(pixels, r[PIXELS]));
        }
        StructType schema = new StructType()
                .add("pixels", DataTypes.createArrayType(DataTypes.DoubleType, false))
                .add("digit", DataTypes.DoubleType);
        Dataset<Row>[] split = spark.createDataFrame(rows, schema).randomSplit(new double[] {0.8, 0.2}, 42);
        Dataset<Row> train = split[0].cache();
        Dataset<Row> test = split[1].cache();
        System.out.printf("Spark %s on %s, %d partitions; %d training and %d held-out images%n", spark.version(),
                spark.sparkContext().master(), train.rdd().getNumPartitions(), train.count(), test.count());

        Seeds.reset(42);
        try (Sequential model = new Sequential("digits")) {
            model.add(new Daoloth(64, "relu").inputShape(PIXELS));
            model.add(new Daoloth(10, "softmax"));
            model.compile("adam", "sparse_categorical_crossentropy", "accuracy");

            SparkTrainer trainer = new SparkTrainer(spark).parameterAveraging(8);
            long start = System.nanoTime();
            trainer.fit(model, train, "pixels", "digit", new FitOptions().epochs(40).batchSize(16).seed(42).verbose(2));
            double seconds = (System.nanoTime() - start) / 1e9;

            double[] lossAndAccuracy = trainer.evaluate(model, test, "pixels", "digit");
            System.out.printf(Locale.ROOT, "Trained in %.1f s. Held-out loss %.4f, accuracy %.2f %%%n",
                    seconds, lossAndAccuracy[0], 100 * lossAndAccuracy[1]);
            if (lossAndAccuracy[1] < 0.93) {
                throw new IllegalStateException("Held-out accuracy " + lossAndAccuracy[1] + " is below 0.93");
            }

            List<Row> scored = trainer.predict(model, test, "pixels", "probabilities").select("digit", "probabilities").collectAsList();
            int correct = 0;
            for (Row r : scored) {
                List<Double> p = r.getList(1);
                int best = 0;
                for (int k = 1; k < p.size(); k++) {
                    best = p.get(k) > p.get(best) ? k : best;
                }
                correct += best == (int) r.getDouble(0) ? 1 : 0;
            }
            double accuracy = (double) correct / scored.size();
            System.out.printf(Locale.ROOT, "predict scored %d held-out rows: %d right (%.2f %%)%n", scored.size(), correct, 100 * accuracy);
            // evaluate averages float32 batch means, so the two agree to float32 precision.
            if (Math.abs(accuracy - lossAndAccuracy[1]) > 1e-6) {
                throw new IllegalStateException("predict's accuracy " + accuracy + " differs from evaluate's " + lossAndAccuracy[1]);
            }
        }
    }
}
