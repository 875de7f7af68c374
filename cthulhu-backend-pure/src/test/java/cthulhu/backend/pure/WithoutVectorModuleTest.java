package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.DType;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.Tensor;
import cthulhu.backend.UnaryOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the backend in a child JVM started without {@code --add-modules jdk.incubator.vector}:
 * it must load, report the vector path disabled, and compute through the plain kernels.
 */
class WithoutVectorModuleTest {

    @Test
    void backendRunsWithoutTheVectorModule() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WithoutVectorModuleTest.class.getName())
                .redirectErrorStream(true)
                .start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("plain kernels agree"), output);
    }

    /**
     * The child JVM: checks that the vector path is off and that matmul, unary maps, broadcasting
     * and reductions give the naive results; exits non-zero with a message otherwise.
     */
    public static void main(String[] args) {
        if (VectorSupport.ENABLED) {
            fail("the vector path is enabled without the module");
        }
        PureBackend backend = new PureBackend();
        backend.checkAvailable();
        Random random = new Random(5);
        int m = 70;
        int k = 90;
        int n = 50;
        double[] a = MatmulTest.randoms(random, m * k);
        double[] b = MatmulTest.randoms(random, k * n);
        double[] c = backend.matmul(backend.fromArray(a, new int[] {m, k}, DType.FLOAT64),
                backend.fromArray(b, new int[] {k, n}, DType.FLOAT64), false, false).toDoubleArray();
        double[] expected = MatmulTest.naive(a, b, m, n, k, false, false);
        for (int i = 0; i < c.length; i++) {
            check(expected[i], c[i], 1e-12, "matmul");
        }
        Tensor x = backend.fromArray(new double[] {-2, 0, 3}, new int[] {3}, DType.FLOAT32);
        double[] tanh = backend.unary(UnaryOp.TANH, x).toDoubleArray();
        double[] sigmoid = backend.unary(UnaryOp.SIGMOID, x).toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double v = new double[] {-2, 0, 3}[i];
            check(Math.tanh(v), tanh[i], 1e-7, "tanh");
            check(1 / (1 + Math.exp(-v)), sigmoid[i], 1e-7, "sigmoid");
        }
        Tensor grid = backend.fromArray(new double[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3}, DType.FLOAT32);
        double[] sum = backend.binary(BinaryOp.ADD, grid, x).toDoubleArray();
        double[] expectedSum = {-1, 2, 6, 2, 5, 9};
        for (int i = 0; i < 6; i++) {
            check(expectedSum[i], sum[i], 0, "broadcast add");
        }
        double[] colSums = backend.reduce(ReduceOp.SUM, grid, 0, false).toDoubleArray();
        List<Double> expectedCols = List.of(5.0, 7.0, 9.0);
        for (int i = 0; i < 3; i++) {
            check(expectedCols.get(i), colSums[i], 0, "column sum");
        }
        System.out.println("plain kernels agree");
    }

    private static void check(double expected, double actual, double tolerance, String what) {
        if (!(Math.abs(expected - actual) <= tolerance)) {
            fail(what + ": expected " + expected + ", got " + actual);
        }
    }

    private static void fail(String message) {
        System.out.println(message);
        System.exit(1);
    }
}
