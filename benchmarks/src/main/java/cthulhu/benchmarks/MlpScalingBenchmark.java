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
 * The cost curve of one 784-w-w-10 training step per cthulhu backend, short runs: batch
 * 32, 128, 512 and 1024 at width 512, and width 128, 512 and 2048 at batch 128. The parameter
 * {@code config} reads {@code b<batch>-w<width>}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class MlpScalingBenchmark {

    @Param({"pure", "nd4j", "djl"})
    public String impl;

    @Param({"b32-w512", "b128-w512", "b512-w512", "b1024-w512", "b128-w128", "b128-w2048"})
    public String config;

    private Trainer trainer;

    @Setup
    public void setUp() {
        trainer = MlpTrainer.create(impl, MlpSpec.mnist(width(config), batch(config), 1));
    }

    /** The batch size in a {@code b<batch>-w<width>} config. */
    static int batch(String config) {
        return part(config, 0, 'b');
    }

    /** The hidden width in a {@code b<batch>-w<width>} config. */
    static int width(String config) {
        return part(config, 1, 'w');
    }

    private static int part(String config, int index, char prefix) {
        String[] parts = config.split("-");
        if (parts.length != 2 || parts[index].isEmpty() || parts[index].charAt(0) != prefix) {
            throw new IllegalArgumentException("MLP config '" + config + "' must read b<batch>-w<width>, e.g. b128-w512");
        }
        return Integer.parseInt(parts[index].substring(1));
    }

    @TearDown
    public void tearDown() {
        trainer.close();
    }

    @Benchmark
    public float step() {
        return trainer.step(0);
    }
}
