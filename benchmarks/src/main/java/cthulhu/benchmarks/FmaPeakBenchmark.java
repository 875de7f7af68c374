package cthulhu.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The float32 fused multiply-add peak of this machine as Java reaches it: a vector-API kernel
 * ({@link FloatVector#SPECIES_PREFERRED}) that keeps {@value #CHAINS} independent chains
 * {@code a ← a · m + c} in vector registers and does nothing else, on one thread
 * ({@link #oneThread}) and on one thread per available processor ({@link #allCores}); JMH sums
 * the threads' calls. Every call does {@value #FLOPS_PER_CALL} floating-point operations (two per
 * lane of each FMA) whatever the vector width: {@code FLOPS_PER_CALL / (2 · CHAINS · lanes)}
 * iterations of {@code CHAINS} FMAs. GFLOP/s = {@value #FLOPS_PER_CALL} × calls/s / 10⁹.
 *
 * <p>Why {@value #CHAINS} chains saturate the FMA units: an FMA can start only when the previous
 * FMA of its chain has finished, so a core keeps all its FMA units busy only with latency ×
 * throughput independent FMAs in flight: 4 cycles × 2 FMAs a cycle = 8 on Skylake and later
 * Intel cores and on Zen 3 to Zen 5, 5 × 2 = 10 on Haswell, Broadwell and Zen 2, the largest
 * product among x86 cores with FMA. Twelve chains exceed that, and with the two operands they
 * need 14 vector registers, so they fit in the 16 of AVX2 as well as in the 32 of AVX-512
 * without spilling to memory; the loop does no loads or stores, so only the FMA units bound it.
 * With {@code m} just below 1 each chain tends to {@code c / (1 - m)}: no overflow, no
 * subnormals, no slow paths.
 *
 * <p>The fork prints the species it ran with ({@code SPECIES_PREFERRED} is what the pure backend's
 * kernels use), so the figure is the ceiling of those kernels on this JVM; compare it with the
 * peak {@link Report#peakGflops()} derives from {@code /proc/cpuinfo}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class FmaPeakBenchmark {

    /** Independent FMA chains the kernel keeps in registers. */
    public static final int CHAINS = 12;
    /**
     * Floating-point operations of one call: {@code 2 · CHAINS · 2²²}, so that a call is whole
     * iterations for every power-of-two lane count up to 2²².
     */
    public static final long FLOPS_PER_CALL = 2L * CHAINS * (1 << 22);

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = (int) (FLOPS_PER_CALL / (2L * CHAINS * SPECIES.length()));

    /** The multiplier and addend, read from fields so that the compiler cannot fold the chains. */
    @State(Scope.Thread)
    public static class Operands {
        float multiplier = 0.999_99f;
        float addend = 1e-3f;

        @Setup
        public void setUp() {
            System.out.println("FMA kernel: " + SPECIES + ", " + ITERATIONS + " iterations of " + CHAINS + " FMAs a call");
        }
    }

    /** The kernel on one thread. */
    @Benchmark
    @Threads(1)
    public float oneThread(Operands o) {
        return chains(o.multiplier, o.addend);
    }

    /** The kernel on every available processor at once. */
    @Benchmark
    @Threads(Threads.MAX)
    public float allCores(Operands o) {
        return chains(o.multiplier, o.addend);
    }

    /** {@link #ITERATIONS} rounds of {@code a ← a · m + c} on each chain; returns a sum of the chains. */
    private static float chains(float multiplier, float addend) {
        FloatVector m = FloatVector.broadcast(SPECIES, multiplier);
        FloatVector c = FloatVector.broadcast(SPECIES, addend);
        // Named variables rather than an array, which C2 would keep in memory, not registers; distinct
        // starting values, or the compiler would merge the identical chains into one.
        FloatVector a0 = FloatVector.broadcast(SPECIES, 0f);
        FloatVector a1 = FloatVector.broadcast(SPECIES, 1f);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 2f);
        FloatVector a3 = FloatVector.broadcast(SPECIES, 3f);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 4f);
        FloatVector a5 = FloatVector.broadcast(SPECIES, 5f);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 6f);
        FloatVector a7 = FloatVector.broadcast(SPECIES, 7f);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 8f);
        FloatVector a9 = FloatVector.broadcast(SPECIES, 9f);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 10f);
        FloatVector a11 = FloatVector.broadcast(SPECIES, 11f);
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
