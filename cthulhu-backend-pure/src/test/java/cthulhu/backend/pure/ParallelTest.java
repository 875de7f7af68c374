package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** How {@link Parallel#forChunks} shares its pieces between the calling thread and the backend's pool. */
class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        int n = 1_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        Parallel.forChunks(n, 7, (from, to) -> {
            for (int i = from; i < to; i++) {
                runs.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, runs.get(i), "index " + i);
        }
    }

    @Test
    void theCallerRunsThePiecesNoWorkerStarted() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch workerBusy = new CountDownLatch(1);
        // Another caller's pieces block, on its own thread and on a pool worker, until released.
        Thread other = new Thread(() -> Parallel.forChunks(2, 2, (from, to) -> {
            if (Thread.currentThread().getName().startsWith("cthulhu-pure-")) {
                workerBusy.countDown();
            }
            awaitQuietly(release);
        }));
        other.start();
        try {
            assertTrue(workerBusy.await(10, TimeUnit.SECONDS), "a pool worker takes one of the other caller's pieces");
            int n = 64;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            // Waiting for a busy worker to start a piece would never end before the release below.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Parallel.forChunks(n, 4, (from, to) -> {
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            }));
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "index " + i);
            }
        } finally {
            release.countDown();
            other.join(10_000);
        }
    }

    @Test
    void aFailingPieceFailsTheCallWithItsException() {
        IllegalStateException thrown = new IllegalStateException("piece failed");
        IllegalStateException caught = assertThrows(IllegalStateException.class, () -> Parallel.forChunks(8, 8, (from, to) -> {
            if (from == 5) {
                throw thrown;
            }
        }));
        assertSame(thrown, caught);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
