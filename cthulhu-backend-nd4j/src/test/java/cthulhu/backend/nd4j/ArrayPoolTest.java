package cthulhu.backend.nd4j;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.WeakReference;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ND4J backend's cache of released arrays: reuse by type and shape, its bound, and what it never keeps. */
class ArrayPoolTest {

    private static final long[] TWO_BY_THREE = {2, 3};

    @Test
    void aReleasedArrayIsReusedForTheSameTypeAndShapeOnly() {
        try (ArrayPool pool = new ArrayPool(1 << 20, 1)) {
            INDArray a = pool.take(DataType.FLOAT, TWO_BY_THREE);
            pool.release(a);
            assertEquals(24, pool.cachedBytes(), "six floats");

            INDArray otherShape = pool.take(DataType.FLOAT, new long[] {3, 2});
            INDArray otherType = pool.take(DataType.DOUBLE, TWO_BY_THREE);
            assertNotSame(a, otherShape);
            assertNotSame(a, otherType);
            assertSame(a, pool.take(DataType.FLOAT, TWO_BY_THREE));
            assertEquals(0, pool.cachedBytes());
            assertFalse(a.wasClosed());
            pool.release(a);
            pool.release(otherShape);
            pool.release(otherType);
            assertEquals(24 + 24 + 48, pool.cachedBytes());
        }
    }

    @Test
    void arraysTheCacheDidNotMakeAreFreedNotKept() {
        try (ArrayPool pool = new ArrayPool(1 << 20, 1)) {
            INDArray foreign = Nd4j.create(DataType.FLOAT, TWO_BY_THREE);
            pool.release(foreign);
            assertTrue(foreign.wasClosed());
            assertEquals(0, pool.cachedBytes());
        }
    }

    @Test
    void beyondItsCapacityTheLeastRecentlyUsedShapeIsFreedFirst() {
        // Room for two 2 × 3 float arrays (24 bytes each).
        try (ArrayPool pool = new ArrayPool(48, 1)) {
            INDArray old = pool.take(DataType.FLOAT, TWO_BY_THREE);
            INDArray recent = pool.take(DataType.FLOAT, new long[] {6});
            INDArray newest = pool.take(DataType.FLOAT, new long[] {3, 2});
            pool.release(old);
            pool.release(recent);
            pool.release(newest);
            assertEquals(48, pool.cachedBytes());
            assertTrue(old.wasClosed(), "the least recently used shape goes first");
            assertFalse(recent.wasClosed());
            assertFalse(newest.wasClosed());

            INDArray tooBig = pool.take(DataType.FLOAT, new long[] {100});
            pool.release(tooBig);
            assertTrue(tooBig.wasClosed(), "an array larger than the whole cache is freed");
            assertEquals(48, pool.cachedBytes());
        }
    }

    @Test
    void capacityZeroFreesEveryArrayAtOnce() {
        try (ArrayPool pool = new ArrayPool(0, 1)) {
            INDArray a = pool.take(DataType.FLOAT, TWO_BY_THREE);
            pool.release(a);
            assertTrue(a.wasClosed());
            assertEquals(0, pool.cachedBytes());
        }
    }

    @Test
    void closingFreesTheCachedArraysAndEveryLaterRelease() {
        ArrayPool pool = new ArrayPool(1 << 20, 1);
        INDArray cached = pool.take(DataType.FLOAT, TWO_BY_THREE);
        INDArray inUse = pool.take(DataType.FLOAT, TWO_BY_THREE);
        pool.release(cached);

        pool.close();

        assertTrue(cached.wasClosed());
        assertEquals(0, pool.cachedBytes());
        assertFalse(inUse.wasClosed(), "an array in use stays valid");
        pool.release(inUse);
        assertTrue(inUse.wasClosed());
        assertEquals(0, pool.cachedBytes());
    }

    @Test
    void anArrayReleasedOnAnotherThreadIsCachedOnceByTheStripeThatMadeIt() throws Exception {
        ExecutorService maker = Executors.newSingleThreadExecutor();
        ExecutorService other = Executors.newSingleThreadExecutor();
        INDArray a;
        try (ArrayPool pool = new ArrayPool(1 << 20, 4)) {
            // Threads take stripes in turn at their first take, and tests run one at a time, so these
            // two threads take consecutive stripes of the four: different ones.
            a = maker.submit(() -> pool.take(DataType.FLOAT, TWO_BY_THREE)).get();
            INDArray b = other.submit(() -> pool.take(DataType.FLOAT, TWO_BY_THREE)).get();
            other.submit(() -> pool.release(a)).get();
            maker.submit(() -> pool.release(b)).get();
            assertFalse(a.wasClosed(), "cached, not freed as an array the cache did not make");
            assertFalse(b.wasClosed());
            assertEquals(2 * 24, pool.cachedBytes(), "each cached once");

            assertSame(a, maker.submit(() -> pool.take(DataType.FLOAT, TWO_BY_THREE)).get(), "back in its maker's stripe");
            assertSame(b, other.submit(() -> pool.take(DataType.FLOAT, TWO_BY_THREE)).get());
            assertEquals(0, pool.cachedBytes());
            INDArray fresh = maker.submit(() -> pool.take(DataType.FLOAT, TWO_BY_THREE)).get();
            assertNotSame(a, fresh, "no second copy of the array in any stripe");
            assertNotSame(b, fresh);
            pool.release(a);
            pool.release(b);
            pool.release(fresh);
        } finally {
            maker.shutdown();
            other.shutdown();
        }
        assertTrue(a.wasClosed(), "closing the cache frees what any stripe holds");
    }

    @Test
    void anArrayFreedOnAnotherThreadLeavesNothingBehind() throws Exception {
        ExecutorService maker = Executors.newSingleThreadExecutor();
        ExecutorService other = Executors.newSingleThreadExecutor();
        // 16 bytes: a 2 × 3 float array (24 bytes) does not fit and is freed on release.
        try (ArrayPool pool = new ArrayPool(16, 4)) {
            INDArray[] a = {maker.submit(() -> pool.take(DataType.FLOAT, TWO_BY_THREE)).get()};
            other.submit(() -> pool.release(a[0])).get();
            assertTrue(a[0].wasClosed());
            assertEquals(0, pool.cachedBytes());

            WeakReference<INDArray> freed = new WeakReference<>(a[0]);
            a[0] = null;
            for (int i = 0; i < 10 && freed.get() != null; i++) {
                System.gc();
            }
            assertNull(freed.get(), "the cache keeps no reference to a freed array");
        } finally {
            maker.shutdown();
            other.shutdown();
        }
    }

    @Test
    void aNegativeCapacityIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ArrayPool(-1, 1));
        assertEquals("The ND4J array cache capacity must be at least 0 bytes, got -1", e.getMessage());
    }

    @Test
    void theCapacityPropertyMustBeANumberOfBytes() {
        String previous = System.getProperty(Nd4jBackend.CACHE_BYTES_PROPERTY);
        System.setProperty(Nd4jBackend.CACHE_BYTES_PROPERTY, "lots");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Nd4jBackend().checkAvailable());
            assertEquals("-Dcthulhu.nd4j.cacheBytes=lots is not a number of bytes; give a whole number ≥ 0 "
                    + "(0 turns the array cache off)", e.getMessage());
            System.setProperty(Nd4jBackend.CACHE_BYTES_PROPERTY, "-5");
            e = assertThrows(IllegalArgumentException.class, () -> new Nd4jBackend().checkAvailable());
            assertEquals("-Dcthulhu.nd4j.cacheBytes=-5 is negative; give a whole number ≥ 0 (0 turns the array cache off)",
                    e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(Nd4jBackend.CACHE_BYTES_PROPERTY);
            } else {
                System.setProperty(Nd4jBackend.CACHE_BYTES_PROPERTY, previous);
            }
        }
    }
}
