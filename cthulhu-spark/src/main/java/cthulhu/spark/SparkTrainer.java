package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.callbacks.History;
import cthulhu.models.FitOptions;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import cthulhu.models.TrainingSteps;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Trains, evaluates and applies a cthulhu model over a Spark {@code Dataset}, data-parallel.
 *
 * <pre>{@code
 * SparkTrainer trainer = new SparkTrainer(spark).parameterAveraging(8);
 * History h = trainer.fit(model, train, "features", "label", new FitOptions().epochs(10).batchSize(32).seed(1));
 * double[] lossAndAccuracy = trainer.evaluate(model, test, "features", "label");
 * Dataset<Row> scored = trainer.predict(model, test, "features", "prediction");
 * }</pre>
 *
 * <p><b>Columns.</b> Features and labels are {@code array<double>}, {@code array<float>} or Spark
 * ML {@code Vector} columns (labels may also be numbers, e.g. class indices for
 * {@code sparse_categorical_crossentropy}). A row's features are the model's input sample in
 * row-major order, so their width is the product of the input shape; labels likewise for the
 * output shape, or width 1 for sparse labels.
 *
 * <p><b>Training</b> is synchronous. The rows are read once into one cached block per
 * partition (moved once through a shuffle when the source's partitions hold their rows, as a
 * parallelised collection's do, so that a task ships only its partition's index); each epoch every partition orders its rows (shuffled with a generator seeded by the
 * fit's seed, the epoch and the partition, unless shuffling is off) and cuts them into batches of
 * {@code batchSize} rows — the batch size is per partition, so one step over {@code k} partitions
 * trains on up to {@code k · batchSize} rows. The driver ships the weights in the tasks (which
 * Spark serialises once per job and broadcasts to the executors), tasks
 * compute on their shards with the model's own single-machine steps, their results are added
 * (on the driver as they arrive, or by {@code treeReduce} when {@link #treeDepth} gives the
 * tree a level in between), and the driver updates the model; float32 weights, optimizer state
 * and results travel as float32:
 * <ul>
 *   <li>{@link #gradientAveraging()} (default): per step, each partition's gradient of its
 *   batch's mean loss, averaged over the step's samples, and one optimizer step on the driver —
 *   exactly the single-machine step on the union of the partitions' batches;</li>
 *   <li>{@link #parameterAveraging(int)}: each partition takes {@code averagingFrequency} local
 *   optimizer steps from the shipped weights and optimizer state, and the driver sets the model
 *   to their average weighted by the samples each trained on (DL4J's
 *   {@code ParameterAveragingTrainingMaster}); with frequency 1 and plain SGD this again equals
 *   the large-batch step. When every partition can run at once, one Spark job runs the epochs —
 *   one task on a single partition (nothing to average), else a barrier stage whose tasks
 *   exchange each round's state through a small server on the driver —: between two epochs its
 *   tasks wait for the driver, which runs the callbacks and hands them the next epoch's starting
 *   state; they end their job when the fit ends, when a callback changed the model's
 *   configuration (a new job takes over), and while another Spark job runs, which gets their
 *   slots. The driver reports each round of an epoch to the callbacks after it, with the model
 *   already at the epoch's end. Otherwise each round is a job.</li>
 * </ul>
 * Gradient averaging changes only what the optimizer updates; variables a layer itself updates
 * in its training forward pass (such as moving statistics) keep their driver values. Parameter
 * averaging averages every variable.
 * Callbacks and the returned {@link History} run on the driver as in {@link Model#fit(cthulhu.backend.Tensor, cthulhu.backend.Tensor, FitOptions)};
 * one synchronisation is one "batch" for them. A failed task is retried by Spark and recomputes
 * the same batches from the same shipped state — an epoch run by a job of epochs starts again
 * from the epoch's starting weights; a barrier stage, which Spark does not rerun when it ends its
 * job, is run again whole by the trainer from the epoch that failed, up to {@code spark.stage.maxConsecutiveAttempts}
 * attempts (default 4); results are combined from task results, never
 * accumulated as side effects, so a retried shard counts once.
 *
 * <p><b>Executors</b> build the model once per JVM (per concurrent task) and keep it between
 * calls: for training from its JSON ({@link Model#toJson}: the architecture and training
 * configuration, shipped in the task, the weights and optimizer state then set from the shipped
 * state), for evaluation and prediction from a broadcast of its saved bytes. They run the backend named by the Spark setting {@code spark.cthulhu.backend}
 * when set, else the one their own discovery chooses ({@code -Dcthulhu.backend} in
 * {@code spark.executor.extraJavaOptions}, {@code CTHULHU_BACKEND} via
 * {@code spark.executorEnv.CTHULHU_BACKEND}, …); they compute in the float type of the model's
 * weights. A backend that cannot load there fails the job with a {@link WorkerBackendException}
 * naming the executor and the backend.
 *
 * <p>A trainer's settings are read when a method starts; a trainer is used by one thread at a time.
 */
public final class SparkTrainer {

    /** The local property that marks the Spark jobs of one fit. */
    private static final String FIT_PROPERTY = "cthulhu.fit";
    /** Spark's setting of the attempts a stage may take in a row; a failed barrier stage's job gets as many. */
    static final String STAGE_ATTEMPTS_CONF = "spark.stage.maxConsecutiveAttempts";
    private static final int DEFAULT_STAGE_ATTEMPTS = 4;

    /** Rows per batch of {@link #predict} by default. */
    public static final int DEFAULT_PREDICT_BATCH_SIZE = 1024;

    private final SparkSession spark;
    private int averagingFrequency;
    private int numPartitions;
    private int treeDepth = 2;
    private int predictBatchSize = DEFAULT_PREDICT_BATCH_SIZE;

    /**
     * A trainer on {@code spark}, averaging gradients each step, using the dataset's own partitions.
     *
     * @throws IllegalArgumentException when {@code spark} is null
     */
    public SparkTrainer(SparkSession spark) {
        if (spark == null) {
            throw new IllegalArgumentException("SparkTrainer needs a SparkSession, e.g. SparkSession.builder().master(\"local[*]\").getOrCreate()");
        }
        this.spark = spark;
    }

    /**
     * Synchronises every step by averaging the partitions' gradients (the default).
     *
     * @return this trainer
     */
    public SparkTrainer gradientAveraging() {
        this.averagingFrequency = 0;
        return this;
    }

    /**
     * Lets each partition take {@code averagingFrequency} local optimizer steps between
     * synchronisations, which average the weights and the optimizer's state.
     *
     * @return this trainer
     * @throws IllegalArgumentException when {@code averagingFrequency < 1}
     */
    public SparkTrainer parameterAveraging(int averagingFrequency) {
        requirePositive("averagingFrequency", averagingFrequency);
        this.averagingFrequency = averagingFrequency;
        return this;
    }

    /**
     * Repartitions the data into {@code numPartitions} before training or evaluating; 0 (default)
     * keeps the dataset's partitions.
     *
     * @return this trainer
     * @throws IllegalArgumentException when negative
     */
    public SparkTrainer numPartitions(int numPartitions) {
        if (numPartitions < 0) {
            throw new IllegalArgumentException("numPartitions must be >= 0 (0 keeps the dataset's partitions), got " + numPartitions);
        }
        this.numPartitions = numPartitions;
        return this;
    }

    /**
     * The depth of {@code treeReduce}'s combining tree, {@code >= 1}; default 2. With few
     * partitions the tree has no level between the tasks and the driver (at depth 2, up to 5
     * partitions), and the driver adds the results itself.
     *
     * @return this trainer
     */
    public SparkTrainer treeDepth(int depth) {
        requirePositive("treeDepth", depth);
        this.treeDepth = depth;
        return this;
    }

    /**
     * The rows per batch of {@link #predict}, {@code >= 1}; default {@value #DEFAULT_PREDICT_BATCH_SIZE}.
     *
     * @return this trainer
     */
    public SparkTrainer predictBatchSize(int rows) {
        requirePositive("predictBatchSize", rows);
        this.predictBatchSize = rows;
        return this;
    }

    // ---- fit ----------------------------------------------------------------------------------

    /**
     * Trains {@code model} on the rows of {@code data} (Keras's {@code fit}, data-parallel); see the
     * class documentation for how. From {@code options}: epochs, initial epoch, batch size (per
     * partition), shuffle, seed (a random one when unset), verbosity, callbacks and validation data
     * (evaluated on the driver after the epochs {@code validationFreq} names). The epochs run in the
     * model's own loop ({@link Model#fit(cthulhu.models.TrainingSteps, FitOptions)}). The model ends
     * with the trained weights and optimizer state.
     *
     * @return the history of each epoch's {@code loss}, metrics, {@code val_loss}, …
     * @throws IllegalStateException before {@code model.compile}
     * @throws IllegalArgumentException before any training job runs when a column is missing or of
     *     a type cthulhu cannot read, a row's features or labels have the wrong width (naming the
     *     column, the partition and row, its width and the model's), the dataset is empty, it has
     *     fewer rows than partitions × batch size, or {@code validationSplit} is set (hold out a
     *     Dataset and pass it as validation data instead), or the model is not a {@link Sequential}
     * @throws WorkerBackendException when an executor cannot load the backend
     */
    public History fit(Model model, Dataset<Row> data, String featuresCol, String labelCol, FitOptions options) {
        return fit(stack(model, "fit"), data, featuresCol, labelCol, options);
    }

    private History fit(Sequential model, Dataset<Row> data, String featuresCol, String labelCol, FitOptions options) {
        requireCompiled(model, "fit");
        if (options.validationSplit() > 0) {
            throw new IllegalArgumentException("SparkTrainer.fit: validationSplit " + options.validationSplit()
                    + " has no meaning for a distributed Dataset; split it (e.g. data.randomSplit) and pass the held-out part"
                    + " as FitOptions.validationData, or evaluate it with SparkTrainer.evaluate");
        }
        int batchSize = options.batchSize();
        try (Shards shards = Shards.read(this, model, data, featuresCol, labelCol, "SparkTrainer.fit")) {
            long rows = shards.rows();
            int partitions = shards.partitions();
            if (rows < (long) partitions * batchSize) {
                throw new IllegalArgumentException("SparkTrainer.fit: the dataset has " + rows + " rows, fewer than its " + partitions
                        + " partitions × batch size " + batchSize + " = " + (long) partitions * batchSize
                        + "; every partition needs a full batch. Use fewer partitions (numPartitions) or a smaller batch size");
            }
            long seed = options.seed() != null ? options.seed() : new Random().nextLong();
            ShardSteps.Batches batches = new ShardSteps.Batches(options.shuffle(), seed, batchSize, shards.labelShape());
            try (Run run = new Run(model, shards, batches)) {
                return model.fit(run, options);
            }
        }
    }

    /**
     * One fit's synchronisations as the model's epoch loop takes them: one step is one
     * synchronisation, a gradient step or a round of parameter averaging.
     */
    private final class Run implements TrainingSteps, AutoCloseable {
        private final Sequential model;
        private final Shards shards;
        private final ShardSteps.Batches batches;
        private final int stepsPerSync;
        private final int syncsPerEpoch;
        /**
         * Where the tasks of a job running whole epochs take each epoch, hand in its logs and state
         * and exchange their rounds; null unless epochs of parameter averaging run in such jobs (one
         * task on the only partition, or a barrier stage), when a job runs each step.
         */
        private final AveragingServer server;
        /** Tells the server about other Spark jobs, whose tasks may need the slots the epochs' tasks hold. */
        private final SparkListener otherJobs;
        /** The value of {@value #FIT_PROPERTY} on this fit's jobs. */
        private final String fitId = UUID.randomUUID().toString();
        /** The job running epochs, and the digest of the model configuration its tasks train; null when none runs. */
        private JavaFutureAction<?> job;
        private String jobDigest;
        /** The logs of each round of the epoch that ran last. */
        private double[][] roundLogs;

        Run(Sequential model, Shards shards, ShardSteps.Batches batches) {
            this.model = model;
            this.shards = shards;
            this.batches = batches;
            this.stepsPerSync = Math.max(averagingFrequency, 1);
            int stepsPerEpoch = shards.steps(batches.batchSize());
            this.syncsPerEpoch = (stepsPerEpoch + stepsPerSync - 1) / stepsPerSync;
            this.server = averagingFrequency > 0 && (shards.partitions() == 1 || shards.fitAtOnce())
                    ? AveragingServer.start(spark.sparkContext().conf(), shards.partitions()) : null;
            this.otherJobs = server == null ? null : new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                    if (start.properties() == null || !fitId.equals(start.properties().getProperty(FIT_PROPERTY))) {
                        server.otherJob(start.jobId(), true);
                    }
                }

                @Override
                public void onJobEnd(SparkListenerJobEnd end) {
                    server.otherJob(end.jobId(), false);
                }
            };
            if (otherJobs != null) {
                spark.sparkContext().addSparkListener(otherJobs);
                // Jobs already running count too; the listener, added first, sees them end.
                for (int running : spark.sparkContext().statusTracker().getActiveJobIds()) {
                    server.otherJob(running, true);
                }
            }
        }

        /**
         * Ends the job running epochs (its tasks end as they ask for the next epoch) and waits for
         * it, then closes the server.
         *
         * @throws RuntimeException the job's failure, if it failed
         */
        @Override
        public void close() {
            if (server == null) {
                return;
            }
            spark.sparkContext().removeSparkListener(otherJobs);
            try {
                endJob();
            } finally {
                server.close();
            }
        }

        @Override
        public int samples() {
            return (int) shards.rows();
        }

        @Override
        public int steps() {
            return syncsPerEpoch;
        }

        @Override
        public int size(int epoch, int step) {
            return (int) shards.samples(step * stepsPerSync, stepsPerSync, batches.batchSize());
        }

        @Override
        public double[] train(int epoch, int step) {
            if (server != null) {
                if (step == 0) {
                    roundLogs = averagingEpoch(epoch);
                }
                return roundLogs[step];
            }
            return (averagingFrequency == 0 ? gradientStep(epoch, step) : averagingRound(epoch, step)).meanLogs();
        }

        /** One step: the partitions' gradients of batch {@code step}, averaged, applied by the driver's optimizer. */
        private Sums gradientStep(int epoch, int step) {
            Blocks weights = ModelState.capture(model, false);
            ExecutorModels.Source source = ExecutorModels.config(model);
            ShardSteps.Batches b = batches;
            Sums total = shards.sum(shard -> ShardSteps.gradients(shard, source, weights, b, epoch, step), treeDepth);
            try (TensorScope scope = TensorScope.open()) {
                List<Variable> trainable = model.trainableVariables();
                Blocks mean = total.meanTensors();
                List<Tensor> grads = new ArrayList<>();
                for (int i = 0; i < mean.size(); i++) {
                    Variable v = trainable.get(i);
                    grads.add(mean.tensor(i, v.value().dtype(), v.shape()));
                }
                model.getOptimizer().applyGradients(trainable, grads);
            }
            return total;
        }

        /** One round of parameter averaging: local steps from the shipped state, then the sample-weighted average. */
        private Sums averagingRound(int epoch, int round) {
            Blocks state = ModelState.capture(model, true);
            ExecutorModels.Source source = ExecutorModels.config(model);
            ShardSteps.Batches b = batches;
            long iterations = model.getOptimizer().iterations();
            int first = round * averagingFrequency;
            int count = averagingFrequency;
            Sums total = shards.sum(shard -> ShardSteps.localSteps(shard, source, state, iterations, b, epoch, first, count),
                    treeDepth);
            ModelState.restore(model, total.meanTensors(), true);
            model.getOptimizer().setIterations(iterations + total.steps());
            return total;
        }

        /**
         * Epoch {@code epoch} of parameter averaging (see {@link ShardSteps#averagingEpoch}): published
         * on the fit's {@link AveragingServer} for the job that runs the epochs — one task on the
         * only partition, or one task per partition, all at once in a barrier stage, exchanging
         * their results each round through the server —, which is started when none runs or its
         * tasks train another configuration, and started again after a barrier stage failed. The
         * model ends with the final state the first task to finish the epoch handed in.
         *
         * @return each round's logs
         * @throws RuntimeException the job's failure, when it is not run again (the earlier
         *     attempts' failures suppressed in it)
         */
        private double[][] averagingEpoch(int epoch) {
            ExecutorModels.Source source = ExecutorModels.config(model);
            server.publish(epoch, model.getOptimizer().iterations(), source.digest(), ModelState.capture(model, true));
            int attempts = Math.max(1, spark.sparkContext().conf().getInt(STAGE_ATTEMPTS_CONF, DEFAULT_STAGE_ATTEMPTS));
            List<RuntimeException> failures = new ArrayList<>();
            while (true) {
                if (job != null && !source.digest().equals(jobDigest)) {
                    // Its tasks built their models from another configuration (a callback changed the model).
                    endJob();
                }
                if (job == null) {
                    job = submit(source);
                    jobDigest = source.digest();
                }
                JavaFutureAction<?> running = job;
                AveragingServer.Finished done = server.awaitFinished(epoch, running::isDone);
                if (done != null) {
                    ModelState.restore(model, done.state(), true);
                    model.getOptimizer().setIterations(done.iterations());
                    return done.logs();
                }
                job = null;
                RuntimeException failure = outcome(running);
                // Without a failure the job ended to free its slots for another job: the next one goes on.
                if (failure != null) {
                    failures.add(failure);
                    if (!rerun(failure) || failures.size() >= attempts) {
                        failures.subList(0, failures.size() - 1).forEach(failure::addSuppressed);
                        throw failure;
                    }
                }
            }
        }

        /**
         * Whether a job that failed with {@code failure} runs again. A barrier stage's does: Spark
         * reruns a failed barrier stage only when it is a shuffle map stage and fails the job of one
         * that ends it (a single partition's task Spark retries itself); not when the backend cannot
         * load, the SparkContext is stopped or the driver thread interrupted.
         */
        private boolean rerun(RuntimeException failure) {
            return shards.partitions() > 1 && !(failure instanceof WorkerBackendException) && !spark.sparkContext().isStopped()
                    && !Thread.currentThread().isInterrupted();
        }

        /** A job whose tasks run the epochs the server hands out, from its next one, training models of {@code source}. */
        private JavaFutureAction<?> submit(ExecutorModels.Source source) {
            server.endJob(false);
            ShardSteps.Batches b = batches;
            int frequency = averagingFrequency;
            int rounds = syncsPerEpoch;
            int partitions = shards.partitions();
            AveragingServer.Address at = server.address();
            SparkContext sc = spark.sparkContext();
            sc.setLocalProperty(FIT_PROPERTY, fitId);
            try {
                if (partitions == 1) {
                    return shards.eachAsync(shard -> {
                        try (AveragingServer.Client exchange = AveragingServer.Client.open(at, 0)) {
                            ShardSteps.averagingEpochs(shard, source, b, frequency, rounds, exchange, false, true);
                            exchange.done();
                        }
                    });
                }
                return shards.togetherAsync((shard, context) -> {
                    try (AveragingServer.Client exchange = AveragingServer.Client.connect(at, context.stageId(),
                            context.stageAttemptNumber(), context.partitionId(), partitions)) {
                        // Every task ends each epoch with the same state: partition 0's is handed in.
                        ShardSteps.averagingEpochs(shard, source, b, frequency, rounds, exchange, true, context.partitionId() == 0);
                        exchange.done();
                    }
                });
            } finally {
                sc.setLocalProperty(FIT_PROPERTY, null);
            }
        }

        /**
         * Tells the running job's tasks to end as they ask for their next epoch, and waits for it.
         *
         * @throws RuntimeException the job's failure, if it failed
         */
        private void endJob() {
            if (job == null) {
                return;
            }
            server.endJob(true);
            JavaFutureAction<?> ending = job;
            job = null;
            RuntimeException failure = outcome(ending);
            if (failure != null) {
                throw failure;
            }
        }

        /** The failure of {@code ended}, once it is over, as {@link #call} reports it; null when it succeeded. */
        private RuntimeException outcome(JavaFutureAction<?> ended) {
            try {
                ended.get();
                return null;
            } catch (ExecutionException e) {
                return failure(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended.cancel(true);
                return new IllegalStateException("Interrupted while waiting for the Spark job running the epochs", e);
            }
        }
    }

    // ---- evaluate -----------------------------------------------------------------------------

    /**
     * The loss and metrics of {@code model} on the rows of {@code data} in inference mode,
     * averaged over the rows (Keras's {@code evaluate}): each partition evaluates its rows with
     * the model's own {@code evaluate} in batches of 32, and the driver averages, weighting by rows.
     *
     * @return the loss first, then each compiled metric in order
     * @throws IllegalStateException before {@code model.compile}
     * @throws IllegalArgumentException for missing or ill-typed columns, rows of the wrong width, an empty
     *     dataset, or a model that is not a {@link Sequential}
     * @throws WorkerBackendException when an executor cannot load the backend
     */
    public double[] evaluate(Model model, Dataset<Row> data, String featuresCol, String labelCol) {
        return evaluate(stack(model, "evaluate"), data, featuresCol, labelCol);
    }

    private double[] evaluate(Sequential model, Dataset<Row> data, String featuresCol, String labelCol) {
        requireCompiled(model, "evaluate");
        try (Shards shards = Shards.read(this, model, data, featuresCol, labelCol, "SparkTrainer.evaluate")) {
            ExecutorModels.Source source = ExecutorModels.saved(shards.context(), saveToBytes(model));
            try {
                ShardSteps.Batches batches = new ShardSteps.Batches(false, 0, Sequential.DEFAULT_BATCH_SIZE, shards.labelShape());
                return shards.sum(shard -> ShardSteps.evaluate(shard, source, batches), treeDepth).meanLogs();
            } finally {
                ExecutorModels.release(source);
            }
        }
    }

    // ---- predict ------------------------------------------------------------------------------

    /**
     * {@code data} with one more column, {@code outputCol}: the model's output for each row's
     * features, flattened row-major into an {@code array<double>}. Lazy like any Spark
     * transformation: each partition runs when the result is computed, predicting batches of
     * {@link #predictBatchSize} rows with a model deserialised once per executor JVM (per
     * concurrent task) from a broadcast of the saved model; an executor keeps the models of the
     * few most recently used saved models, so that repeated calls on an unchanged model do not
     * load it again. Row order and the other columns are kept.
     *
     * @throws IllegalStateException when the model is not built (its input shape unknown)
     * @throws IllegalArgumentException now when the features column is missing or of the wrong type,
     *     {@code outputCol} already exists, or the model is not a {@link Sequential}; when the result is computed, a row of the wrong width
     *     fails its task with a message naming the column, the width and the model's input
     */
    public Dataset<Row> predict(Model model, Dataset<Row> data, String featuresCol, String outputCol) {
        return predict(stack(model, "predict"), data, featuresCol, outputCol);
    }

    private Dataset<Row> predict(Sequential model, Dataset<Row> data, String featuresCol, String outputCol) {
        String method = "SparkTrainer.predict";
        if (!model.isBuilt()) {
            throw new IllegalStateException(method + ": model " + model.getName() + " is not built, so its input is unknown;"
                    + " declare the input shape on its first layer, call build(...), or fit it first");
        }
        StructType schema = data.schema();
        ColumnType kind = ColumnType.of(schema, featuresCol, "features", false, method);
        if (outputCol == null || Arrays.asList(schema.fieldNames()).contains(outputCol)) {
            throw new IllegalArgumentException(method + ": the output column '" + outputCol + "' "
                    + (outputCol == null ? "must be named" : "already exists") + "; the dataset's columns are "
                    + Arrays.toString(schema.fieldNames()) + ". Choose a new name");
        }
        int featureIndex = schema.fieldIndex(featuresCol);
        int[] inputShape = model.inputShape();
        int width = (int) Shapes.size(inputShape);
        StructType outSchema = schema.add(outputCol, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        ExecutorModels.Source source = ExecutorModels.saved(JavaSparkContext.fromSparkContext(spark.sparkContext()), saveToBytes(model));
        Worker worker = worker(model);
        int batch = predictBatchSize;
        MapPartitionsFunction<Row, Row> score = rows -> scored(rows, batch, kind, featureIndex, featuresCol, inputShape, width, source,
                worker);
        return data.mapPartitions(score, Encoders.row(outSchema));
    }

    /** {@code rows} with their predictions appended, computed {@code batch} rows at a time as they are consumed. */
    private static Iterator<Row> scored(Iterator<Row> rows, int batch, ColumnType kind, int featureIndex, String featuresCol,
                                        int[] inputShape, int width, ExecutorModels.Source source, Worker worker) {
        return new Iterator<>() {
            private Iterator<Row> chunk = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                if (!chunk.hasNext() && rows.hasNext()) {
                    chunk = worker.run(() -> predictChunk(rows, batch, kind, featureIndex, featuresCol, inputShape, width, source));
                }
                return chunk.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunk.next();
            }
        };
    }

    /** The next up-to-{@code batch} rows of {@code rows} with their predictions appended. */
    private static Iterator<Row> predictChunk(Iterator<Row> rows, int batch, ColumnType kind, int featureIndex, String featuresCol,
                                              int[] inputShape, int width, ExecutorModels.Source source) {
        List<Row> in = new ArrayList<>(batch);
        double[] x = new double[batch * width];
        while (in.size() < batch && rows.hasNext()) {
            Row row = rows.next();
            double[] f = kind.read(row, featureIndex, featuresCol);
            if (f.length != width) {
                throw new IllegalArgumentException("SparkTrainer.predict: a row's features column '" + featuresCol + "' holds "
                        + f.length + " values but the model's input " + Arrays.toString(inputShape) + " takes " + width
                        + " per row; row " + row);
            }
            System.arraycopy(f, 0, x, in.size() * width, width);
            in.add(row);
        }
        int n = in.size();
        int[] shape = new int[inputShape.length + 1];
        shape[0] = n;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        double[] y;
        Sequential model = ExecutorModels.borrow(source);
        try (TensorScope scope = TensorScope.open()) {
            y = model.predict(K.constant(Arrays.copyOf(x, n * width), shape), n).toDoubleArray();
        } finally {
            ExecutorModels.giveBack(source, model);
        }
        int out = y.length / Math.max(n, 1);
        List<Row> scored = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Row row = in.get(i);
            Object[] values = new Object[row.length() + 1];
            for (int c = 0; c < row.length(); c++) {
                values[c] = row.get(c);
            }
            values[row.length()] = Arrays.copyOfRange(y, i * out, (i + 1) * out);
            scored.add(RowFactory.create(values));
        }
        return scored.iterator();
    }

    // ---- shared -------------------------------------------------------------------------------

    /** The executors' backend (from {@link Worker#BACKEND_CONF}, else their discovery) and the model's float type. */
    Worker worker(Sequential model) {
        String backend = spark.conf().getOption(Worker.BACKEND_CONF).getOrElse(() -> null);
        List<Variable> variables = model.variables();
        String floatx = variables.isEmpty() ? K.floatx() : variables.get(0).value().dtype().kerasName();
        return new Worker(backend, floatx);
    }

    SparkSession spark() {
        return spark;
    }

    int numPartitionsSetting() {
        return numPartitions;
    }

    /** The model saved as cthulhu's archive, as bytes to broadcast. */
    static byte[] saveToBytes(Sequential model) {
        try {
            Path file = Files.createTempFile("cthulhu-model", ".cthulhu");
            try {
                model.save(file);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save model " + model.getName() + " to ship it to the executors: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a Spark action; a job that failed because an executor could not load the backend is
     * reported as the {@link WorkerBackendException} itself, other failures as they come.
     */
    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {
            // Scala's actions throw SparkException, a checked exception they do not declare.
            throw failure(e);
        }
    }

    /** How {@link #call} reports a Spark job's failure {@code e}. */
    private static RuntimeException failure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WorkerBackendException w) {
                return new WorkerBackendException(w.getMessage(), e);
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    /**
     * The model as the stack of layers the executors rebuild from its saved file.
     *
     * @throws IllegalArgumentException for another kind of model
     */
    private static Sequential stack(Model model, String method) {
        if (model instanceof Sequential sequential) {
            return sequential;
        }
        throw new IllegalArgumentException("SparkTrainer." + method + ": model " + model.getName() + " is a "
                + model.getClass().getSimpleName() + "; SparkTrainer ships Sequential models to the executors"
                + " (Sequential.save and Sequential.load)");
    }

    private static void requireCompiled(Sequential model, String method) {
        if (model.getLoss() == null) {
            throw new IllegalStateException("You must compile model " + model.getName() + " before calling SparkTrainer." + method
                    + ", e.g. model.compile(\"adam\", \"categorical_crossentropy\", \"accuracy\")");
        }
    }

    private static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
    }

}
