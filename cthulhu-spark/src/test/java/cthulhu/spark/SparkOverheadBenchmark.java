package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

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
 * <p><b>Method.</b> One measured operation is a whole fit of {@value #EPOCHS} epochs (the
 * reading of the rows into cached shards, once per fit, included), reported per epoch; or one
 * {@code predict} of every row. Each benchmark runs in its own JVM with its own Spark session
 * and times {@value #WARMUPS} warm-up operations — so that the JIT has compiled the training
 * step, the Spark job path and the serialisers, and every thread and pool exists — then
 * {@value #MEASUREMENTS} measured ones ({@code predict}, being short, three times as many of
 * each), and reports their mean with a 99.9 % confidence interval. The fixed cost of one
 * synchronisation is estimated from the epochs at averaging frequencies 8 and 128, which run
 * the same local steps in 16 times as many or as few rounds. The machine's other load moves
 * all figures; the ratios, measured in one run, move less.
 *
 * <p>Run from the repository root (about ten minutes on two cores):
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
    static final int MEASUREMENTS = 6;

    /** Training rows, features, hidden units, classes, per-step batch, epochs per measured fit. */
    static final int ROWS = 8192;
    static final int FEATURES = 64;
    static final int HIDDEN = 256;
    static final int CLASSES = 10;
    static final int BATCH = 32;
    static final int EPOCHS = 3;

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
     * {@link OnSpark} with a trainer averaging parameters every k local steps ({@code params-k}).
     * Gradient averaging runs one Spark job per step, so its epoch is dominated by job latency;
     * add {@code "gradient"} here to measure it.
     */
    @State(Scope.Benchmark)
    public static class Training extends OnSpark {
        @Param({"params-8", "params-32", "params-128"})
        public String sync;

        SparkTrainer trainer;

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

    static FitOptions options() {
        return new FitOptions().epochs(EPOCHS).batchSize(BATCH).seed(1).verbose(0);
    }

    /** One epoch of {@link Sequential#fit} on tensors, without Spark. */
    @Benchmark
    @OperationsPerInvocation(EPOCHS)
    public Object epochWithoutSpark(Plain s) {
        return s.model.fit(s.x, s.y, options());
    }

    /** One epoch of {@link SparkTrainer#fit} (the per-fit reading of the rows included, spread over the epochs). */
    @Benchmark
    @OperationsPerInvocation(EPOCHS)
    public Object epochOnSpark(Training s) {
        return s.trainer.fit(s.model, s.data, "features", "label", options());
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
     * @param args JMH's command-line options, e.g. {@code epochOnSpark -p sync=params-8 -prof stack}
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        Map<String, double[]> ms = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String master = r.getParams().getParam("master");
            String sync = r.getParams().getParam("sync");
            ms.put(name + (master == null ? "" : " " + master) + (sync == null ? "" : " " + sync),
                    new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        System.out.println(table(ms));
    }

    /** The table of {@code ms}: benchmark (with its parameters) → mean milliseconds and the half-width of its interval. */
    static String table(Map<String, double[]> ms) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "MLP %d-%d-%d-%d, %d rows, batch %d per partition, Adam, float32, backend %s, %d epochs per fit%n%n",
                FEATURES, HIDDEN, HIDDEN, CLASSES, ROWS, BATCH, K.backend(), EPOCHS));
        sb.append("| training | epoch (ms) | Spark overhead |\n| --- | ---: | ---: |\n");
        double[] plain = ms.get("epochWithoutSpark");
        if (plain != null) {
            sb.append(String.format(Locale.ROOT, "| fit without Spark | %s | — |%n", plusMinus(plain)));
        }
        for (Map.Entry<String, double[]> e : ms.entrySet()) {
            if (e.getKey().startsWith("epochOnSpark")) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", e.getKey().substring("epochOnSpark ".length()),
                        plusMinus(e.getValue()), overhead(e.getValue(), plain)));
            }
        }
        for (String master : new String[] {"local[1]", "local[2]"}) {
            double[] often = ms.get("epochOnSpark " + master + " params-8");
            double[] rarely = ms.get("epochOnSpark " + master + " params-128");
            if (often != null && rarely != null) {
                int partitions = master.equals("local[1]") ? 1 : 2;
                int steps = ROWS / partitions / BATCH;
                double rounds = Math.ceil(steps / 8.0) - Math.ceil(steps / 128.0);
                sb.append(String.format(Locale.ROOT, "%nFixed cost of one synchronisation on %s (params-8 − params-128 over %.0f more rounds): %.1f ms%n",
                        master, rounds, (often[0] - rarely[0]) / rounds));
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
