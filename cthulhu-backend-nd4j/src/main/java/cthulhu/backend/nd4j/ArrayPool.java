package cthulhu.backend.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

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
 * of the least recently used shapes are freed first. A capacity of 0 turns the cache off: every
 * array is allocated and freed at once. Only arrays that {@link #take} made are cached: results
 * that ND4J allocates itself (a cast, a copy) are freed on release, so that the cache never fills
 * with shapes nobody asks for. Thread-safe.
 */
final class ArrayPool implements AutoCloseable {

    private final long capacityBytes;
    /** Free arrays by type and shape, the least recently used shape first. */
    private final LinkedHashMap<Key, ArrayDeque<INDArray>> free = new LinkedHashMap<>(64, 0.75f, true);
    /** The arrays {@link #take} made that are not freed yet, in use or cached. */
    private final Set<INDArray> made = Collections.newSetFromMap(new IdentityHashMap<>());
    private long cachedBytes;
    private boolean closed;

    ArrayPool(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("The ND4J array cache capacity must be at least 0 bytes, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /**
     * A dense row-major array of this type and shape with unspecified contents: a cached one when
     * there is one, else a new one. The caller owns it and returns it with {@link #release}.
     */
    INDArray take(DataType type, long[] shape) {
        if (capacityBytes > 0) {
            synchronized (this) {
                ArrayDeque<INDArray> arrays = free.get(new Key(type, shape));
                INDArray cached = arrays == null ? null : arrays.pollFirst();
                if (cached != null) {
                    cachedBytes -= bytes(cached);
                    return cached;
                }
            }
        }
        INDArray fresh = Nd4j.createUninitialized(type, shape);
        if (capacityBytes > 0) {
            synchronized (this) {
                made.add(fresh);
            }
        }
        return fresh;
    }

    /**
     * Gives back an array nobody uses any more: cached if {@link #take} made it and it fits, else
     * freed. Arrays of the least recently used shapes are freed to make room.
     */
    void release(INDArray array) {
        if (array.isEmpty()) {
            return;
        }
        long bytes = bytes(array);
        List<INDArray> evicted = new ArrayList<>();
        synchronized (this) {
            if (!made.contains(array) || closed || bytes > capacityBytes) {
                made.remove(array);
                evicted.add(array);
            } else {
                free.computeIfAbsent(new Key(array.dataType(), array.shape()), k -> new ArrayDeque<>()).addFirst(array);
                cachedBytes += bytes;
                Iterator<ArrayDeque<INDArray>> eldest = free.values().iterator();
                while (cachedBytes > capacityBytes) {
                    ArrayDeque<INDArray> arrays = eldest.next();
                    while (!arrays.isEmpty() && cachedBytes > capacityBytes) {
                        INDArray victim = arrays.pollLast();
                        cachedBytes -= bytes(victim);
                        made.remove(victim);
                        evicted.add(victim);
                    }
                    if (arrays.isEmpty()) {
                        eldest.remove();
                    }
                }
            }
        }
        evicted.forEach(INDArray::close);
    }

    /** The bytes of native memory held by cached arrays. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Frees every cached array; arrays released later are freed at once. Idempotent. */
    @Override
    public void close() {
        List<INDArray> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            free.values().forEach(all::addAll);
            free.clear();
            all.forEach(made::remove);
            cachedBytes = 0;
        }
        all.forEach(INDArray::close);
    }

    static long bytes(INDArray array) {
        return array.isEmpty() ? 0 : array.data().length() * array.data().getElementSize();
    }

    /** A type and a shape; the shape is copied so that a caller's array may change afterwards. */
    private record Key(DataType type, long[] shape) {

        Key {
            shape = shape.clone();
        }

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
