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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parameter averaging server's protocol with tasks played by threads: a task fetches the
 * epoch's starting state and hands its final state in, bit for bit; each task of a round
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
    void aTaskFetchesThePublishedStateAndTheDriverTakesTheStateItHandsInBitForBit() {
        for (String floatx : List.of("float32", "float64")) {
            K.withFloatx(floatx, () -> {
                try (TensorScope scope = TensorScope.open(); AveragingServer server = AveragingServer.start(conf("30s"))) {
                    Blocks start = Blocks.of(List.of(K.constant(A, 5), K.constant(B, 5)), 1);
                    Blocks end = Blocks.of(List.of(K.constant(B, 5), K.constant(A, 5)), 1);
                    server.publish(3, start);
                    Blocks fetched = CompletableFuture.supplyAsync(() -> {
                        try (AveragingServer.Client client = AveragingServer.Client.open(server.address(), 0)) {
                            Blocks state = client.state(3);
                            client.handIn(3, 42, end);
                            client.done();
                            return state;
                        }
                    }).join();
                    Blocks taken = server.take(3, 42);
                    for (int i = 0; i < 2; i++) {
                        assertArrayEquals(start.values(i), fetched.values(i), 0, floatx);
                        assertArrayEquals(end.values(i), taken.values(i), 0, floatx);
                    }
                    IllegalStateException again = assertThrows(IllegalStateException.class, () -> server.take(3, 42));
                    assertTrue(again.getMessage().contains("Task attempt 42 of epoch 3"), again.getMessage());
                }
                return null;
            });
        }
    }

    @Test
    @Timeout(60)
    void aTaskOfAnEpochThatIsNotRunningIsRefusedNamingTheEpochs() {
        K.withFloatx("float64", () -> {
            try (TensorScope scope = TensorScope.open(); AveragingServer server = AveragingServer.start(conf("30s"));
                 AveragingServer.Client late = AveragingServer.Client.open(server.address(), 1)) {
                server.publish(3, Blocks.of(List.of(K.constant(A, 5)), 1));
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> late.state(2));
                assertTrue(e.getMessage().contains("partition 1") && e.getMessage().contains("epoch 2 is not running (epoch 3 is)"),
                        e.getMessage());
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

    /** A server whose published state, one block of five values, is what the tasks' rounds carry. */
    private static AveragingServer started(String timeout) {
        AveragingServer server = AveragingServer.start(conf(timeout));
        try (TensorScope scope = TensorScope.open()) {
            server.publish(0, Blocks.of(List.of(K.constant(A, 5)), 1));
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
