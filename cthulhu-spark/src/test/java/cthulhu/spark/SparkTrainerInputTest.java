package cthulhu.spark;

import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is a clear error before any training job runs: each message names what is wrong and the fix. */
class SparkTrainerInputTest {

    private static final AtomicInteger GROUPS = new AtomicInteger();
    /** The job group of this test's fit, so that the jobs it ran can be counted. */
    private final String group = "bad-input-" + GROUPS.incrementAndGet();

    @AfterEach
    void clearGroup() {
        LocalSpark.session().sparkContext().clearJobGroup();
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAreAndNoJobRuns() {
        Dataset<Row> data = data(16, 4, 3, 2);
        String message = failFit(data, "pixels", "label", 8);
        assertTrue(message.contains("no features column 'pixels'") && message.contains("[features, label]"), message);
        assertEquals(0, jobsRun());
    }

    @Test
    void aColumnOfAnUnreadableTypeIsNamedWithItsTypeAndNoJobRuns() {
        StructType schema = new StructType().add("features", DataTypes.StringType).add("label", LocalSpark.DOUBLES);
        Dataset<Row> data = LocalSpark.session().createDataFrame(List.of(RowFactory.create("1,2,3,4", new double[] {0, 0, 1})), schema);
        String message = failFit(data, "features", "label", 1);
        assertTrue(message.contains("'features' has type string") && message.contains("array<double>"), message);
        assertEquals(0, jobsRun());
    }

    @Test
    void featuresOfTheWrongWidthNameTheColumnTheWidthAndTheModelsInput() {
        String message = failFit(data(16, 3, 3, 2), "features", "label", 8);
        assertTrue(message.contains("features column 'features' holds a row of width 3") && message.contains("input [4] takes 4"), message);
    }

    @Test
    void labelsThatDoNotMatchTheOutputNameTheColumnAndTheOutput() {
        String message = failFit(data(16, 4, 2, 2), "features", "label", 8);
        assertTrue(message.contains("labels column 'label' holds a row of width 2") && message.contains("output [3]")
                && message.contains("categorical_crossentropy needs 3"), message);
    }

    @Test
    void anEmptyDatasetIsAnError() {
        String message = failFit(data(0, 4, 3, 2), "features", "label", 8);
        assertTrue(message.contains("the dataset is empty"), message);
    }

    @Test
    void fewerRowsThanPartitionsTimesBatchIsAnError() {
        String message = failFit(data(12, 4, 3, 2), "features", "label", 8);
        assertTrue(message.contains("12 rows, fewer than its 2 partitions × batch size 8 = 16"), message);
    }

    @Test
    void aVectorColumnReadsAsTheSameArrayOfDoubles() {
        double[][] x = LocalSpark.features(24, 4, 1);
        double[][] y = LocalSpark.oneHot(x, 3);
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(3, "softmax").inputShape(4));
            model.compile("sgd", "categorical_crossentropy");
            SparkTrainer trainer = new SparkTrainer(LocalSpark.session());
            double[] arrays = trainer.evaluate(model, LocalSpark.dataset(x, y, 2, LocalSpark.DOUBLES, LocalSpark.DOUBLES), "features", "label");
            double[] vectors = trainer.evaluate(model, LocalSpark.dataset(x, y, 2, LocalSpark.VECTOR, LocalSpark.DOUBLES), "features", "label");
            assertArrayEquals(arrays, vectors, 1e-12);
        }
    }

    @Test
    void aNullInsideAFeaturesArrayNamesTheColumnAndTheRow() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType, true))
                .add("label", LocalSpark.DOUBLES);
        // Two rows: one per partition of the test session.
        List<Row> rows = List.of(RowFactory.create(new Double[] {1.0, 2.0, 3.0, 4.0}, new double[] {1, 0, 0}),
                RowFactory.create(new Double[] {1.0, null, 3.0, 4.0}, new double[] {0, 1, 0}));
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(3, "softmax").inputShape(4));
            model.compile("sgd", "categorical_crossentropy");
            // The read fails in a task, so the error reaches the driver inside Spark's job failure.
            String message = assertThrows(RuntimeException.class, () -> new SparkTrainer(LocalSpark.session())
                    .fit(model, LocalSpark.session().createDataFrame(rows, schema), "features", "label",
                            new FitOptions().batchSize(1).verbose(0))).getMessage();
            assertTrue(message.contains("'features' holds a null in element 1 of row 0 of partition 1"), message);
        }
    }

    private String failFit(Dataset<Row> data, String features, String label, int batch) {
        LocalSpark.session().sparkContext().setJobGroup(group, "bad input", false);
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(3, "softmax").inputShape(4));
            model.compile("sgd", "categorical_crossentropy");
            return assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(LocalSpark.session())
                    .fit(model, data, features, label, new FitOptions().batchSize(batch).verbose(0))).getMessage();
        }
    }

    private int jobsRun() {
        SparkContext sc = LocalSpark.session().sparkContext();
        return sc.statusTracker().getJobIdsForGroup(group).length;
    }

    private static Dataset<Row> data(int rows, int width, int labelWidth, int partitions) {
        return LocalSpark.dataset(LocalSpark.features(rows, width, 1), LocalSpark.features(rows, labelWidth, 2), partitions,
                LocalSpark.DOUBLES, LocalSpark.DOUBLES);
    }
}
