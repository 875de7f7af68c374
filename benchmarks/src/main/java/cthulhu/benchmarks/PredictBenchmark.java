package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.Tensor;
import cthulhu.models.Sequential;
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
 * The serving path: {@code model.predict(x)} of a {@link ServingMlp} for one sample and for 32,
 * per backend, the output closed after each call as a service would once it has answered.
 * {@link PredictBaselineBenchmark} runs the same forward pass written directly in each library.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class PredictBenchmark {

    @Param({"pure", "nd4j", "djl"})
    public String backend;

    @Param({"64-64-10", "784-512-512-10"})
    public String mlp;

    @Param({"1", "32"})
    public int batch;

    private Backend b;
    private Sequential model;
    private Tensor x;

    @Setup
    public void setUp() {
        b = Bench.backend(backend);
        ServingMlp spec = new ServingMlp(mlp);
        model = spec.cthulhu(b);
        x = spec.input(b, batch);
    }

    @TearDown
    public void tearDown() {
        x.close();
        model.close();
    }

    @Benchmark
    public int predict() {
        return Bench.on(b, () -> {
            try (Tensor y = model.predict(x)) {
                return y.dim(0);
            }
        });
    }
}
