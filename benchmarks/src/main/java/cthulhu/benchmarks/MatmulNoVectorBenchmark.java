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
 * The pure backend's {@code K.dot} of {@link MatmulBenchmark}, in a fork whose JVM arguments
 * replace the inherited ones and so leave out {@code --add-modules jdk.incubator.vector}: the
 * scalar fallback a user gets without the flag. Setup fails if the vector module is present
 * after all, so the number cannot silently measure the vector kernel.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {Bench.HEAP})
public class MatmulNoVectorBenchmark {

    @Param({"1024x1024x1024"})
    public String shape;

    private Backend b;
    private Tensor left;
    private Tensor right;

    @Setup
    public void setUp() {
        if (ModuleLayer.boot().findModule(Bench.VECTOR_MODULE).isPresent()) {
            throw new IllegalStateException("This fork must run without " + Bench.VECTOR_MODULE
                    + ", but the module is loaded; run the benchmark without JMH's -jvmArgs option");
        }
        MatmulShape s = MatmulShape.parse(shape);
        b = Bench.backend("pure");
        left = Bench.tensor(b, s.left(3), s.m(), s.k());
        right = Bench.tensor(b, s.right(4), s.k(), s.n());
    }

    @TearDown
    public void tearDown() {
        left.close();
        right.close();
    }

    @Benchmark
    public long pureDot() {
        return Bench.on(b, () -> {
            try (TensorScope scope = TensorScope.open()) {
                return K.dot(left, right).size();
            }
        });
    }
}
