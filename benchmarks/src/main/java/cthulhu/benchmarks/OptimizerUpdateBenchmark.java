package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.optimizers.Adam;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The optimizer's share of an MLP step on its own: one Keras 2.2.4 Adam update
 * ({@code applyGradients}, the fused {@code K.mapElements} pass) of the float32 weights of the
 * 784-512-512-10 MLP of {@link MlpBenchmark} (669,706 parameters in six variables), per backend.
 * Steps/s; the new weights and moments replace the old ones, which their variables release.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class OptimizerUpdateBenchmark {

    private static final int[][] SHAPES = {{784, 512}, {512}, {512, 512}, {512}, {512, 10}, {10}};

    @Param({"pure", "nd4j", "djl"})
    public String backend;

    private Backend b;
    private final List<Variable> params = new ArrayList<>();
    private final List<Tensor> grads = new ArrayList<>();
    private Adam adam;

    @Setup
    public void setUp() {
        b = Bench.backend(backend);
        int seed = 1;
        for (int[] shape : SHAPES) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            Tensor value = Bench.tensor(b, Bench.uniform(n, -0.1f, 0.1f, seed++), shape);
            params.add(Bench.on(b, () -> new Variable("w" + params.size(), value, true)));
            grads.add(Bench.tensor(b, Bench.uniform(n, -0.01f, 0.01f, seed++), shape));
        }
        adam = Bench.on(b, () -> new Adam(0.001));
    }

    @TearDown
    public void tearDown() {
        adam.close();
        params.forEach(Variable::close);
        grads.forEach(Tensor::close);
    }

    /** One Adam step over every variable. */
    @Benchmark
    public long update() {
        return Bench.on(b, () -> {
            try (TensorScope scope = TensorScope.open()) {
                adam.applyGradients(params, grads);
                return adam.iterations();
            }
        });
    }
}
