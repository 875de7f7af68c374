package cthulhu.backend.nd4j;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ND4J backend's cache of released arrays: reuse by type and shape, its bound, and what it never keeps. */
class ArrayPoolTest {

    private static final long[] TWO_BY_THREE = {2, 3};

    @Test
    void aReleasedArrayIsReusedForTheSameTypeAndShapeOnly() {
        try (ArrayPool pool = new ArrayPool(1 << 20)) {
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
        try (ArrayPool pool = new ArrayPool(1 << 20)) {
            INDArray foreign = Nd4j.create(DataType.FLOAT, TWO_BY_THREE);
            pool.release(foreign);
            assertTrue(foreign.wasClosed());
            assertEquals(0, pool.cachedBytes());
        }
    }

    @Test
    void beyondItsCapacityTheLeastRecentlyUsedShapeIsFreedFirst() {
        // Room for two 2 × 3 float arrays (24 bytes each).
        try (ArrayPool pool = new ArrayPool(48)) {
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
        try (ArrayPool pool = new ArrayPool(0)) {
            INDArray a = pool.take(DataType.FLOAT, TWO_BY_THREE);
            pool.release(a);
            assertTrue(a.wasClosed());
            assertEquals(0, pool.cachedBytes());
        }
    }

    @Test
    void closingFreesTheCachedArraysAndEveryLaterRelease() {
        ArrayPool pool = new ArrayPool(1 << 20);
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
    void aNegativeCapacityIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ArrayPool(-1));
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
