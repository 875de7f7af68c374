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
import java.util.List;
import java.util.Map;

/**
 * The wall time of each epoch of a fit but its first, from {@link Callback#onEpochBegin} to
 * {@link Callback#onEpochEnd} on the driver — on Spark an epoch's jobs run between the two — so
 * that an epoch is measured as it runs rather than as the difference of two fits. As a JMH
 * profiler ({@code -prof cthulhu.spark.EpochTimes}) it reports their mean over each iteration as
 * the secondary result {@value #RESULT}.
 */
public final class EpochTimes implements InternalProfiler {

    /** The name of the secondary result. */
    static final String RESULT = "epoch";

    private static final List<Long> NANOS = new ArrayList<>();

    /** The callback a measured fit passes. */
    static final Callback CALLBACK = new Callback() {
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
                    NANOS.add(System.nanoTime() - start);
                }
            }
        }
    };

    /** The profiler JMH makes. */
    public EpochTimes() {
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
            if (NANOS.isEmpty()) {
                return List.of();
            }
            double ms = NANOS.stream().mapToLong(Long::longValue).average().orElseThrow() / 1e6;
            return List.of(new ScalarResult(RESULT, ms, "ms", AggregationPolicy.AVG));
        }
    }
}
