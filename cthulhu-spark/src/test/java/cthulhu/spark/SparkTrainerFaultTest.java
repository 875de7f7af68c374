package cthulhu.spark;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.callbacks.History;
import cthulhu.layers.Daoloth;
import cthulhu.losses.Losses;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures on the executors: a task that fails once is retried (by Spark, or with its barrier
 * stage by the trainer) and its shard counts once; a barrier stage that keeps failing fails the
 * fit after Spark's number of stage attempts, with every attempt's error naming the failed task; a backend that cannot
 * load there is an error naming the executor and the backend.
 */
class SparkTrainerFaultTest {

    /** Calls of the activation in the failing partition's first attempts left before one of them fails; 0 = never. */
    private static final AtomicInteger CALLS_BEFORE_FAILURE = new AtomicInteger();
    /** The partition whose task fails. */
    private static final AtomicInteger FAILING_PARTITION = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();
    /** Whether every attempt of a task on the failing partition fails, at its first call of the activation. */
    private static final AtomicBoolean FAILING_ALWAYS = new AtomicBoolean();

    static {
        // An activation that, while armed, fails the first attempt of a task on the failing partition once:
        // a task failure in the middle of training, with no hook in the trainer.
        Activations.register("tanh_failing_once", x -> {
            TaskContext task = TaskContext.get();
            if (task != null && task.partitionId() == FAILING_PARTITION.get() && (FAILING_ALWAYS.get() || task.attemptNumber() == 0
                    && CALLS_BEFORE_FAILURE.get() > 0 && CALLS_BEFORE_FAILURE.decrementAndGet() == 0)) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("a task failing on purpose");
            }
            return K.tanh(x);
        });
    }

    @Test
    void aTaskFailingOnceIsRetriedAndItsShardCountsOnce() {
        assertRetriedAndCountedOnce(new SparkTrainer(LocalSpark.session()), 2);
    }

    @Test
    void aTaskFailingOnceInParameterAveragingIsRetriedAndItsShardCountsOnce() {
        assertRetriedAndCountedOnce(new SparkTrainer(LocalSpark.session()).parameterAveraging(2), 2);
    }

    @Test
    void aTaskFailingOnceInParameterAveragingOnTheOnlyPartitionIsRetriedAndItsShardCountsOnce() {
        assertRetriedAndCountedOnce(new SparkTrainer(LocalSpark.session()).parameterAveraging(2), 1);
    }

    @Test
    @Timeout(120)
    void aBarrierStageFailingOnEveryAttemptFailsTheFitAfterSparksStageAttemptsWithEveryError() {
        K.withFloatx("float64", () -> {
            double[][] x = LocalSpark.features(64, 4, 5);
            Dataset<Row> data = LocalSpark.dataset(x, LocalSpark.oneHot(x, 3), 2, LocalSpark.DOUBLES, LocalSpark.DOUBLES);
            int attempts = LocalSpark.session().sparkContext().conf().getInt(SparkTrainer.STAGE_ATTEMPTS_CONF, 4);
            FAILING_PARTITION.set(1);
            int failuresBefore = FAILURES.get();
            FAILING_ALWAYS.set(true);
            try (Sequential model = model()) {
                RuntimeException e = assertThrows(RuntimeException.class, () -> new SparkTrainer(LocalSpark.session())
                        .parameterAveraging(2).fit(model, data, "features", "label", SparkTrainerEquivalenceTest.options()));
                assertEquals(failuresBefore + attempts, FAILURES.get(), "one failure per attempt");
                assertEquals(attempts - 1, e.getSuppressed().length, "the earlier attempts' failures");
                // Spark reports the first task to fail: the failing one, or partition 0 told by the averaging server that it left.
                for (Throwable attempt : Stream.concat(Stream.of(e), Stream.of(e.getSuppressed())).toList()) {
                    assertTrue(attempt.getMessage().contains("a task failing on purpose")
                            || attempt.getMessage().contains("the task of partition 1 left"), attempt.getMessage());
                }
            } finally {
                FAILING_ALWAYS.set(false);
            }
        });
    }

    /** A fit on {@code partitions} partitions whose last partition's task fails once trains as the fit without a failure. */
    private static void assertRetriedAndCountedOnce(SparkTrainer trainer, int partitions) {
        K.withFloatx("float64", () -> {
            double[][] x = LocalSpark.features(64, 4, 5);
            Dataset<Row> data = LocalSpark.dataset(x, LocalSpark.oneHot(x, 3), partitions, LocalSpark.DOUBLES, LocalSpark.DOUBLES);
            FAILING_PARTITION.set(partitions - 1);
            try (Sequential clean = model(); Sequential faulty = model()) {
                SparkTrainerEquivalenceTest.copyWeights(clean, faulty);
                History expected = trainer.fit(clean, data, "features", "label", SparkTrainerEquivalenceTest.options());
                int failuresBefore = FAILURES.get();
                CALLS_BEFORE_FAILURE.set(6);
                History actual = trainer.fit(faulty, data, "features", "label", SparkTrainerEquivalenceTest.options());
                assertEquals(failuresBefore + 1, FAILURES.get(), "the task failed once");
                SparkTrainerEquivalenceTest.assertClose(expected.history().get("loss"), actual.history().get("loss"), 1e-12);
                SparkTrainerEquivalenceTest.assertClose(SparkTrainerEquivalenceTest.weights(clean),
                        SparkTrainerEquivalenceTest.weights(faulty), 1e-12);
                assertEquals(clean.getOptimizer().iterations(), faulty.getOptimizer().iterations());
            }
        });
    }

    @Test
    @Timeout(120)
    void aBackendThatCannotLoadOnAnExecutorIsAnErrorNamingExecutorAndBackend() {
        double[][] x = LocalSpark.features(16, 4, 5);
        Dataset<Row> data = LocalSpark.dataset(x, LocalSpark.oneHot(x, 3), 2, LocalSpark.DOUBLES, LocalSpark.DOUBLES);
        try (Sequential model = model()) {
            LocalSpark.session().conf().set(Worker.BACKEND_CONF, "nd4j");
            try {
                WorkerBackendException e = assertThrows(WorkerBackendException.class,
                        () -> new SparkTrainer(LocalSpark.session()).evaluate(model, data, "features", "label"));
                assertTrue(e.getMessage().contains("Executor driver on host "), e.getMessage());
                assertTrue(e.getMessage().contains("backend 'nd4j'"), e.getMessage());
                assertTrue(e.getMessage().contains("io.cthulhu:cthulhu-backend-nd4j"), e.getMessage());
            } finally {
                LocalSpark.session().conf().unset(Worker.BACKEND_CONF);
            }
        }
    }

    private static Sequential model() {
        Sequential m = new Sequential();
        m.add(new Daoloth(8, "tanh_failing_once").inputShape(4));
        m.add(new Daoloth(3, "softmax"));
        m.compile(new SGD(0.1), Losses.get("categorical_crossentropy"), "accuracy");
        return m;
    }
}
