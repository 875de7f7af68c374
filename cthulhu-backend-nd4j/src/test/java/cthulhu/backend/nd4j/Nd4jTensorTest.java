package cthulhu.backend.nd4j;

import cthulhu.backend.DType;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is particular to ND4J tensors: off-heap buffers released by {@code close()} to the
 * backend's array cache, buffers shared between tensors without one close breaking another, and
 * independence from ND4J's global data type and workspaces. The values are hand-worked.
 */
class Nd4jTensorTest {

    private final Nd4jBackend backend = new Nd4jBackend();

    private Tensor iota(int... shape) {
        double[] data = new double[(int) cthulhu.backend.Shapes.size(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = i + 1;
        }
        return backend.fromArray(data, shape, DType.FLOAT32);
    }

    @Test
    void closeReleasesTheNativeBufferToTheCacheAndIsClosedReportsIt() {
        Tensor x = iota(2, 3);
        long before = Nd4jBackend.liveBytes();
        assertEquals(0, backend.cachedBytes(), "a new backend caches nothing");
        Nd4jTensor t = (Nd4jTensor) backend.unary(UnaryOp.SQUARE, x);
        assertEquals(before + 6 * 4, Nd4jBackend.liveBytes(), "a 2 × 3 float32 buffer holds 24 bytes");
        assertFalse(t.isClosed());
        var array = t.array();

        t.close();

        assertTrue(t.isClosed());
        assertTrue(t.bufferReleased());
        assertEquals(before, Nd4jBackend.liveBytes());
        assertEquals(6 * 4, backend.cachedBytes(), "the result's array went back to the cache");
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        t.close();
        assertEquals(before, Nd4jBackend.liveBytes(), "a second close() changes nothing");
        assertEquals(6 * 4, backend.cachedBytes(), "a second close() changes nothing");

        Nd4jTensor next = (Nd4jTensor) backend.unary(UnaryOp.NEGATE, x);
        assertSame(array, next.array(), "the next 2 × 3 float32 result is written into the cached array");
        assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6}, next.toFloatArray());
        assertEquals(0, backend.cachedBytes());
        next.close();
        x.close();

        backend.close();
        assertEquals(0, backend.cachedBytes());
        assertTrue(array.wasClosed(), "closing the backend frees the cached arrays");
    }

    @Test
    void reshapeSharesTheBufferAndEitherMayBeClosedFirst() {
        Tensor x = iota(2, 3);
        long live = Nd4jBackend.liveBytes();
        Nd4jTensor r = (Nd4jTensor) backend.reshape(x, new int[] {3, 2});
        assertEquals(live, Nd4jBackend.liveBytes(), "reshape copies nothing");

        x.close();
        assertFalse(r.bufferReleased());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.toFloatArray());
        assertArrayEquals(new int[] {3, 2}, r.shape());
        r.close();
        assertTrue(r.bufferReleased());

        Tensor y = iota(4);
        Tensor view = backend.reshape(y, new int[] {2, 2});
        view.close();
        assertArrayEquals(new float[] {1, 2, 3, 4}, y.toFloatArray());
        y.close();
    }

    @Test
    void sharingIdentityResultsSurviveTheOriginal() {
        Tensor x = iota(2, 2);
        Tensor cast = backend.cast(x, DType.FLOAT32);
        Tensor transposed = backend.transpose(x, new int[] {0, 1});
        Tensor broadcast = backend.broadcastTo(x, new int[] {2, 2});
        Tensor slice = backend.slice(x, 0, 0, 2);
        x.close();
        for (Tensor t : new Tensor[] {cast, transposed, broadcast, slice}) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, t.toFloatArray());
            t.close();
        }
    }

    @Test
    void transposeAndSliceOwnTheirBuffers() {
        Tensor x = iota(2, 3);
        Tensor t = backend.transpose(x, new int[] {1, 0});
        Tensor s = backend.slice(x, 1, 1, 3);
        x.close();
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toFloatArray());
        assertArrayEquals(new float[] {2, 3, 5, 6}, s.toFloatArray());
        t.close();
        s.close();
    }

    @Test
    void tensorsOfAnotherBackendAreRejected() {
        Tensor foreign = new Nd4jBackend().full(new int[] {2}, 1, DType.FLOAT32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.unary(UnaryOp.EXP, foreign));
        assertTrue(e.getMessage().contains("K.convert"), e.getMessage());
        foreign.close();
    }

    @Test
    void resultsDoNotDependOnNd4jsDefaultDataType() {
        DataType previous = Nd4j.dataType();
        DataType previousFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4jTensor x = (Nd4jTensor) backend.fromArray(new float[] {0.1f, 2}, new int[] {2}, DType.FLOAT32);
            Nd4jTensor y = (Nd4jTensor) backend.binary(cthulhu.backend.BinaryOp.GREATER, x, 1.0);
            Nd4jTensor z = (Nd4jTensor) backend.full(new int[] {2}, 0.1, DType.FLOAT32);
            assertEquals(DataType.FLOAT, x.array().dataType());
            assertEquals(DataType.FLOAT, y.array().dataType());
            assertEquals(DataType.FLOAT, z.array().dataType());
            assertArrayEquals(new float[] {0, 1}, y.toFloatArray());
            assertArrayEquals(new float[] {0.1f, 0.1f}, z.toFloatArray());
            x.close();
            y.close();
            z.close();
        } finally {
            Nd4j.setDefaultDataTypes(previous, previousFloat);
        }
    }

    @Test
    void resultsMadeInsideAnOpenWorkspaceAreDetachedAndOwned() {
        Tensor x = iota(2, 2);
        WorkspaceConfiguration config = WorkspaceConfiguration.builder()
                .initialSize(1 << 20).policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE).build();
        Nd4jTensor y;
        MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "cthulhu-nd4j-test");
        try {
            assertTrue(Nd4j.getMemoryManager().getCurrentWorkspace() == workspace, "the workspace is open");
            y = (Nd4jTensor) backend.unary(UnaryOp.SQUARE, x);
            assertFalse(y.array().isAttached(), "the result lives outside the workspace");
        } finally {
            workspace.close();
        }
        assertArrayEquals(new float[] {1, 4, 9, 16}, y.toFloatArray());
        y.close();
        assertTrue(y.bufferReleased());
        x.close();
    }
}
