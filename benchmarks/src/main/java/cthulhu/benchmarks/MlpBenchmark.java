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
 * Training the 784-512-512-10 MLP of {@link MlpSpec#mnist} at batch {@link #BATCH}: one
 * optimizer step (throughput; samples/s = {@link #BATCH} × steps/s) and one epoch of
 * {@link #EPOCH_BATCHES} batches (single shot; samples/s = {@link #EPOCH_BATCHES} ·
 * {@link #BATCH} / time), on each cthulhu backend ({@code pure}, {@code nd4j}, {@code djl}) and
 * on the raw libraries ({@code raw-djl}, {@code raw-nd4j}, {@code dl4j}); see {@link MlpTrainer}.
 */
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class MlpBenchmark {

    /** Batch size: 128. */
    public static final int BATCH = 128;
    /** Batches the step benchmark cycles through. */
    public static final int STEP_BATCHES = 4;
    /** Batches of one epoch: 32, so 4,096 samples. */
    public static final int EPOCH_BATCHES = 32;

    /** A trainer over {@link #STEP_BATCHES} batches, stepped round-robin. */
    @State(Scope.Thread)
    public static class Steps {
        @Param({"pure", "nd4j", "djl", "raw-djl", "raw-nd4j", "dl4j"})
        public String impl;
        Trainer trainer;
        int next;

        @Setup
        public void setUp() {
            trainer = MlpTrainer.create(impl, MlpSpec.mnist(512, BATCH, STEP_BATCHES));
        }

        @TearDown
        public void tearDown() {
            trainer.close();
        }
    }

    /** A trainer over one epoch of {@link #EPOCH_BATCHES} batches. */
    @State(Scope.Thread)
    public static class Epochs {
        @Param({"pure", "nd4j", "djl", "raw-djl", "raw-nd4j", "dl4j"})
        public String impl;
        Trainer trainer;

        @Setup
        public void setUp() {
            trainer = MlpTrainer.create(impl, MlpSpec.mnist(512, BATCH, EPOCH_BATCHES));
        }

        @TearDown
        public void tearDown() {
            trainer.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 3, time = 2)
    public float step(Steps s) {
        float loss = s.trainer.step(s.next);
        s.next = (s.next + 1) % STEP_BATCHES;
        return loss;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 3)
    public float epoch(Epochs s) {
        return s.trainer.epoch();
    }
}
