package cthulhu.spark;

import cthulhu.callbacks.Callback;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wall time of each epoch of a fit but its first, from {@link Callback#onEpochBegin} to
 * {@link Callback#onEpochEnd} on the driver — on Spark the epoch's training on the executors
 * runs between the two — so that an epoch is measured as it runs rather than as the difference
 * of two fits. As a JMH
 * profiler ({@code -prof cthulhu.spark.EpochTimes}) it reports their mean over each iteration as
 * the secondary result {@value #RESULT} for the fits that pass {@link #CALLBACK}, and as
 * {@value #PAIRED_RESULT} for those that pass {@link #PAIRED_CALLBACK} (the same fit without
 * Spark, run in turn with the measured one).
 */
public final class EpochTimes implements InternalProfiler {

    /** The name of the secondary result of the fits that pass {@link #CALLBACK}. */
    static final String RESULT = "epoch";
    /** The name of the secondary result of the fits that pass {@link #PAIRED_CALLBACK}. */
    static final String PAIRED_RESULT = "epochWithoutSpark";

    private static final Map<String, List<Long>> NANOS = new LinkedHashMap<>();

    /** The callback a measured fit passes. */
    static final Callback CALLBACK = timer(RESULT);
    /** The callback a fit without Spark run in turn with a measured one passes. */
    static final Callback PAIRED_CALLBACK = timer(PAIRED_RESULT);

    /** The profiler JMH makes. */
    public EpochTimes() {
    }

    /** A callback that adds each epoch's time but the first's to the result {@code name}. */
    private static Callback timer(String name) {
        return new Callback() {
            private long start;

            @Override
            public void onEpochBegin(int epoch, Map<String, Double> logs) {
                start = System.nanoTime();
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                // The first epoch carries what a fit does once (the executors' first model, caches being filled).
                if (epoch > 0) {
                    synchronized (NANOS) {
                        NANOS.computeIfAbsent(name, n -> new ArrayList<>()).add(System.nanoTime() - start);
                    }
                }
            }
        };
    }

    @Override
    public String getDescription() {
        return "The mean wall time of the epochs after each fit's first";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        synchronized (NANOS) {
            NANOS.clear();
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
        synchronized (NANOS) {
            List<Result> results = new ArrayList<>();
            NANOS.forEach((name, nanos) -> results.add(new ScalarResult(name,
                    nanos.stream().mapToLong(Long::longValue).average().orElseThrow() / 1e6, "ms", AggregationPolicy.AVG)));
            return results;
        }
    }
}
