package cthulhu.benchmarks;

import cthulhu.autodiff.GradientTape;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One dense layer forward and backward at batch {@link #BATCH}, {@link #IN} → {@link #OUT}:
 * {@code y = relu(x · W + b)}, then the gradients of {@code sum(y)} with respect to {@code W}
 * and {@code b} through a {@link GradientTape}, all inside one {@link TensorScope}.
 * {@link DenseBaselineBenchmark} does the same with DJL's {@code GradientCollector} and with
 * ND4J by hand.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class DenseBenchmark {

    /** Batch size: 128. */
    public static final int BATCH = 128;
    /** Input width: 784 (MNIST pixels). */
    public static final int IN = 784;
    /** Output width: 512. */
    public static final int OUT = 512;

    @Param({"pure", "nd4j", "djl"})
    public String backend;

    private Backend b;
    private Tensor x;
    private Tensor kernel;
    private Tensor bias;

    @Setup
    public void setUp() {
        b = Bench.backend(backend);
        x = Bench.tensor(b, Bench.uniform(BATCH * IN, 0, 1, 5), BATCH, IN);
        kernel = Bench.tensor(b, Bench.glorotUniform(IN, OUT, 6), IN, OUT);
        bias = Bench.tensor(b, Bench.uniform(OUT, -0.1, 0.1, 7), OUT);
    }

    @TearDown
    public void tearDown() {
        x.close();
        kernel.close();
        bias.close();
    }

    /** @return a sum over the kernel gradient, so the work cannot be skipped */
    @Benchmark
    public float forwardBackward() {
        return Bench.on(b, () -> {
            try (TensorScope scope = TensorScope.open(); GradientTape tape = GradientTape.open()) {
                tape.watch(kernel);
                tape.watch(bias);
                Tensor y = K.relu(K.dense(x, kernel, bias));
                List<Tensor> grads = tape.gradient(y, List.of(kernel, bias));
                return grads.get(1).toFloatArray()[0];
            }
        });
    }
}
