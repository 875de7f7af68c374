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
 * One training step of the small digits MLP (64-64-10, batch {@link #BATCH}, synthetic 8×8
 * inputs) per cthulhu backend: here the per-op overhead, not arithmetic, sets the pace.
 * Samples/s = {@link #BATCH} × steps/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class DigitsMlpBenchmark {

    /** Batch size: 32. */
    public static final int BATCH = 32;
    private static final int BATCHES = 8;

    @Param({"pure", "nd4j", "djl"})
    public String impl;

    private Trainer trainer;
    private int next;

    @Setup
    public void setUp() {
        trainer = MlpTrainer.create(impl, MlpSpec.digits(BATCH, BATCHES));
    }

    @TearDown
    public void tearDown() {
        trainer.close();
    }

    @Benchmark
    public float step() {
        float loss = trainer.step(next);
        next = (next + 1) % BATCHES;
        return loss;
    }
}
