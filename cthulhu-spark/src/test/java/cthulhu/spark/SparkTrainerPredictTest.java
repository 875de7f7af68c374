package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Distributed inference and evaluation against the same model on the driver: {@code predict}
 * gives each row the output {@link Sequential#predict} gives it, {@code evaluate} the loss and
 * metrics {@link Sequential#evaluate} gives the whole data (float64, to 1e-12).
 */
class SparkTrainerPredictTest {

    @Test
    void predictAddsEachRowsOutputKeepingRowsAndColumns() {
        K.withFloatx("float64", () -> {
            int n = 50;
            double[][] x = LocalSpark.features(n, 4, 21);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rows.add(RowFactory.create(i, Vectors.dense(x[i])));
            }
            StructType schema = new StructType().add("id", DataTypes.IntegerType).add("features", LocalSpark.VECTOR);
            Dataset<Row> data = LocalSpark.session().createDataFrame(
                    JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext()).parallelize(rows, 5), schema);
            try (Sequential model = new Sequential()) {
                model.add(new Daoloth(6, "relu").inputShape(4));
                model.add(new Daoloth(2, "softmax"));
                int loadsBefore = ExecutorModels.builds();
                List<Row> scored = new SparkTrainer(LocalSpark.session()).predictBatchSize(4)
                        .predict(model, data, "features", "prediction").collectAsList();
                int loads = ExecutorModels.builds() - loadsBefore;
                assertTrue(loads >= 1 && loads <= 2, "one model per concurrent task (2 threads), got " + loads + " loads");
                assertEquals(List.of("id", "features", "prediction"), Arrays.asList(scored.get(0).schema().fieldNames()));
                try (Tensor expected = model.predict(K.constant(flat(x), n, 4))) {
                    double[] e = expected.toDoubleArray();
                    for (int i = 0; i < n; i++) {
                        Row r = scored.get(i);
                        assertEquals(i, r.getInt(0), "row order");
                        double[] got = r.<Double>getList(2).stream().mapToDouble(Double::doubleValue).toArray();
                        assertArrayEquals(Arrays.copyOfRange(e, 2 * i, 2 * i + 2), got, 1e-12, "row " + i);
                    }
                }
            }
        });
    }

    /**
     * Rows in 3 partitions of a parallelised collection; 50 rows make partitions small enough to
     * ship with each task, 3000 rows partitions that the trainer first moves through a shuffle;
     * 8 partitions make {@code treeReduce} (depth 2) combine on the executors first.
     */
    @ParameterizedTest(name = "{0} rows, numPartitions {1}")
    @CsvSource({"50, 0", "3000, 0", "50, 8"})
    void evaluateAveragesThePartitionsLikeEvaluateOnAllRows(int n, int partitions) {
        K.withFloatx("float64", () -> {
            double[][] x = LocalSpark.features(n, 4, 22);
            double[][] oneHot = LocalSpark.oneHot(x, 3);
            double[][] classes = new double[n][1];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    if (oneHot[i][c] == 1) {
                        classes[i][0] = c;
                    }
                }
            }
            Dataset<Row> data = LocalSpark.dataset(x, classes, 3, LocalSpark.FLOATS, DataTypes.DoubleType);
            try (Sequential model = new Sequential()) {
                model.add(new Daoloth(6, "tanh").inputShape(4));
                model.add(new Daoloth(3, "softmax"));
                model.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
                double[] distributed = new SparkTrainer(LocalSpark.session()).numPartitions(partitions)
                        .evaluate(model, data, "features", "label");
                double[] xf = flat(x);
                for (int i = 0; i < xf.length; i++) {
                    xf[i] = (float) xf[i];
                }
                try (Tensor xs = K.constant(xf, n, 4); Tensor ys = K.constant(flat(classes), n, 1)) {
                    assertArrayEquals(model.evaluate(xs, ys), distributed, 1e-12);
                }
            }
        });
    }

    @Test
    void repeatedPredictOnAnUnchangedModelLoadsNothingAndAChangedModelIsLoadedAgain() {
        K.withFloatx("float64", () -> {
            int n = 40;
            double[][] x = LocalSpark.features(n, 4, 23);
            // One partition: one task at a time, so the first call loads exactly the model the second needs.
            Dataset<Row> data = LocalSpark.dataset(x, LocalSpark.oneHot(x, 2), 1, LocalSpark.DOUBLES, LocalSpark.DOUBLES);
            try (Sequential model = new Sequential()) {
                model.add(new Daoloth(2, "softmax").inputShape(4));
                SparkTrainer trainer = new SparkTrainer(LocalSpark.session());
                trainer.predict(model, data, "features", "prediction").collectAsList();
                int loadsBefore = ExecutorModels.builds();
                trainer.predict(model, data, "features", "prediction").collectAsList();
                assertEquals(0, ExecutorModels.builds() - loadsBefore, "the second call reuses the models the first loaded");

                List<Tensor> weights = model.getWeights();
                double[] kernel = weights.get(0).toDoubleArray();
                for (int i = 0; i < kernel.length; i++) {
                    kernel[i] = -2 * kernel[i] + 0.25;
                }
                model.setWeights(List.of(K.constant(kernel, weights.get(0).shape()), weights.get(1)));
                List<Row> scored = trainer.predict(model, data, "features", "prediction").collectAsList();
                assertTrue(ExecutorModels.builds() > loadsBefore, "changed weights are a new saved model, loaded again");
                try (Tensor expected = model.predict(K.constant(flat(x), n, 4))) {
                    double[] e = expected.toDoubleArray();
                    for (int i = 0; i < n; i++) {
                        double[] got = scored.get(i).<Double>getList(2).stream().mapToDouble(Double::doubleValue).toArray();
                        assertArrayEquals(Arrays.copyOfRange(e, 2 * i, 2 * i + 2), got, 1e-12, "row " + i);
                    }
                }
            }
        });
    }

    private static double[] flat(double[][] a) {
        return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
    }
}
