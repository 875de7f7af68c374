package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.TensorScope;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parameter averaging server's protocol with tasks played by threads: a task receives each
 * epoch the driver publishes and hands in its logs and final state, bit for bit, and ends its job
 * when the driver says so, when the model's configuration changed, and, once it has trained an
 * epoch, while another Spark job runs; each task of a round
 * gets the sum of every partition's result, added in partition order exactly as the driver adds
 * them between jobs; a task that leaves, a newer stage attempt or a silent peer ends the round
 * with an error naming why, never a hang; a round whose values are shaped unlike the published
 * state fails it too.
 */
class AveragingServerTest {

    private static final double[] A = {0.1, -2.5e-3, 3.75, 1e-7, -0.3};
    private static final double[] B = {7.0 / 3, 0.2, -1e5, 4.1e-4, 9.9};

    private static SparkConf conf(String timeout) {
        return new SparkConf(false).set("spark.driver.host", "127.0.0.1").set(AveragingServer.TIMEOUT_CONF, timeout);
    }

    @Test
    @Timeout(60)
    void twoTasksGetTheSumOfTheirRoundAddedInPartitionOrderBitForBit() {
        for (String floatx : List.of("float32", "float64")) {
            K.withFloatx(floatx, () -> {
                try (TensorScope scope = TensorScope.open(); AveragingServer server = started("30s")) {
                    Sums expected = Sums.of(List.of(K.constant(A, 5)), new double[] {0.5}, 7, 2)
                            .add(Sums.of(List.of(K.constant(B, 5)), new double[] {1.5}, 3, 1));
                    CompletableFuture<Sums> first = task(server, 0, 0, () -> Sums.of(List.of(K.constant(A, 5)), new double[] {0.5}, 7, 2));
                    CompletableFuture<Sums> second = task(server, 0, 1, () -> Sums.of(List.of(K.constant(B, 5)), new double[] {1.5}, 3, 1));
                    for (Sums got : List.of(first.join(), second.join())) {
                        // What a task restores: the mean, in the model's float type.
                        assertArrayEquals(expected.meanTensors().tensor(0, K.dtype(), new int[] {5}).toDoubleArray(),
                                got.meanTensors().tensor(0, K.dtype(), new int[] {5}).toDoubleArray(), 0, floatx);
                        assertArrayEquals(expected.meanLogs(), got.meanLogs(), 0);
                        assertEquals(10, got.samples());
                        assertEquals(2, got.steps());
                    }
                }
                return null;
            });
        }
    }

    @Test
    @Timeout(60)
    void aTaskReceivesThePublishedEpochAndTheDriverWhatItHandsInBitForBit() {
        for (String floatx : List.of("float32", "float64")) {
            K.withFloatx(floatx, () -> {
                try (TensorScope scope = TensorScope.open(); AveragingServer server = AveragingServer.start(conf("30s"), 1)) {
                    Blocks start = Blocks.of(List.of(K.constant(A, 5), K.constant(B, 5)), 1);
                    Blocks end = Blocks.of(List.of(K.constant(B, 5), K.constant(A, 5)), 1);
                    double[][] logs = {{0.5, 0.25}, {0.125, 1}};
                    CompletableFuture<AveragingServer.Start> received = CompletableFuture.supplyAsync(() -> {
                        try (AveragingServer.Client client = AveragingServer.Client.open(server.address(), 0)) {
                            AveragingServer.Start epoch = client.next(-1, "config");
                            client.handIn(3, new AveragingServer.Finished(logs, 9, end));
                            assertNull(client.next(3, "config"), "the job ends when the driver says so");
                            client.done();
                            return epoch;
                        }
                    });
                    server.publish(3, 7, "config", start);
                    AveragingServer.Finished taken = server.awaitFinished(3, () -> false);
                    server.endJob(true);
                    AveragingServer.Start epoch = received.join();
                    assertEquals(3, epoch.epoch());
                    assertEquals(7, epoch.iterations());
                    assertEquals(9, taken.iterations());
                    assertArrayEquals(logs, taken.logs());
                    for (int i = 0; i < 2; i++) {
                        assertArrayEquals(start.values(i), epoch.state().values(i), 0, floatx);
                        assertArrayEquals(end.values(i), taken.state().values(i), 0, floatx);
                    }
                }
                return null;
            });
        }
    }

    @Test
    @Timeout(60)
    void aHandInForAnEpochThatIsNotRunningIsRefusedNamingTheEpochs() {
        K.withFloatx("float64", () -> {
            try (TensorScope scope = TensorScope.open(); AveragingServer server = started("30s");
                 AveragingServer.Client late = AveragingServer.Client.open(server.address(), 1)) {
                server.publish(3, 0, "config", Blocks.of(List.of(K.constant(A, 5)), 1));
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> late.handIn(2, new AveragingServer.Finished(new double[0][], 0, Blocks.of(List.of(K.constant(A, 5)), 1))));
                assertTrue(e.getMessage().contains("partition 1") && e.getMessage().contains("epoch 2 is not running (epoch 3 is)"),
                        e.getMessage());
            }
            return null;
        });
    }

    @Test
    @Timeout(60)
    void aTaskEndsItsJobForAnotherConfigurationAndForAnotherJobOnceItHasTrainedAnEpoch() {
        K.withFloatx("float64", () -> {
            try (AveragingServer server = started("30s");
                 AveragingServer.Client client = AveragingServer.Client.open(server.address(), 0)) {
                assertNull(client.next(-1, "another config"), "a model of another configuration");
                server.otherJob(12, true);
                assertEquals(0, client.next(-1, "digest").epoch(), "a job's first epoch runs while another job runs");
                assertNull(client.next(0, "digest"), "after an epoch, another job gets the slot");
                server.otherJob(12, false);
                CompletableFuture<AveragingServer.Start> next = CompletableFuture.supplyAsync(() -> client.next(0, "digest"));
                try (TensorScope scope = TensorScope.open()) {
                    server.publish(1, 0, "digest", Blocks.of(List.of(K.constant(A, 5)), 1));
                }
                assertEquals(1, next.join().epoch(), "the task waited for the driver's next epoch");
            }
            return null;
        });
    }

    @Test
    @Timeout(60)
    void aTaskOfAStageOfAnotherNumberOfPartitionsIsRefusedNamingBoth() {
        K.withFloatx("float64", () -> {
            try (AveragingServer server = started("30s")) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> AveragingServer.Client.connect(server.address(), 7, 0, 0, 3));
                assertTrue(e.getMessage().contains("a task of a stage of 3 partitions cannot join a fit on 2"), e.getMessage());
            }
            return null;
        });
    }

    @Test
    @Timeout(60)
    void aTaskLeavingMidRoundFailsTheOthersRoundNamingIt() {
        K.withFloatx("float64", () -> {
            try (AveragingServer server = started("30s")) {
                CompletableFuture<Sums> waiting = task(server, 0, 0, AveragingServerTest::result);
                AveragingServer.Client.connect(server.address(), 7, 0, 1, 2).close();
                IllegalStateException e = failure(waiting);
                assertTrue(e.getMessage().contains("partition 0") && e.getMessage().contains("task of partition 1 left in round 0"),
                        e.getMessage());
            }
            return null;
        });
    }

    @Test
    @Timeout(60)
    void aNewStageAttemptEndsTheOldOnesRoundAndRunsItsOwn() {
        K.withFloatx("float64", () -> {
            Sums mine = result();
            try (AveragingServer server = started("30s");
                 AveragingServer.Client old0 = AveragingServer.Client.connect(server.address(), 7, 0, 0, 2);
                 AveragingServer.Client old1 = AveragingServer.Client.connect(server.address(), 7, 0, 1, 2)) {
                CompletableFuture<Sums> round0 = CompletableFuture.supplyAsync(() -> old0.exchange(mine));
                old1.exchange(mine);
                round0.join();
                CompletableFuture<Sums> stuck = CompletableFuture.supplyAsync(() -> old0.exchange(mine));
                CompletableFuture<Sums> first = task(server, 1, 0, () -> mine);
                CompletableFuture<Sums> second = task(server, 1, 1, () -> mine);
                IllegalStateException e = failure(stuck);
                assertTrue(e.getMessage().contains("round 1") && e.getMessage().contains("stage 7 attempt 1 replaced stage 7 attempt 0"),
                        e.getMessage());
                assertEquals(2, first.join().samples());
                assertEquals(2, second.join().samples());
            }
            return null;
        });
    }

    @Test
    @Timeout(60)
    void aTaskWhosePeerNeverSendsFailsAfterTheTimeoutNamingItsPartition() {
        K.withFloatx("float64", () -> {
            try (AveragingServer server = started("300ms")) {
                IllegalStateException e = failure(task(server, 0, 0, AveragingServerTest::result));
                assertTrue(e.getMessage().contains("partition 0") && e.getMessage().contains("waited more than 300 ms"), e.getMessage());
            }
            return null;
        });
    }

    @Test
    @Timeout(60)
    void aRoundOfValuesShapedUnlikeThePublishedStateFailsTheGroupNamingTheLengths() {
        K.withFloatx("float32", () -> {
            try (TensorScope scope = TensorScope.open(); AveragingServer server = started("30s")) {
                CompletableFuture<Sums> waiting = task(server, 0, 0, AveragingServerTest::result);
                failure(task(server, 0, 1, () -> Sums.of(List.of(K.constant(new double[] {1, 2, 3}, 3)), new double[] {0.5}, 1, 1)));
                IllegalStateException e = failure(waiting);
                assertTrue(e.getMessage().contains("task of partition 1 left in round 0")
                        && e.getMessage().contains("Block 0 has 3 values where 5 were expected"), e.getMessage());
            }
            return null;
        });
    }

    /** A server for two partitions whose published state, one block of five values, is what the tasks' rounds carry. */
    private static AveragingServer started(String timeout) {
        AveragingServer server = AveragingServer.start(conf(timeout), 2);
        try (TensorScope scope = TensorScope.open()) {
            server.publish(0, 0, "digest", Blocks.of(List.of(K.constant(A, 5)), 1));
        }
        return server;
    }

    private static Sums result() {
        try (TensorScope scope = TensorScope.open()) {
            return Sums.of(List.of(K.constant(A, 5)), new double[] {0.5}, 1, 1);
        }
    }

    /** The task of {@code partition} of two in stage 7's {@code attempt}: one round with {@code mine}, then done. */
    private static CompletableFuture<Sums> task(AveragingServer server, int attempt, int partition, Supplier<Sums> mine) {
        Sums result = mine.get();
        return CompletableFuture.supplyAsync(() -> {
            try (AveragingServer.Client client = AveragingServer.Client.connect(server.address(), 7, attempt, partition, 2)) {
                Sums sum = client.exchange(result);
                client.done();
                return sum;
            }
        });
    }

    private static IllegalStateException failure(CompletableFuture<Sums> task) {
        CompletionException e = assertThrows(CompletionException.class, task::join);
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        return (IllegalStateException) e.getCause();
    }
}
