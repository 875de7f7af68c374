package cthulhu.backend.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cache of released native arrays, reused for new results of the same type and shape.
 *
 * <p>Allocating an ND4J array costs about 7–10 µs whatever its size (native allocation, a
 * deallocator registered with ND4J's reference queue, shape information), and a fresh buffer of
 * megabytes is paged in again on first touch; writing into an array that already exists costs
 * nothing of the kind. A training step makes the same shapes every time, so from the second step
 * on nearly every result of an operation is written into an array released by the step before —
 * what a caching allocator does for PyTorch.
 *
 * <p>The cache holds at most {@code capacityBytes}; when a released array would exceed it, arrays
 * of the least recently used shapes of its stripe (below) are freed first. A capacity of 0 turns
 * the cache off: every array is allocated and freed at once. Only arrays that {@link #take} made are cached: results
 * that ND4J allocates itself (a cast, a copy) are freed on release, so that the cache never fills
 * with shapes nobody asks for. Thread-safe.
 *
 * <p>The cache is striped by thread: each stripe has its own lock and LRU order, and a thread takes
 * arrays from its own stripe, so threads sharing a model do not queue on one lock at every
 * operation. The capacity is one budget for all stripes, not a share each, so that one thread
 * alone (a training loop) may still cache up to all of it; a stripe over the budget frees its own
 * arrays, which keeps the other stripes' locks out of the common path. An array goes back to the
 * stripe that made it whichever thread releases it (a concurrent map from each array the cache
 * made to its stripe tells which), so it is cached or freed once and nothing keeps a reference to
 * it after.
 */
final class ArrayPool implements AutoCloseable {

    /**
     * The number of stripes the backend's cache has. Threads serving one model take and release
     * an array at every operation, and with one lock for the whole cache they queue on it (8
     * threads on 2 cores were blocked on it for longer than they ran); threads take stripes in
     * turn, so up to this many threads each have one to themselves.
     */
    static final int STRIPES = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    private static final AtomicInteger NEXT_STRIPE = new AtomicInteger();
    private static final ThreadLocal<Integer> STRIPE = ThreadLocal.withInitial(NEXT_STRIPE::getAndIncrement);

    private final long capacityBytes;
    /** The bytes cached by all stripes together. */
    private final AtomicLong cachedBytes = new AtomicLong();
    /** The stripe of each array {@link #take} made that is not freed yet, in use or cached. */
    private final ConcurrentHashMap<Made, Stripe> made = new ConcurrentHashMap<>();
    private final Stripe[] stripes;

    /** A cache of at most {@code capacityBytes} over all its {@code stripes} stripes. */
    ArrayPool(long capacityBytes, int stripes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("The ND4J array cache capacity must be at least 0 bytes, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new Stripe();
        }
    }

    /**
     * A dense row-major array of this type and shape with unspecified contents: one cached by the
     * calling thread's stripe when there is one, else a new one. The caller owns it and returns it
     * with {@link #release}, from any thread.
     */
    INDArray take(DataType type, long[] shape) {
        return stripes[Math.floorMod(STRIPE.get(), stripes.length)].take(type, shape);
    }

    /**
     * Gives back an array nobody uses any more, from any thread: to the stripe that made it, which
     * caches it if it fits, else frees it; an array {@link #take} did not make is freed.
     */
    void release(INDArray array) {
        if (array.isEmpty()) {
            return;
        }
        Stripe owner = made.get(new Made(array));
        if (owner == null) {
            array.close();
        } else {
            owner.release(array);
        }
    }

    /** The bytes of native memory held by cached arrays, over all stripes. */
    long cachedBytes() {
        return cachedBytes.get();
    }

    /** Frees every cached array; arrays released later are freed at once. Idempotent. */
    @Override
    public void close() {
        for (Stripe stripe : stripes) {
            stripe.close();
        }
    }

    /** One stripe: cached arrays under their own lock, in their own LRU order. */
    private final class Stripe {

        /** Free arrays by type and shape, the least recently used shape first. */
        private final LinkedHashMap<Key, ArrayDeque<INDArray>> free = new LinkedHashMap<>(64, 0.75f, true);
        private boolean closed;

        INDArray take(DataType type, long[] shape) {
            if (capacityBytes > 0) {
                synchronized (this) {
                    ArrayDeque<INDArray> arrays = free.get(new Key(type, shape));
                    INDArray cached = arrays == null ? null : arrays.pollFirst();
                    if (cached != null) {
                        cachedBytes.addAndGet(-bytes(cached));
                        return cached;
                    }
                }
            }
            INDArray fresh = Nd4j.createUninitialized(type, shape);
            if (capacityBytes > 0) {
                made.put(new Made(fresh), this);
            }
            return fresh;
        }

        /**
         * Caches or frees an array this stripe made, freeing arrays of its least recently used
         * shapes while the cache is over capacity (the released array last, when this stripe holds
         * nothing else).
         */
        void release(INDArray array) {
            long bytes = bytes(array);
            // Made only when something is freed: threads serving a model release arrays at every
            // operation, and nearly all of them stay cached.
            List<INDArray> evicted = null;
            synchronized (this) {
                if (closed || bytes > capacityBytes) {
                    made.remove(new Made(array));
                    evicted = List.of(array);
                } else {
                    long[] shape = array.shape();
                    ArrayDeque<INDArray> same = free.get(new Key(array.dataType(), shape));
                    if (same == null) {
                        same = new ArrayDeque<>();
                        free.put(new Key(array.dataType(), shape.clone()), same);
                    }
                    same.addFirst(array);
                    long total = cachedBytes.addAndGet(bytes);
                    Iterator<ArrayDeque<INDArray>> eldest = total > capacityBytes ? free.values().iterator() : null;
                    while (total > capacityBytes && eldest.hasNext()) {
                        if (evicted == null) {
                            evicted = new ArrayList<>();
                        }
                        ArrayDeque<INDArray> arrays = eldest.next();
                        while (!arrays.isEmpty() && total > capacityBytes) {
                            INDArray victim = arrays.pollLast();
                            total = cachedBytes.addAndGet(-bytes(victim));
                            made.remove(new Made(victim));
                            evicted.add(victim);
                        }
                        if (arrays.isEmpty()) {
                            eldest.remove();
                        }
                    }
                }
            }
            if (evicted != null) {
                evicted.forEach(INDArray::close);
            }
        }

        void close() {
            List<INDArray> all = new ArrayList<>();
            synchronized (this) {
                closed = true;
                free.values().forEach(all::addAll);
                free.clear();
                for (INDArray array : all) {
                    made.remove(new Made(array));
                    cachedBytes.addAndGet(-bytes(array));
                }
            }
            all.forEach(INDArray::close);
        }
    }

    static long bytes(INDArray array) {
        return array.isEmpty() ? 0 : array.data().length() * array.data().getElementSize();
    }

    /** An array as a key by identity: {@link INDArray#equals} compares contents. */
    private record Made(INDArray array) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Made m && m.array == array;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(array);
        }
    }

    /**
     * A type and a shape. A key that goes into the map holds a copy of the shape, so that a
     * caller's array may change afterwards; a key only looked up holds the caller's array, not
     * copied, as every operation looks one up.
     */
    private record Key(DataType type, long[] shape) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return 31 * type.hashCode() + Arrays.hashCode(shape);
        }
    }
}
