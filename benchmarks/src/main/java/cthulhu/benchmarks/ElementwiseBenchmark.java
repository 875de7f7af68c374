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
import java.util.function.UnaryOperator;

/**
 * Element-wise throughput: {@code K.tanh}, {@code K.exp}, {@code K.sigmoid} and
 * {@code K.softmax} (along the last axis) over {@link #ROWS} × {@link #COLS} = 16M floats, one
 * new output tensor per call, released by the call's {@link TensorScope}. The report turns
 * calls per second into GB/s of {@link #BYTES_PER_CALL} bytes read and written, the measure of
 * {@link ElementwiseBaselineBenchmark} too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class ElementwiseBenchmark {

    /** Rows of the input: 16384. */
    public static final int ROWS = 16 * 1024;
    /** Columns of the input, the softmax axis: 1024. */
    public static final int COLS = 1024;
    /** Elements per call: 16M. */
    public static final int SIZE = ROWS * COLS;
    /** Bytes one call must move at least: the input read once and the output written once. */
    public static final long BYTES_PER_CALL = 2L * Float.BYTES * SIZE;

    @Param({"pure", "nd4j", "djl"})
    public String backend;

    @Param({"tanh", "exp", "sigmoid", "softmax"})
    public String op;

    private Backend b;
    private Tensor x;
    private UnaryOperator<Tensor> f;

    @Setup
    public void setUp() {
        b = Bench.backend(backend);
        x = Bench.tensor(b, Bench.uniform(SIZE, -4, 4, 1), ROWS, COLS);
        f = switch (op) {
            case "tanh" -> K::tanh;
            case "exp" -> K::exp;
            case "sigmoid" -> K::sigmoid;
            case "softmax" -> t -> K.softmax(t, -1);
            default -> throw new IllegalArgumentException("Unknown op '" + op + "'; use tanh, exp, sigmoid or softmax");
        };
    }

    @TearDown
    public void tearDown() {
        x.close();
    }

    /** One op over the 16M floats; the scope releases the output. */
    @Benchmark
    public long apply() {
        return Bench.on(b, () -> {
            try (TensorScope scope = TensorScope.open()) {
                return f.apply(x).size();
            }
        });
    }
}
