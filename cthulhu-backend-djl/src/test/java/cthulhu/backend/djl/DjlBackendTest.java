package cthulhu.backend.djl;

import ai.djl.pytorch.jni.LibUtils;
import cthulhu.backend.Backend;
import cthulhu.backend.Backends;
import cthulhu.backend.BinaryOp;
import cthulhu.backend.DType;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is specific to the djl backend: discovery, native loading, and ownership of native arrays. */
class DjlBackendTest {

    private final DjlBackend backend = new DjlBackend();

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    @Test
    void isDiscoveredByServiceLoaderAndAvailable() {
        Backend found = Backends.discover().stream().filter(b -> b.name().equals("djl")).findFirst().orElseThrow();
        assertEquals(DjlBackend.class, found.getClass());
        assertEquals(10, found.priority());
        assertEquals("io.cthulhu:cthulhu-backend-djl", found.artifact());
        assertNull(Backends.probe(found));
    }

    @Test
    void loadsTheBundledLibtorchOfflineWithoutBeingTold() throws Exception {
        backend.checkAvailable();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
        Properties bundle = PyTorchNatives.bundle();
        // LibUtils extracts the jar's files into a cache folder named version-flavor-classifier;
        // a downloaded build would carry the download's version instead.
        assertTrue(bundle.getProperty("version").startsWith(LibUtils.getVersion() + "-"), LibUtils.getVersion());
        Path dir = Paths.get(LibUtils.getLibtorchPath());
        assertEquals(bundle.getProperty("version") + "-" + bundle.getProperty("flavor") + "-"
                + bundle.getProperty("classifier"), dir.getFileName().toString());
    }

    @Test
    void refusesAPytorchVersionThatWouldNeedADownload() {
        String old = System.getProperty("PYTORCH_VERSION");
        System.setProperty("PYTORCH_VERSION", "1.13.1");
        try (DjlBackend other = new DjlBackend()) {
            if (System.getenv("PYTORCH_VERSION") == null) {
                IllegalStateException e = assertThrows(IllegalStateException.class, other::checkAvailable);
                assertTrue(e.getMessage().contains("PYTORCH_VERSION=1.13.1"), e.getMessage());
                assertTrue(e.getMessage().contains("never downloads"), e.getMessage());
            }
        } finally {
            if (old == null) {
                System.clearProperty("PYTORCH_VERSION");
            } else {
                System.setProperty("PYTORCH_VERSION", old);
            }
        }
    }

    @Test
    void closeFreesTheArrayAtOnceAndIsIdempotent() {
        Tensor kept = backend.fromArray(new float[] {1, 2}, new int[] {2}, DType.FLOAT32);
        int before = backend.openArrays();
        Tensor t = backend.unary(UnaryOp.EXP, kept);
        assertEquals(before + 1, backend.openArrays());
        assertFalse(t.isClosed());
        t.close();
        assertTrue(t.isClosed());
        assertEquals(before, backend.openArrays());
        t.close();
        assertTrue(t.isClosed());
        assertEquals("Tensor(shape=[2], dtype=float32, backend=djl, <closed>)", t.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.unary(UnaryOp.EXP, t));
        assertTrue(e.getMessage().contains("has been closed"), e.getMessage());
        assertTrue(e.getMessage().contains("scope.keep"), e.getMessage());
        assertArrayEquals(new float[] {1, 2}, kept.toFloatArray());
    }

    @Test
    void operationsLeaveNoTemporaries() {
        Tensor x = backend.fromArray(new double[] {-2, -1e-9, 0, 1e-9, 3}, new int[] {5}, DType.FLOAT64);
        int before = backend.openArrays();
        for (UnaryOp op : UnaryOp.values()) {
            try (Tensor y = backend.unary(op, x)) {
                assertEquals(5, y.size(), op.name());
                assertEquals(before + 1, backend.openArrays(), op.name());
            }
        }
        try (Tensor y = backend.binary(BinaryOp.GREATER, x, 0.5); Tensor z = backend.take(x, new int[] {4, 0})) {
            // references: x > 0.5 is [0, 0, 0, 0, 1]; rows 4 and 0 of x are 3 and -2
            assertArrayEquals(new double[] {0, 0, 0, 0, 1}, y.toDoubleArray());
            assertArrayEquals(new double[] {3, -2}, z.toDoubleArray());
            assertEquals(before + 2, backend.openArrays());
        }
        assertEquals(before, backend.openArrays());
    }

    @Test
    void reluSendsNaNToZeroAsTheCompositeDoesAndLeavesNoTemporaries() {
        for (DType dtype : DType.values()) {
            try (Tensor x = backend.fromArray(new double[] {Double.NaN, -1, 0, 2.5, Double.NaN, -0.0}, new int[] {2, 3}, dtype);
                 Tensor clean = backend.fromArray(new double[] {-3, 4}, new int[] {2}, dtype)) {
                int before = backend.openArrays();
                // reference: where(x > 0, x, 0), the default, so NaN > 0 being false gives 0; then the clip to 2
                // (delta 0 compares values, so the −0 libtorch keeps for −0 equals the default's 0)
                try (Tensor y = backend.relu(x, 0, null, 0);
                     Tensor clipped = backend.relu(x, 0, 2.0, 0);
                     Tensor z = backend.relu(clean, 0, null, 0)) {
                    assertArrayEquals(new double[] {0, 0, 0, 2.5, 0, 0}, y.toDoubleArray(), 0, dtype.name());
                    assertArrayEquals(new double[] {0, 0, 0, 2, 0, 0}, clipped.toDoubleArray(), 0, dtype.name());
                    assertArrayEquals(new double[] {0, 4}, z.toDoubleArray(), 0, dtype.name());
                    assertEquals(before + 3, backend.openArrays(), dtype.name());
                }
            }
        }
    }

    @Test
    void reluSendsNaNToZeroInLargeTensorsToo() {
        // Small relu results are checked for NaN in Java, large ones by a libtorch sum: both sizes here.
        for (int n : new int[] {4096, 4097, 100_000}) {
            double[] values = new double[n];
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = i % 7 == 0 ? Double.NaN : i % 3 - 1.5;
                // reference: where(x > 0, x, 0), NaN > 0 being false
                expected[i] = values[i] > 0 ? values[i] : 0;
            }
            for (DType dtype : DType.values()) {
                try (Tensor x = backend.fromArray(values, new int[] {n}, dtype); Tensor y = backend.relu(x, 0, null, 0)) {
                    assertArrayEquals(expected, y.toDoubleArray(), 0, dtype.name() + " " + n);
                }
            }
        }
    }

    @Test
    void threadsShareTheManagerSafely() throws Exception {
        Tensor x = backend.fromArray(new float[] {1, 2, 3, 4}, new int[] {2, 2}, DType.FLOAT32);
        int before = backend.openArrays();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                float k = t;
                results.add(pool.submit(() -> {
                    float[] last = null;
                    for (int i = 0; i < 500; i++) {
                        try (Tensor y = backend.binary(BinaryOp.ADD, x, k);
                             Tensor z = backend.matmul(y, y, false, true)) {
                            last = z.toFloatArray();
                        }
                    }
                    return last;
                }));
            }
            for (int t = 0; t < 4; t++) {
                // reference: (x + t)(x + t)ᵀ worked out by hand for x = [[1, 2], [3, 4]]
                float a = 1 + t;
                float b = 2 + t;
                float c = 3 + t;
                float d = 4 + t;
                assertArrayEquals(new float[] {a * a + b * b, a * c + b * d, c * a + d * b, c * c + d * d},
                        results.get(t).get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(before, backend.openArrays());
    }

    @Test
    void denseReadsTensorsMadeOnAnotherThreadThroughArraysFreedWithThem() throws Exception {
        int before = backend.openArrays();
        Tensor kernel = backend.fromArray(new float[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3}, DType.FLOAT32);
        Tensor bias = backend.fromArray(new float[] {0.5f, -1, 2}, new int[] {3}, DType.FLOAT32);
        Tensor columns = backend.fromArray(new float[] {1, 3, 2, 4}, new int[] {2, 2}, DType.FLOAT32);
        // a strided view, [[1, 2], [3, 4]], so that the threads' views are of a tensor that is not contiguous
        Tensor x = backend.transpose(columns, new int[] {1, 0});
        for (float[] result : denseOnFourThreads(x, kernel, bias, 200)) {
            // reference: x · kernel + bias worked out by hand
            assertArrayEquals(new float[] {9.5f, 11, 17, 19.5f, 25, 35}, result);
        }
        x.close();
        columns.close();
        kernel.close();
        bias.close();
        assertEquals(before, backend.openArrays());
    }

    @Test
    void denseReadsALargeKernelMadeOnAnotherThreadAndLeavesNothingOpen() throws Exception {
        int before = backend.openArrays();
        int units = (int) (DjlTensor.COPIED_ELEMENTS / 2 + 1);
        float[] k = new float[2 * units];
        float[] bi = new float[units];
        for (int j = 0; j < units; j++) {
            k[j] = j % 7 - 3;
            k[units + j] = j % 5 * 0.5f;
            bi[j] = j % 3 - 1;
        }
        Tensor kernel = backend.fromArray(k, new int[] {2, units}, DType.FLOAT32);
        Tensor bias = backend.fromArray(bi, new int[] {units}, DType.FLOAT32);
        float[] xs = {1, 2, -1, 0.5f};
        Tensor x = backend.fromArray(xs, new int[] {2, 2}, DType.FLOAT32);
        // reference: x · kernel + bias as a loop; every term is a small multiple of 0.25, so exact in float32
        float[] expected = new float[2 * units];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < units; j++) {
                expected[i * units + j] = xs[2 * i] * k[j] + xs[2 * i + 1] * k[units + j] + bi[j];
            }
        }
        for (float[] result : denseOnFourThreads(x, kernel, bias, 20)) {
            assertArrayEquals(expected, result);
        }
        x.close();
        kernel.close();
        bias.close();
        assertEquals(before, backend.openArrays());
    }

    /** The last of {@code calls} results of {@code dense(x, kernel, bias)} on each of four pool threads. */
    private List<float[]> denseOnFourThreads(Tensor x, Tensor kernel, Tensor bias, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    float[] last = null;
                    for (int i = 0; i < calls; i++) {
                        try (Tensor y = backend.dense(x, kernel, bias)) {
                            last = y.toFloatArray();
                        }
                    }
                    return last;
                }));
            }
            List<float[]> results = new ArrayList<>();
            for (Future<float[]> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void viewsShareStorageButCloseIndependently() {
        Tensor x = backend.fromArray(new float[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3}, DType.FLOAT32);
        Tensor t = backend.transpose(x, new int[] {1, 0});
        Tensor r = backend.reshape(x, new int[] {3, 2});
        x.close();
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.toFloatArray());
    }

    @Test
    void backendCloseFreesEveryOpenTensorAndTheNextOperationStartsAfresh() {
        Tensor a = backend.full(new int[] {3}, 2, DType.FLOAT32);
        Tensor b = backend.binary(BinaryOp.MULTIPLY, a, a);
        assertEquals(2, backend.openArrays());
        backend.close();
        assertTrue(a.isClosed());
        assertTrue(b.isClosed());
        assertEquals(0, backend.openArrays());
        try (Tensor c = backend.full(new int[] {2}, 1.5, DType.FLOAT64)) {
            assertArrayEquals(new double[] {1.5, 1.5}, c.toDoubleArray());
            assertEquals(1, backend.openArrays());
        }
    }

    @Test
    void exposesTheNdArrayOwnedByTheTensor() {
        try (Tensor x = backend.fromArray(new double[] {1, 2, 3, 4, 5, 6}, new int[] {3, 2}, DType.FLOAT64)) {
            DjlTensor d = (DjlTensor) x;
            assertArrayEquals(new long[] {3, 2}, d.ndArray().getShape().getShape());
            assertSame(backend, x.backend());
        }
    }

    @Test
    void rejectsTensorsOfAnotherBackend() {
        try (DjlBackend other = new DjlBackend(); Tensor foreign = other.full(new int[] {1}, 1, DType.FLOAT32)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.unary(UnaryOp.ABS, foreign));
            assertTrue(e.getMessage().contains("K.convert"), e.getMessage());
        }
    }
}
