package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The libraries' own matrix products on the shapes of {@link MatmulBenchmark}: ND4J's
 * {@code Nd4j.gemm} into a preallocated output (BLAS sgemm, no allocation), ND4J's {@code mmul}
 * (a new array, closed after the call) and DJL's {@code matMul} (likewise).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class MatmulBaselineBenchmark {

    /** ND4J operands and a preallocated output. */
    @State(Scope.Thread)
    public static class Nd4jOperands {
        @Param({"1024x1024x1024", "128x784x512"})
        public String shape;
        INDArray left;
        INDArray right;
        INDArray out;

        @Setup
        public void setUp() {
            MatmulShape s = MatmulShape.parse(shape);
            left = Nd4j.create(s.left(3), new long[] {s.m(), s.k()}, 'c');
            right = Nd4j.create(s.right(4), new long[] {s.k(), s.n()}, 'c');
            out = Nd4j.create(left.dataType(), new long[] {s.m(), s.n()}, 'f');
        }

        @TearDown
        public void tearDown() {
            left.close();
            right.close();
            out.close();
        }
    }

    /** DJL/PyTorch operands owned by a base manager. */
    @State(Scope.Thread)
    public static class DjlOperands {
        @Param({"1024x1024x1024", "128x784x512"})
        public String shape;
        NDManager manager;
        NDArray left;
        NDArray right;

        @Setup
        public void setUp() {
            MatmulShape s = MatmulShape.parse(shape);
            manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            left = manager.create(s.left(3), new Shape(s.m(), s.k()));
            right = manager.create(s.right(4), new Shape(s.k(), s.n()));
        }

        @TearDown
        public void tearDown() {
            manager.close();
        }
    }

    /** {@code out = left · right} by BLAS into the preallocated output. */
    @Benchmark
    public INDArray nd4jGemm(Nd4jOperands o) {
        return Nd4j.gemm(o.left, o.right, o.out, false, false, 1.0, 0.0);
    }

    @Benchmark
    public long nd4jMmul(Nd4jOperands o) {
        INDArray y = o.left.mmul(o.right);
        long n = y.length();
        y.close();
        return n;
    }

    @Benchmark
    public long djlMatMul(DjlOperands o) {
        try (NDArray y = o.left.matMul(o.right)) {
            return y.size();
        }
    }
}
