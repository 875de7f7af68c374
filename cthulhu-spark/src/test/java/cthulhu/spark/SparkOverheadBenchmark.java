package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.Callback;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What Spark costs: the epoch time of an MLP trained by {@link SparkTrainer} on {@code local[1]}
 * and {@code local[2]} (one partition per thread) against the same {@link Sequential#fit}
 * without Spark on the same rows and per-step batch size, and {@code predict}'s rows per second
 * against {@link Sequential#predict}. {@link #main} runs the JMH benchmarks below and prints a
 * table with Spark's overhead as a ratio ({@code spark / plain − 1}).
 *
 * <p><b>Method.</b> One measured operation is a whole fit of {@value #EPOCHS} epochs (the reading
 * of the rows into cached shards, once per fit, included), or one {@code predict} of every row.
 * Besides the fit's time, a callback on the driver times each epoch after the fit's first as it
 * runs ({@link EpochTimes}: on Spark the epoch's training on the executors runs inside it), so
 * that the table shows what each epoch costs — the figure the overhead target is about — and what each fit costs once: its
 * setup is the fit less {@value #EPOCHS} such epochs. Each benchmark runs in its own JVM with its
 * own Spark session and times {@value #WARMUPS} warm-up operations — so that the JIT has compiled
 * the training step, the Spark job path and the serialisers, and every thread and pool exists —
 * then {@value #MEASUREMENTS} measured ones ({@code predict}, being short, three times as many of
 * each), and reports their mean with a 99.9 % confidence interval. The fixed cost of one
 * synchronisation is estimated from the epochs at averaging frequencies 8 and 128, which run
 * the same local steps in 16 times as many or as few rounds. The machine's speed drifts over the
 * minutes a run takes (the same {@code fit} by 30 % on the two-core machine these were written
 * on), so each benchmark on Spark also runs the same fit without Spark before every measured fit,
 * in its own JVM, and reports its epochs beside: the overhead "in turn" is the ratio of the two,
 * measured under the same conditions.
 *
 * <p>Run from the repository root (about five minutes on two cores):
 * {@code mvn -q -B -pl cthulhu-spark -am test-compile exec:exec -Dexec.executable=java -Dspark.bench.skip=false}; JMH options
 * go in {@code -Dbench.args="…"}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = SparkOverheadBenchmark.WARMUPS)
@Measurement(iterations = SparkOverheadBenchmark.MEASUREMENTS)
@Fork(1)
public class SparkOverheadBenchmark {

    /** Warm-up and measured operations of each benchmark. */
    static final int WARMUPS = 4;
    static final int MEASUREMENTS = 10;

    /** Training rows, features, hidden units, classes, per-step batch. */
    static final int ROWS = 8192;
    static final int FEATURES = 64;
    static final int HIDDEN = 256;
    static final int CLASSES = 10;
    static final int BATCH = 32;
    /** The epochs of one measured fit. */
    static final int EPOCHS = 4;

    /** The model and its data as tensors, for training and predicting without Spark. */
    @State(Scope.Benchmark)
    public static class Plain {
        Tensor x;
        Tensor y;
        Sequential model;

        @Setup(Level.Trial)
        public void setUp() {
            double[][] features = LocalSpark.features(ROWS, FEATURES, 1);
            x = K.constant(flat(features), ROWS, FEATURES);
            y = K.constant(flat(LocalSpark.oneHot(features, CLASSES)), ROWS, CLASSES);
            model = mlp();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            model.close();
            x.close();
            y.close();
        }
    }

    /** A Spark session on {@code master} and the rows as a cached Dataset with one partition per thread. */
    @State(Scope.Benchmark)
    public static class OnSpark {
        /** The Spark master: one or two local threads. */
        @Param({"local[1]", "local[2]"})
        public String master;

        SparkSession spark;
        Dataset<Row> data;
        Sequential model;

        @Setup(Level.Trial)
        public void setUp() {
            spark = SparkSession.builder().master(master).appName("cthulhu-spark-benchmark")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            double[][] features = LocalSpark.features(ROWS, FEATURES, 1);
            data = LocalSpark.dataset(spark, features, LocalSpark.oneHot(features, CLASSES), spark.sparkContext().defaultParallelism(),
                    LocalSpark.DOUBLES, LocalSpark.DOUBLES).cache();
            data.count();
            model = mlp();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            model.close();
            spark.stop();
        }
    }

    /**
     * {@link OnSpark} with a trainer averaging parameters every k local steps ({@code params-k}),
     * and the same rows as tensors with a model of its own for the fit without Spark that runs
     * before each measured fit. Gradient averaging runs one Spark job per step, so its epoch is
     * dominated by job latency; add {@code "gradient"} here to measure it.
     */
    @State(Scope.Benchmark)
    public static class Training extends OnSpark {
        @Param({"params-8", "params-32", "params-128"})
        public String sync;

        SparkTrainer trainer;
        final Plain paired = new Plain();

        @Setup(Level.Trial)
        public void paired() {
            paired.setUp();
        }

        /**
         * The same fit without Spark in this JVM, its epochs reported as
         * {@value EpochTimes#PAIRED_RESULT}: measured in turn with the fit on Spark, its ratio
         * to it does not move with the machine's speed from one benchmark to the next.
         */
        @Setup(Level.Iteration)
        public void fitWithoutSparkInTurn() {
            paired.model.fit(paired.x, paired.y, options(EpochTimes.PAIRED_CALLBACK));
        }

        @TearDown(Level.Trial)
        public void closePaired() {
            paired.tearDown();
        }

        @Setup(Level.Trial)
        public void trainer() {
            trainer = new SparkTrainer(spark);
            if (sync.startsWith("params-")) {
                trainer.parameterAveraging(Integer.parseInt(sync.substring("params-".length())));
            }
        }
    }

    static Sequential mlp() {
        Sequential m = new Sequential();
        m.add(new Daoloth(HIDDEN, "relu").inputShape(FEATURES));
        m.add(new Daoloth(HIDDEN, "relu"));
        m.add(new Daoloth(CLASSES, "softmax"));
        m.compile("adam", "categorical_crossentropy", "accuracy");
        return m;
    }

    static FitOptions options(Callback timer) {
        return new FitOptions().epochs(EPOCHS).batchSize(BATCH).seed(1).verbose(0).callbacks(timer);
    }

    /** A fit of {@link Sequential#fit} on tensors, without Spark. */
    @Benchmark
    public Object fitWithoutSpark(Plain s) {
        return s.model.fit(s.x, s.y, options(EpochTimes.CALLBACK));
    }

    /** A fit of {@link SparkTrainer#fit}, the reading of the rows included. */
    @Benchmark
    public Object fitOnSpark(Training s) {
        return s.trainer.fit(s.model, s.data, "features", "label", options(EpochTimes.CALLBACK));
    }

    /** {@link Sequential#predict} of every row, in batches of {@value SparkTrainer#DEFAULT_PREDICT_BATCH_SIZE}. */
    @Benchmark
    @Warmup(iterations = 3 * WARMUPS)
    @Measurement(iterations = 3 * MEASUREMENTS)
    public Object predictWithoutSpark(Plain s) {
        try (Tensor out = s.model.predict(s.x, SparkTrainer.DEFAULT_PREDICT_BATCH_SIZE)) {
            return out.dim(0);
        }
    }

    /** {@link SparkTrainer#predict} of every row, counted. */
    @Benchmark
    @Warmup(iterations = 3 * WARMUPS)
    @Measurement(iterations = 3 * MEASUREMENTS)
    public Object predictOnSpark(OnSpark s) {
        return new SparkTrainer(s.spark).predict(s.model, s.data, "features", "prediction").count();
    }

    /**
     * Runs the benchmarks and prints the table.
     *
     * @param args JMH's command-line options, e.g. {@code fitOnSpark -p sync=params-8 -prof stack}
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Options options = new OptionsBuilder().parent(new CommandLineOptions(args)).addProfiler(EpochTimes.class).build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, double[]> ms = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String master = r.getParams().getParam("master");
            String sync = r.getParams().getParam("sync");
            String key = name + (master == null ? "" : " " + master) + (sync == null ? "" : " " + sync);
            ms.put(key, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
            Result epoch = r.getSecondaryResults().get(EpochTimes.RESULT);
            if (epoch != null) {
                ms.put(key + " epoch", new double[] {epoch.getScore(), epoch.getScoreError()});
            }
            Result paired = r.getSecondaryResults().get(EpochTimes.PAIRED_RESULT);
            if (paired != null) {
                ms.put(key + " paired", new double[] {paired.getScore(), paired.getScoreError()});
            }
        }
        System.out.println(table(ms));
    }

    /**
     * The table of {@code ms}: benchmark (with its parameters) → mean milliseconds and the
     * half-width of its interval, and for a fit, key + " epoch" → its epochs' mean the same way,
     * and for a fit on Spark, key + " paired" → the epochs' mean of the fit without Spark run in
     * turn with it.
     */
    static String table(Map<String, double[]> ms) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "MLP %d-%d-%d-%d, %d rows, batch %d per partition, Adam, float32, backend %s;"
                        + " epoch = an epoch after a fit's first, timed as it runs; setup = %d-epoch fit − %d epochs%n%n",
                FEATURES, HIDDEN, HIDDEN, CLASSES, ROWS, BATCH, K.backend(), EPOCHS, EPOCHS));
        sb.append(String.format(Locale.ROOT, "| training | epoch (ms) | Spark overhead per epoch | epoch without Spark in turn (ms) |"
                + " Spark overhead per epoch, in turn | setup per fit (ms) | %d-epoch fit (ms) | Spark overhead of the fit |%n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n", EPOCHS));
        double[][] plain = split(ms, "fitWithoutSpark");
        if (plain != null) {
            sb.append(String.format(Locale.ROOT, "| fit without Spark | %s | — | — | — | %s | %s | — |%n", plusMinus(plain[0]),
                    plusMinus(plain[1]), plusMinus(plain[2])));
        }
        Map<String, double[][]> onSpark = new LinkedHashMap<>();
        for (String key : ms.keySet()) {
            if (key.startsWith("fitOnSpark ") && !key.endsWith(" epoch") && !key.endsWith(" paired")) {
                double[][] split = split(ms, key);
                if (split != null) {
                    onSpark.put(key.substring("fitOnSpark ".length()), split);
                }
            }
        }
        for (Map.Entry<String, double[][]> e : onSpark.entrySet()) {
            double[][] v = e.getValue();
            double[] paired = ms.get("fitOnSpark " + e.getKey() + " paired");
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(), plusMinus(v[0]),
                    overhead(v[0], plain == null ? null : plain[0]), paired == null ? "—" : plusMinus(paired), overhead(v[0], paired),
                    plusMinus(v[1]), plusMinus(v[2]), overhead(v[2], plain == null ? null : plain[2])));
        }
        for (String master : new String[] {"local[1]", "local[2]"}) {
            double[][] often = onSpark.get(master + " params-8");
            double[][] rarely = onSpark.get(master + " params-128");
            if (often != null && rarely != null) {
                int partitions = master.equals("local[1]") ? 1 : 2;
                int steps = ROWS / partitions / BATCH;
                double rounds = Math.ceil(steps / 8.0) - Math.ceil(steps / 128.0);
                sb.append(String.format(Locale.ROOT, "%nFixed cost of one synchronisation on %s (epoch at params-8 − params-128 over %.0f more rounds): %.1f ms%n",
                        master, rounds, (often[0][0] - rarely[0][0]) / rounds));
            }
        }
        sb.append("\n| inference | rows/s | Spark overhead |\n| --- | ---: | ---: |\n");
        double[] plainPredict = ms.get("predictWithoutSpark");
        if (plainPredict != null) {
            sb.append(String.format(Locale.ROOT, "| predict without Spark | %.0f | — |%n", ROWS / plainPredict[0] * 1000));
        }
        for (Map.Entry<String, double[]> e : ms.entrySet()) {
            if (e.getKey().startsWith("predictOnSpark")) {
                sb.append(String.format(Locale.ROOT, "| %s | %.0f | %s |%n", e.getKey().split(" ")[1], ROWS / e.getValue()[0] * 1000,
                        overhead(e.getValue(), plainPredict)));
            }
        }
        return sb.toString();
    }

    /**
     * The epoch, the setup and the fit of benchmark {@code key}, each as {mean, half-width} (the
     * setup's half-width from the fit's and the epochs' in quadrature), or null when either is missing.
     */
    private static double[][] split(Map<String, double[]> ms, String key) {
        double[] fit = ms.get(key);
        double[] epoch = ms.get(key + " epoch");
        if (fit == null || epoch == null) {
            return null;
        }
        double[] setup = {fit[0] - EPOCHS * epoch[0], Math.hypot(fit[1], EPOCHS * epoch[1])};
        return new double[][] {epoch, setup, fit};
    }

    private static String plusMinus(double[] score) {
        return String.format(Locale.ROOT, "%.0f ± %.0f", score[0], score[1]);
    }

    /** The extra time over {@code plain}, as a percentage. */
    private static String overhead(double[] score, double[] plain) {
        return plain == null ? "—" : String.format(Locale.ROOT, "%+.0f %%", 100 * (score[0] / plain[0] - 1));
    }

    private static double[] flat(double[][] a) {
        return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
    }
}
