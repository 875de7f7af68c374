package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
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
 * The raw calls {@link DispatchBenchmark} is measured against, on the same sizes: a Java loop
 * into a preallocated {@code float[]}, ND4J's tanh op into a preallocated output (no
 * allocation), and DJL's {@code x.tanh()} (a new native array, closed after the call, as the
 * DJL API requires).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class DispatchBaselineBenchmark {

    /** Java arrays: input and a preallocated output. */
    @State(Scope.Thread)
    public static class Arrays {
        @Param({"1", "1000"})
        public int size;
        float[] in;
        float[] out;

        @Setup
        public void setUp() {
            in = Bench.uniform(size, -2, 2, 2);
            out = new float[size];
        }
    }

    /** ND4J input and preallocated output. */
    @State(Scope.Thread)
    public static class Nd4jArrays {
        @Param({"1", "1000"})
        public int size;
        INDArray in;
        INDArray out;

        @Setup
        public void setUp() {
            in = Nd4j.create(Bench.uniform(size, -2, 2, 2), new long[] {size}, 'c');
            out = Nd4j.create(in.dataType(), size);
        }

        @TearDown
        public void tearDown() {
            in.close();
            out.close();
        }
    }

    /** A DJL/PyTorch input owned by a base manager. */
    @State(Scope.Thread)
    public static class DjlArrays {
        @Param({"1", "1000"})
        public int size;
        NDManager manager;
        NDArray in;

        @Setup
        public void setUp() {
            manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            in = manager.create(Bench.uniform(size, -2, 2, 2), new Shape(size));
        }

        @TearDown
        public void tearDown() {
            manager.close();
        }
    }

    @Benchmark
    public float[] javaTanh(Arrays a) {
        float[] in = a.in;
        float[] out = a.out;
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) Math.tanh(in[i]);
        }
        return out;
    }

    @Benchmark
    public INDArray nd4jTanh(Nd4jArrays a) {
        return Nd4j.getExecutioner().exec(new Tanh(a.in, a.out));
    }

    @Benchmark
    public long djlTanh(DjlArrays a) {
        try (NDArray y = a.in.tanh()) {
            return y.size();
        }
    }
}
