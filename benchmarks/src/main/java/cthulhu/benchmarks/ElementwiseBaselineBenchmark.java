package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static cthulhu.benchmarks.ElementwiseBenchmark.COLS;
import static cthulhu.benchmarks.ElementwiseBenchmark.ROWS;
import static cthulhu.benchmarks.ElementwiseBenchmark.SIZE;

/**
 * The references for {@link ElementwiseBenchmark}, on the same 16M floats: {@code System.arraycopy}
 * (the memory-bandwidth ceiling), plain Java loops over {@code float[]} into a preallocated
 * output, ND4J's {@code Transforms} in place and with a copy, and DJL's {@code NDArray.tanh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class ElementwiseBaselineBenchmark {

    /** Java arrays: input and a preallocated output. */
    @State(Scope.Thread)
    public static class Arrays {
        float[] in;
        float[] out;

        @Setup
        public void setUp() {
            in = Bench.uniform(SIZE, -4, 4, 1);
            out = new float[SIZE];
        }
    }

    /** An ND4J input; reset before each iteration because the in-place variant overwrites it. */
    @State(Scope.Thread)
    public static class Nd4jInput {
        INDArray x;

        @Setup(Level.Iteration)
        public void setUp() {
            if (x != null) {
                x.close();
            }
            x = Nd4j.create(Bench.uniform(SIZE, -4, 4, 1), new long[] {ROWS, COLS}, 'c');
        }

        @TearDown
        public void tearDown() {
            x.close();
        }
    }

    /** A DJL/PyTorch input owned by a base manager. */
    @State(Scope.Thread)
    public static class DjlInput {
        NDManager manager;
        NDArray x;

        @Setup
        public void setUp() {
            manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            x = manager.create(Bench.uniform(SIZE, -4, 4, 1), new Shape(ROWS, COLS));
        }

        @TearDown
        public void tearDown() {
            manager.close();
        }
    }

    /** The bandwidth reference: copy 16M floats. */
    @Benchmark
    public float[] arraycopy(Arrays a) {
        System.arraycopy(a.in, 0, a.out, 0, SIZE);
        return a.out;
    }

    @Benchmark
    public float[] javaTanh(Arrays a) {
        float[] in = a.in;
        float[] out = a.out;
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) Math.tanh(in[i]);
        }
        return out;
    }

    @Benchmark
    public float[] javaExp(Arrays a) {
        float[] in = a.in;
        float[] out = a.out;
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) Math.exp(in[i]);
        }
        return out;
    }

    @Benchmark
    public float[] javaSigmoid(Arrays a) {
        float[] in = a.in;
        float[] out = a.out;
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) (1 / (1 + Math.exp(-in[i])));
        }
        return out;
    }

    /** Softmax along rows of {@code COLS}: max, exp of the shifted values with their sum, scale. */
    @Benchmark
    public float[] javaSoftmax(Arrays a) {
        float[] in = a.in;
        float[] out = a.out;
        for (int r = 0; r < ROWS; r++) {
            int base = r * COLS;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < COLS; c++) {
                max = Math.max(max, in[base + c]);
            }
            float sum = 0;
            for (int c = 0; c < COLS; c++) {
                float e = (float) Math.exp(in[base + c] - max);
                out[base + c] = e;
                sum += e;
            }
            float inv = 1 / sum;
            for (int c = 0; c < COLS; c++) {
                out[base + c] *= inv;
            }
        }
        return out;
    }

    /** ND4J tanh overwriting its input ({@code dup = false}): no allocation. */
    @Benchmark
    public INDArray nd4jTanhInPlace(Nd4jInput s) {
        return Transforms.tanh(s.x, false);
    }

    /** ND4J tanh into a new array ({@code dup = true}), released after the call. */
    @Benchmark
    public long nd4jTanhDup(Nd4jInput s) {
        INDArray y = Transforms.tanh(s.x, true);
        long n = y.length();
        y.close();
        return n;
    }

    /** DJL/PyTorch tanh into a new array, released after the call. */
    @Benchmark
    public long djlTanh(DjlInput s) {
        try (NDArray y = s.x.tanh()) {
            return y.size();
        }
    }
}
