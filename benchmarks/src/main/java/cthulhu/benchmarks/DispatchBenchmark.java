package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
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
 * The fixed cost of one {@code K} call: {@code K.tanh} on 1 and on 1,000 elements, including
 * the backend override, the {@link TensorScope} that releases the result, and the result's
 * allocation. {@link DispatchBaselineBenchmark} calls the libraries directly on the same sizes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class DispatchBenchmark {

    @Param({"pure", "nd4j", "djl"})
    public String backend;

    @Param({"1", "1000"})
    public int size;

    private Backend b;
    private Tensor x;

    @Setup
    public void setUp() {
        b = Bench.backend(backend);
        x = Bench.tensor(b, Bench.uniform(size, -2, 2, 2), size);
    }

    @TearDown
    public void tearDown() {
        x.close();
    }

    @Benchmark
    public long tanh() {
        return Bench.on(b, () -> {
            try (TensorScope scope = TensorScope.open()) {
                return K.tanh(x).size();
            }
        });
    }
}
