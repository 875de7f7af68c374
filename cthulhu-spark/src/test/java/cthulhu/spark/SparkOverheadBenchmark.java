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
 * <p>Run from the repository root (about ten minutes on two cores):
 * {@code mvn -q -B -pl cthulhu-spark -am test-compile exec:exec -Dexec.executable=java -Dspark.bench.skip=false}; JMH options
 * go in {@code -Dbench.args="…"}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class SparkOverheadBenchmark {

    /** Training rows, features, hidden units, classes, per-step batch, epochs per measured fit. */
    static final int ROWS = 8192;
    static final int FEATURES = 64;
    static final int HIDDEN = 256;
    static final int CLASSES = 10;
    static final int BATCH = 32;
    static final int EPOCHS = 2;

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
        @Param({"params-8", "params-32"})
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
    public Object predictWithoutSpark(Plain s) {
        try (Tensor out = s.model.predict(s.x, SparkTrainer.DEFAULT_PREDICT_BATCH_SIZE)) {
            return out.dim(0);
        }
    }

    /** {@link SparkTrainer#predict} of every row, counted. */
    @Benchmark
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
        Map<String, Double> ms = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String master = r.getParams().getParam("master");
            String sync = r.getParams().getParam("sync");
            ms.put(name + (master == null ? "" : " " + master) + (sync == null ? "" : " " + sync), r.getPrimaryResult().getScore());
        }
        System.out.println(table(ms));
    }

    static String table(Map<String, Double> ms) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "MLP %d-%d-%d-%d, %d rows, batch %d per partition, Adam, float32, backend %s%n%n",
                FEATURES, HIDDEN, HIDDEN, CLASSES, ROWS, BATCH, K.backend()));
        sb.append("| training | epoch (ms) | Spark overhead |\n| --- | ---: | ---: |\n");
        Double plain = ms.get("epochWithoutSpark");
        if (plain != null) {
            sb.append(String.format(Locale.ROOT, "| fit without Spark | %.0f | — |%n", plain));
        }
        for (Map.Entry<String, Double> e : ms.entrySet()) {
            if (e.getKey().startsWith("epochOnSpark")) {
                sb.append(String.format(Locale.ROOT, "| %s | %.0f | %s |%n", e.getKey().substring("epochOnSpark ".length()), e.getValue(),
                        plain == null ? "—" : String.format(Locale.ROOT, "%+.0f %%", 100 * (e.getValue() / plain - 1))));
            }
        }
        sb.append("\n| inference | rows/s | Spark overhead |\n| --- | ---: | ---: |\n");
        Double plainPredict = ms.get("predictWithoutSpark");
        if (plainPredict != null) {
            sb.append(String.format(Locale.ROOT, "| predict without Spark | %.0f | — |%n", ROWS / plainPredict * 1000));
        }
        for (Map.Entry<String, Double> e : ms.entrySet()) {
            if (e.getKey().startsWith("predictOnSpark")) {
                String master = e.getKey().split(" ")[1];
                sb.append(String.format(Locale.ROOT, "| %s | %.0f | %s |%n", master, ROWS / e.getValue() * 1000,
                        plainPredict == null ? "—" : String.format(Locale.ROOT, "%+.0f %%", 100 * (e.getValue() / plainPredict - 1))));
            }
        }
        return sb.toString();
    }

    private static double[] flat(double[][] a) {
        return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
    }
}
