package cthulhu.benchmarks;

import ai.djl.ndarray.NDManager;
import cthulhu.backend.Backend;
import cthulhu.backend.Tensor;
import cthulhu.models.Sequential;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One shared model serving from 1, 2 and 8 threads: one-sample {@code predict} of the
 * {@code 64-64-10} {@link ServingMlp}, total calls per second over all threads. Every call's
 * output is compared with the one computed alone in setup; a difference fails the run, so the
 * throughput is only reported for identical results.
 *
 * <p>{@code plain1}, {@code plain2} and {@code plain8} run the same forward pass in plain Java
 * with nothing allocated per call ({@link Plain}): the scaling the machine itself allows.
 * {@code rawDjl1}, {@code rawDjl2} and {@code rawDjl8} run it written directly in DJL
 * ({@link RawDjl}), each thread with its own manager, weights and input: what the library itself
 * allows.
 *
 * <p>Eight seconds of warm-up: with eight threads on two cores the compiler threads share the
 * cores with the benchmark's threads, and the vector kernels were still running interpreted after
 * two seconds, which made the eight-thread figure a measure of the JIT's backlog.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class PredictThreadsBenchmark {

    /** The model every thread shares, and the one-thread reference output. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"pure", "nd4j", "djl"})
        public String backend;
        Backend b;
        Sequential model;
        Tensor x;
        float[] reference;
        final AtomicLong mismatches = new AtomicLong();

        @Setup
        public void setUp() {
            b = Bench.backend(backend);
            ServingMlp spec = new ServingMlp("64-64-10");
            model = spec.cthulhu(b);
            x = spec.input(b, 1);
            reference = predict(this);
        }

        @TearDown(Level.Iteration)
        public void check() {
            if (mismatches.get() > 0) {
                throw new IllegalStateException(mismatches.get() + " concurrent predictions on " + backend
                        + " differed from the one-thread result " + Arrays.toString(reference));
            }
        }

        @TearDown
        public void tearDown() {
            x.close();
            model.close();
        }
    }

    /**
     * The machine's own scaling, for comparison: the same forward pass (same weights and input)
     * in plain Java loops into arrays each thread allocated once, so that nothing is allocated,
     * shared or synchronised per call. What it loses from 2 to 8 threads is the cost of more
     * threads than cores (scheduling, caches), which no serving code avoids.
     */
    @State(Scope.Thread)
    public static class Plain {
        float[][] kernels;
        float[][] biases;
        float[][] outputs;
        float[] x;

        @Setup
        public void setUp() {
            ServingMlp spec = new ServingMlp("64-64-10");
            int[] u = spec.units();
            kernels = new float[spec.layers()][];
            biases = new float[spec.layers()][];
            outputs = new float[spec.layers()][];
            for (int l = 0; l < spec.layers(); l++) {
                kernels[l] = spec.kernel(l);
                biases[l] = spec.bias(l);
                outputs[l] = new float[u[l + 1]];
            }
            x = spec.inputs(1);
        }

        float[] forward() {
            float[] h = x;
            int last = kernels.length - 1;
            for (int l = 0; l <= last; l++) {
                float[] z = outputs[l];
                float[] w = kernels[l];
                int units = z.length;
                System.arraycopy(biases[l], 0, z, 0, units);
                for (int i = 0; i < h.length; i++) {
                    float hi = h[i];
                    for (int j = 0; j < units; j++) {
                        z[j] += hi * w[i * units + j];
                    }
                }
                if (l < last) {
                    for (int j = 0; j < units; j++) {
                        z[j] = Math.max(z[j], 0);
                    }
                } else {
                    float max = Float.NEGATIVE_INFINITY;
                    for (float v : z) {
                        max = Math.max(max, v);
                    }
                    float sum = 0;
                    for (int j = 0; j < units; j++) {
                        z[j] = (float) Math.exp(z[j] - max);
                        sum += z[j];
                    }
                    for (int j = 0; j < units; j++) {
                        z[j] /= sum;
                    }
                }
                h = z;
            }
            return h;
        }
    }

    /**
     * The library's own scaling, for comparison: the same forward pass written directly in DJL, as
     * {@link PredictBaselineBenchmark#djl} writes it, each thread with its own manager, weights and
     * input, so that nothing is shared between threads; each call's arrays live in a sub-manager
     * closed after the call, and the output is copied to the heap as {@code predict}'s is.
     */
    @State(Scope.Thread)
    public static class RawDjl {
        final PredictBaselineBenchmark.DjlNet net = new PredictBaselineBenchmark.DjlNet();

        @Setup
        public void setUp() {
            net.mlp = "64-64-10";
            net.batch = 1;
            net.setUp();
        }

        float[] forward() {
            try (NDManager call = net.manager.newSubManager()) {
                return PredictBaselineBenchmark.djlForward(net, call).toFloatArray();
            }
        }

        @TearDown
        public void tearDown() {
            net.tearDown();
        }
    }

    private static float[] predict(Shared s) {
        return Bench.on(s.b, () -> {
            try (Tensor y = s.model.predict(s.x)) {
                return y.toFloatArray();
            }
        });
    }

    private static float[] checked(Shared s) {
        float[] y = predict(s);
        if (!Arrays.equals(y, s.reference)) {
            s.mismatches.incrementAndGet();
        }
        return y;
    }

    @Benchmark
    @Threads(1)
    public float[] threads1(Shared s) {
        return checked(s);
    }

    @Benchmark
    @Threads(2)
    public float[] threads2(Shared s) {
        return checked(s);
    }

    @Benchmark
    @Threads(8)
    public float[] threads8(Shared s) {
        return checked(s);
    }

    @Benchmark
    @Threads(1)
    public float[] plain1(Plain p) {
        return p.forward();
    }

    @Benchmark
    @Threads(2)
    public float[] plain2(Plain p) {
        return p.forward();
    }

    @Benchmark
    @Threads(8)
    public float[] plain8(Plain p) {
        return p.forward();
    }

    @Benchmark
    @Threads(1)
    public float[] rawDjl1(RawDjl r) {
        return r.forward();
    }

    @Benchmark
    @Threads(2)
    public float[] rawDjl2(RawDjl r) {
        return r.forward();
    }

    @Benchmark
    @Threads(8)
    public float[] rawDjl8(RawDjl r) {
        return r.forward();
    }
}
