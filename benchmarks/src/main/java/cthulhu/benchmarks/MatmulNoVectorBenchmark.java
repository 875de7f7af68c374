package cthulhu.benchmarks;

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

    private DotOperands operands;

    @Setup
    public void setUp() {
        if (ModuleLayer.boot().findModule(Bench.VECTOR_MODULE).isPresent()) {
            throw new IllegalStateException("This fork must run without " + Bench.VECTOR_MODULE
                    + ", but the module is loaded; run the benchmark without JMH's -jvmArgs option");
        }
        operands = new DotOperands(Bench.backend("pure"), shape);
    }

    @TearDown
    public void tearDown() {
        operands.close();
    }

    @Benchmark
    public long pureDot() {
        return operands.dot();
    }
}
