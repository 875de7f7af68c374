package cthulhu.backend.pure;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Splits a loop over {@code [0, n)} across the cores, but only when the work is large enough
 * to repay the hand-off; small tensors run on the calling thread with no overhead.
 *
 * <p>The pieces run in a pool of this backend's own rather than the common fork-join pool: the
 * common pool's workers drop their thread-local values between bursts of work, and the matrix
 * product keeps its packing buffers (hundreds of kilobytes per thread) in thread-locals, which
 * were then allocated again call after call.
 */
final class Parallel {

    /** Element count below which an element-wise loop or reduction stays on one thread. */
    static final int ELEMENT_THRESHOLD = 1 << 16;

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** The workers besides the calling thread; daemon threads, which keep their thread-locals. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS - 1), pool -> {
        ForkJoinWorkerThread worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        worker.setName("cthulhu-pure-" + worker.getPoolIndex());
        worker.setDaemon(true);
        return worker;
    }, null, false);

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
     * Runs {@code body} over {@code [0, n)} split into {@code chunks} contiguous pieces, taken
     * in turn by the calling thread and by the pool's workers. The caller never waits for a piece
     * that no worker has started: when the workers are busy (with other callers' pieces, as when
     * several threads predict or several Spark tasks train at once), it runs the remaining pieces
     * itself, and it waits only for pieces already running.
     *
     * @throws RuntimeException or {@link Error} as the first piece that failed threw it
     */
    static void forChunks(int n, int chunks, RangeBody body) {
        if (chunks <= 1 || n <= 1) {
            body.run(0, n);
            return;
        }
        Pieces pieces = new Pieces(n, Math.min(chunks, n), body);
        for (int c = 1; c < pieces.chunks; c++) {
            POOL.execute(pieces::take);
        }
        pieces.take();
        pieces.await();
    }

    /** The pieces of one {@link #forChunks} call: which is next, how many are unfinished, the first failure. */
    private static final class Pieces {
        private final int n;
        private final int chunks;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch unfinished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Pieces(int n, int chunks, RangeBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.unfinished = new CountDownLatch(chunks);
        }

        /** Runs pieces until none is left to start. */
        void take() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.run(bound(n, chunks, c), bound(n, chunks, c + 1));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    unfinished.countDown();
                }
            }
        }

        /** Waits for the pieces others are running, then rethrows the first failure. */
        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    unfinished.await();
                    break;
                } catch (InterruptedException e) {
                    // The pieces must finish before their shared output is read; the interrupt is kept for the caller.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    private static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }
}
