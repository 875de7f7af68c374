package cthulhu.benchmarks;

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
 * {@code K.dot} of two float32 matrices, 1024³ and the first dense layer of an MNIST MLP
 * (128×784 · 784×512), one new output per call released by its {@link TensorScope}. The report
 * gives GFLOP/s, {@code 2·m·n·k} per call. {@link MatmulBaselineBenchmark} measures ND4J and DJL
 * directly; {@link MatmulNoVectorBenchmark} reruns the pure backend without the vector module.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class MatmulBenchmark {

    @Param({"pure", "nd4j", "djl"})
    public String backend;

    @Param({"1024x1024x1024", "128x784x512"})
    public String shape;

    private DotOperands operands;

    @Setup
    public void setUp() {
        operands = new DotOperands(Bench.backend(backend), shape);
    }

    @TearDown
    public void tearDown() {
        operands.close();
    }

    @Benchmark
    public long dot() {
        return operands.dot();
    }
}
