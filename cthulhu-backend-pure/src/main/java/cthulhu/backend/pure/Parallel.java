package cthulhu.backend.pure;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits a loop over {@code [0, n)} across the cores, but only when the work is large enough
 * to repay the hand-off; small tensors run on the calling thread with no overhead.
 */
final class Parallel {

    /** Element count below which an element-wise loop or reduction stays on one thread. */
    static final int ELEMENT_THRESHOLD = 1 << 16;

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Parallel() {
    }

    /** A loop body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** The number of threads work is split over. */
    static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into one contiguous chunk per core when
     * {@code work} (an estimate in element operations) reaches {@link #ELEMENT_THRESHOLD}.
     */
    static void forRange(int n, long work, RangeBody body) {
        forChunks(n, work < ELEMENT_THRESHOLD ? 1 : THREADS, body);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into {@code chunks} contiguous pieces, the
     * first on the calling thread and the rest in the common fork-join pool.
     */
    static void forChunks(int n, int chunks, RangeBody body) {
        if (chunks <= 1 || n <= 1) {
            body.run(0, n);
            return;
        }
        chunks = Math.min(chunks, n);
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = bound(n, chunks, c);
            int to = bound(n, chunks, c + 1);
            tasks[c - 1] = ForkJoinPool.commonPool().submit(() -> body.run(from, to), null);
        }
        body.run(0, bound(n, chunks, 1));
        for (ForkJoinTask<?> task : tasks) {
            task.join();
        }
    }

    private static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }
}
