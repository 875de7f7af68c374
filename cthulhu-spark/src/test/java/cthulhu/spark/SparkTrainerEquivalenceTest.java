package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.callbacks.LambdaCallback;
import cthulhu.layers.Daoloth;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Adam;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.SGD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Data-parallel training against its reference: single-machine {@link Sequential#fit} on the same
 * batches. With {@code k} partitions of {@code n} rows in order and no shuffling, step {@code s}
 * trains on rows {@code [s·b, (s+1)·b)} of every partition, so the reference fits, with batches of
 * {@code k·b}, the rows rearranged into those step blocks. In float64 both must agree to 1e-9:
 * per-epoch loss and accuracy, and every final weight.
 */
class SparkTrainerEquivalenceTest {

    private static final int ROWS = 64;
    private static final int PARTITIONS = 2;
    private static final int BATCH = 8;
    private static final int EPOCHS = 3;
    private static final double TOLERANCE = 1e-9;

    @Test
    void gradientAveragingIsTheLargeBatchStep() {
        K.withFloatx("float64", () -> assertMatchesSingleMachine(new SparkTrainer(LocalSpark.session()), () -> new Adam()));
    }

    /** Eight partitions at tree depth 2 combine their results through {@code treeReduce}, not on the driver as they arrive. */
    @Test
    void gradientAveragingCombinedThroughTreeReduceIsTheLargeBatchStepToo() {
        K.withFloatx("float64", () -> assertMatchesSingleMachine(new SparkTrainer(LocalSpark.session()), () -> new Adam(), 8));
    }

    @Test
    void parameterAveragingEveryStepWithPlainSgdIsTheLargeBatchStep() {
        K.withFloatx("float64", () -> assertMatchesSingleMachine(
                new SparkTrainer(LocalSpark.session()).parameterAveraging(1), () -> new SGD(0.1)));
    }

    /**
     * Two partitions fit the two task slots of the test session, so each epoch above runs as one
     * barrier stage whose tasks exchange their state every round; four do not, and each round is
     * a job of its own.
     */
    @Test
    void parameterAveragingOnMorePartitionsThanTaskSlotsIsTheLargeBatchStepToo() {
        K.withFloatx("float64", () -> assertMatchesSingleMachine(
                new SparkTrainer(LocalSpark.session()).parameterAveraging(1), () -> new SGD(0.1), 4));
    }

    /** On one partition an epoch is one task; with nothing to average, it is the single-machine fit on the same batches. */
    @Test
    void parameterAveragingOnOnePartitionIsTheSingleMachineFit() {
        K.withFloatx("float64", () -> {
            double[][] x = LocalSpark.features(ROWS, 4, 3);
            double[][] y = LocalSpark.oneHot(x, 3);
            Dataset<Row> data = LocalSpark.dataset(x, y, 1, LocalSpark.DOUBLES, LocalSpark.FLOATS);
            try (Sequential distributed = mlp(new Adam()); Sequential single = mlp(new Adam());
                 Tensor xs = K.constant(rows(x, order(ROWS)), ROWS, 4); Tensor ys = K.constant(rows(y, order(ROWS)), ROWS, 3)) {
                copyWeights(distributed, single);
                History spark = new SparkTrainer(LocalSpark.session()).parameterAveraging(3).fit(distributed, data, "features", "label", options());
                History reference = single.fit(xs, ys, options());
                for (String key : List.of("loss", "accuracy")) {
                    assertClose(reference.history().get(key), spark.history().get(key), TOLERANCE);
                }
                assertClose(weights(single), weights(distributed), TOLERANCE);
                assertEquals(single.getOptimizer().iterations(), distributed.getOptimizer().iterations());
            }
        });
    }

    private static List<Integer> order(int n) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        return order;
    }

    @Test
    void shuffledTrainingIsReproducibleFromItsSeed() {
        K.withFloatx("float64", () -> {
            double[][] x = LocalSpark.features(ROWS, 4, 7);
            Dataset<Row> data = LocalSpark.dataset(x, LocalSpark.oneHot(x, 3), PARTITIONS, LocalSpark.DOUBLES, LocalSpark.FLOATS);
            SparkTrainer trainer = new SparkTrainer(LocalSpark.session()).parameterAveraging(2);
            try (Sequential a = mlp(new Adam()); Sequential b = mlp(new Adam()); Sequential c = mlp(new Adam())) {
                copyWeights(a, b);
                copyWeights(a, c);
                List<Double> first = trainer.fit(a, data, "features", "label", options().shuffle(true).seed(11)).history().get("loss");
                List<Double> again = trainer.fit(b, data, "features", "label", options().shuffle(true).seed(11)).history().get("loss");
                List<Double> other = trainer.fit(c, data, "features", "label", options().shuffle(true).seed(12)).history().get("loss");
                assertEquals(first, again);
                assertNotEquals(first, other);
                assertClose(weights(a), weights(b), 0);
            }
        });
    }

    /**
     * The tasks of a job running epochs wait between them on the driver, holding their slots: a
     * callback that runs a Spark job there gets the slots (the tasks end their job) and the fit
     * goes on as if it had not.
     */
    @Test
    @Timeout(120)
    void aCallbackRunningASparkJobBetweenEpochsGetsTheSlotsAndChangesNothing() {
        for (int partitions : new int[] {1, PARTITIONS}) {
            K.withFloatx("float64", () -> {
                double[][] x = LocalSpark.features(ROWS, 4, 5);
                Dataset<Row> data = LocalSpark.dataset(x, LocalSpark.oneHot(x, 3), partitions, LocalSpark.DOUBLES, LocalSpark.FLOATS);
                SparkTrainer trainer = new SparkTrainer(LocalSpark.session()).parameterAveraging(2);
                try (Sequential quiet = mlp(new Adam()); Sequential busy = mlp(new Adam())) {
                    copyWeights(quiet, busy);
                    List<Long> counted = new ArrayList<>();
                    LambdaCallback count = new LambdaCallback().onEpochEnd((epoch, logs) -> counted.add(data.count()));
                    History expected = trainer.fit(quiet, data, "features", "label", options());
                    History actual = trainer.fit(busy, data, "features", "label", options().callbacks(count));
                    assertEquals(Collections.nCopies(EPOCHS, (long) ROWS), counted, "the callback's job ran after every epoch");
                    assertClose(expected.history().get("loss"), actual.history().get("loss"), 0);
                    assertClose(weights(quiet), weights(busy), 0);
                }
            });
        }
    }

    @Test
    void aLearningRateSetByACallbackReachesTheExecutors() {
        K.withFloatx("float64", () -> {
            double[][] x = LocalSpark.features(ROWS, 4, 5);
            Dataset<Row> data = LocalSpark.dataset(x, LocalSpark.oneHot(x, 3), PARTITIONS, LocalSpark.DOUBLES, LocalSpark.FLOATS);
            try (Sequential m = mlp(new SGD(0.1))) {
                List<Double> initial = weights(m);
                List<List<Double>> afterEpoch = new ArrayList<>();
                // From the second epoch on the rate is 0: plain SGD then leaves every weight where the first epoch put it.
                LambdaCallback freeze = new LambdaCallback()
                        .onEpochBegin((epoch, logs) -> {
                            if (epoch == 1) {
                                m.getOptimizer().setLearningRate(0);
                            }
                        })
                        .onEpochEnd((epoch, logs) -> afterEpoch.add(weights(m)));
                new SparkTrainer(LocalSpark.session()).parameterAveraging(2).fit(m, data, "features", "label", options().callbacks(freeze));
                assertNotEquals(initial, afterEpoch.get(0), "the first epoch trains");
                for (int epoch = 1; epoch < afterEpoch.size(); epoch++) {
                    assertClose(afterEpoch.get(0), afterEpoch.get(epoch), 1e-12);
                }
            }
        });
    }

    private static void assertMatchesSingleMachine(SparkTrainer trainer, Supplier<Optimizer> optimizer) {
        assertMatchesSingleMachine(trainer, optimizer, PARTITIONS);
    }

    private static void assertMatchesSingleMachine(SparkTrainer trainer, Supplier<Optimizer> optimizer, int partitions) {
        double[][] x = LocalSpark.features(ROWS, 4, 3);
        double[][] y = LocalSpark.oneHot(x, 3);
        Dataset<Row> data = LocalSpark.dataset(x, y, partitions, LocalSpark.DOUBLES, LocalSpark.FLOATS);
        try (Sequential distributed = mlp(optimizer.get()); Sequential single = mlp(optimizer.get())) {
            copyWeights(distributed, single);
            History spark = trainer.fit(distributed, data, "features", "label", options());

            int perPartition = ROWS / partitions;
            List<Integer> order = new ArrayList<>();
            for (int s = 0; s < perPartition / BATCH; s++) {
                for (int p = 0; p < partitions; p++) {
                    for (int i = 0; i < BATCH; i++) {
                        order.add(p * perPartition + s * BATCH + i);
                    }
                }
            }
            try (Tensor xs = K.constant(rows(x, order), ROWS, 4); Tensor ys = K.constant(rows(y, order), ROWS, 3)) {
                History reference = single.fit(xs, ys, options().batchSize(BATCH * partitions));
                for (String key : List.of("loss", "accuracy")) {
                    assertClose(reference.history().get(key), spark.history().get(key), TOLERANCE);
                }
            }
            assertClose(weights(single), weights(distributed), TOLERANCE);
            assertEquals(single.getOptimizer().iterations(), distributed.getOptimizer().iterations());
        }
    }

    static FitOptions options() {
        return new FitOptions().epochs(EPOCHS).batchSize(BATCH).shuffle(false).verbose(0);
    }

    static Sequential mlp(Optimizer optimizer) {
        Sequential m = new Sequential();
        m.add(new Daoloth(8, "tanh").inputShape(4));
        m.add(new Daoloth(3, "softmax"));
        m.compile(optimizer, Losses.get("categorical_crossentropy"), "accuracy");
        return m;
    }

    static void copyWeights(Sequential from, Sequential to) {
        List<Tensor> w = from.getWeights();
        to.setWeights(w);
        w.forEach(Tensor::close);
    }

    static List<Double> weights(Sequential m) {
        List<Double> all = new ArrayList<>();
        for (Tensor t : m.getWeights()) {
            for (double d : t.toDoubleArray()) {
                all.add(d);
            }
            t.close();
        }
        return all;
    }

    private static double[] rows(double[][] a, List<Integer> order) {
        int width = a[0].length;
        double[] out = new double[order.size() * width];
        for (int i = 0; i < order.size(); i++) {
            System.arraycopy(a[order.get(i)], 0, out, i * width, width);
        }
        return out;
    }

    static void assertClose(List<Double> expected, List<Double> actual, double tolerance) {
        assertEquals(expected.size(), actual.size(), "length");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), tolerance, "element " + i + " of " + expected + " vs " + actual);
        }
    }
}
