package cthulhu.spark;

import cthulhu.backend.Shapes;
import cthulhu.losses.Losses;
import cthulhu.models.Sequential;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.Partition;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag$;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.util.control.ControlThrowable;
import scala.runtime.BoxedUnit;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A dataset made ready for training or evaluation: its (features, labels) read into one cached
 * {@link Shard} per partition and checked against the model. {@link #close()} releases the cache.
 */
final class Shards implements AutoCloseable {

    /** The serialised size above which a source partition counts as holding its rows. */
    private static final int LIGHT_PARTITION_BYTES = 64 * 1024;

    private final JavaSparkContext context;
    private final JavaRDD<Shard> rdd;
    private final List<Shard.Summary> summaries;
    private final int[] labelShape;
    private final Worker worker;

    private Shards(JavaSparkContext context, JavaRDD<Shard> rdd, List<Shard.Summary> summaries, int[] labelShape, Worker worker) {
        this.context = context;
        this.rdd = rdd;
        this.summaries = summaries;
        this.labelShape = labelShape;
        this.worker = worker;
    }

    /**
     * Checks the columns' types (before any job), builds the model from the first row's width if
     * it is not built, reads and caches the rows in one job, and checks every row's widths and the
     * row count.
     *
     * @throws IllegalArgumentException naming the column, the values and the fix, as {@link SparkTrainer#fit} lists
     */
    static Shards read(SparkTrainer trainer, Sequential model, Dataset<Row> data, String featuresCol, String labelCol, String method) {
        ColumnType featureKind = ColumnType.of(data.schema(), featuresCol, "features", false, method);
        ColumnType labelKind = ColumnType.of(data.schema(), labelCol, "labels", true, method);
        if (!model.isBuilt()) {
            Row first = SparkTrainer.call(() -> data.select(featuresCol).takeAsList(1)).stream().findFirst().orElseThrow(() ->
                    new IllegalArgumentException(method + ": the dataset is empty; there is nothing to train on or evaluate"));
            model.build(featureKind.read(first, 0, featuresCol).length);
        }
        int[] inputShape = model.inputShape();
        int[] outputShape = model.outputShape();
        int featureWidth = (int) Shapes.size(inputShape);
        String lossName = Losses.nameOf(model.getLoss()).orElse(null);
        boolean sparse = "sparse_categorical_crossentropy".equals(lossName);
        int[] labelShape = sparse ? new int[] {1} : outputShape;
        int labelWidth = (int) Shapes.size(labelShape);

        // Labels that are plain numbers are read as doubles whatever their numeric type.
        Dataset<Row> selected = data.select(data.col(featuresCol),
                labelKind == ColumnType.NUMBER ? data.col(labelCol).cast(DataTypes.DoubleType) : data.col(labelCol));
        int partitions = trainer.numPartitionsSetting();
        if (partitions > 0 && partitions != selected.rdd().getNumPartitions()) {
            selected = selected.repartition(partitions);
        }
        // Spark's internal rows: their arrays copy out as primitive arrays, with no boxed value per element.
        JavaRDD<InternalRow> source = selected.queryExecution().toRdd().toJavaRDD();
        StructType schema = selected.schema();
        JavaRDD<Shard> read = source.mapPartitionsWithIndex((Integer p, Iterator<InternalRow> rows) -> List.of(Shard.read(p, rows, schema, featureKind,
                featuresCol, featureWidth, labelKind, labelCol, labelWidth)).iterator(), true);
        JavaRDD<Shard> rdd = (carriesItsRows(source) ? read.keyBy(Shard::partition).partitionBy(new ByIndex(read.getNumPartitions())).values() : read)
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaSparkContext context = JavaSparkContext.fromSparkContext(trainer.spark().sparkContext());
        try {
            List<Shard.Summary> summaries = SparkTrainer.call(() -> rdd.map(Shard::summary).collect());
            for (Shard.Summary s : summaries) {
                if (s.badFeaturesRow() >= 0) {
                    throw new IllegalArgumentException(method + ": the features column '" + featuresCol + "' holds a row of width "
                            + s.badFeaturesWidth() + " (row " + s.badFeaturesRow() + " of partition " + s.partition()
                            + ") but the model's input " + Arrays.toString(inputShape) + " takes " + featureWidth
                            + " values per row; fix the column, or the model's input shape");
                }
                if (s.badLabelRow() >= 0) {
                    throw new IllegalArgumentException(method + ": the labels column '" + labelCol + "' holds a row of width "
                            + s.badLabelWidth() + " (row " + s.badLabelRow() + " of partition " + s.partition()
                            + ") but the model's output " + Arrays.toString(outputShape) + " with the loss " + lossName
                            + " needs " + labelWidth + (sparse ? " (a class index)" : "") + " per row"
                            + (sparse ? "" : labelWidth > 1 && s.badLabelWidth() == 1
                                    ? "; for class indices use sparse_categorical_crossentropy, or one-hot encode the labels" : ""));
                }
            }
            Shards ready = new Shards(context, rdd, summaries, labelShape, trainer.worker(model));
            if (ready.rows() == 0) {
                throw new IllegalArgumentException(method + ": the dataset is empty; there is nothing to train on or evaluate");
            }
            return ready;
        } catch (RuntimeException e) {
            rdd.unpersist(false);
            throw e;
        }
    }

    /**
     * Whether a partition of {@code source} serialises to more than {@value #LIGHT_PARTITION_BYTES}
     * bytes — the partitions of a parallelised collection hold their rows. Every task ships its
     * partition, so tasks over the cached shards would ship the source rows again each round: such
     * shards are moved once through a shuffle, after which a task's partition is an index.
     */
    private static boolean carriesItsRows(JavaRDD<InternalRow> source) {
        Partition[] partitions = source.rdd().partitions();
        if (partitions.length == 0) {
            return false;
        }
        // Counting stops at the limit: a partition that carries its rows may take far longer to serialise whole.
        OutputStream counter = new OutputStream() {
            private long size;

            @Override
            public void write(int b) {
                write(null, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                size += len;
                if (size > LIGHT_PARTITION_BYTES) {
                    Shards.<RuntimeException>raise(new Heavy());
                }
            }
        };
        try (ObjectOutputStream out = new ObjectOutputStream(counter)) {
            out.writeObject(partitions[0]);
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialise a partition of the dataset, as every task must: " + e.getMessage(), e);
        } catch (Throwable t) {
            if (t instanceof Heavy) {
                return true;
            }
            throw t;
        }
    }

    /** Throws {@code t}, checked or not, where the signature cannot declare it. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void raise(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * Thrown by {@link #carriesItsRows}'s counter when a partition proves heavy: a Scala control
     * throwable, which Spark's serialisation code passes on without logging it as an error (as it
     * would an {@code IOException} or a {@code RuntimeException}).
     */
    private static final class Heavy extends ControlThrowable {
        private static final long serialVersionUID = 1L;
    }

    /** Shard {@code i} to partition {@code i}. */
    private static final class ByIndex extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        ByIndex(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }

    /** What a task computes from its shard. */
    interface Task extends Serializable {
        Sums apply(Shard shard);
    }

    /**
     * The sum of {@code task}'s results over the shards, on the executors' backend and float type. When
     * {@code treeReduce} at {@code treeDepth} would send every partition's result straight to the
     * driver (few partitions), this is one job whose results the driver adds as they arrive —
     * {@code treeReduce}'s plan without its per-call inspection of its closures' bytecode, a cost
     * paid every synchronisation; else it is {@code treeReduce}.
     */
    Sums sum(Task task, int treeDepth) {
        PerPartition perPartition = new PerPartition(worker, task);
        int k = rdd.getNumPartitions();
        int scale = Math.max((int) Math.ceil(Math.pow(k, 1.0 / treeDepth)), 2);
        if (k > scale + Math.ceil((double) k / scale)) {
            return SparkTrainer.call(() -> rdd.map(perPartition::one).treeReduce(Sums::add, treeDepth));
        }
        Sums[] total = {Sums.none()};
        AbstractFunction2<Object, Sums, BoxedUnit> add = new AbstractFunction2<>() {
            @Override
            public BoxedUnit apply(Object partition, Sums result) {
                total[0] = total[0].add(result);
                return BoxedUnit.UNIT;
            }
        };
        SparkTrainer.call(() -> {
            rdd.context().runJob(rdd.rdd(), perPartition, add, ClassTag$.MODULE$.apply(Sums.class));
            return null;
        });
        return total[0];
    }

    /** A task over one partition: its shards' results, added up. */
    private static final class PerPartition extends AbstractFunction2<TaskContext, scala.collection.Iterator<Shard>, Sums>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Worker worker;
        private final Task task;

        PerPartition(Worker worker, Task task) {
            this.worker = worker;
            this.task = task;
        }

        Sums one(Shard shard) {
            return worker.run(() -> task.apply(shard));
        }

        @Override
        public Sums apply(TaskContext context, scala.collection.Iterator<Shard> shards) {
            Sums total = Sums.none();
            while (shards.hasNext()) {
                total = total.add(one(shards.next()));
            }
            return total;
        }
    }

    /**
     * Whether every partition can run at once, as a barrier stage needs: the cluster has as many
     * task slots as there are partitions, and no dynamic allocation (which barrier stages refuse).
     * Spark would otherwise wait for the slots, retrying for minutes, before failing the job.
     */
    boolean fitAtOnce() {
        SparkContext sc = context.sc();
        return !sc.conf().getBoolean("spark.dynamicAllocation.enabled", false)
                && sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile()) >= partitions();
    }

    /** What the task of a single partition does with its shard. */
    interface Alone extends Serializable {
        void run(Shard shard);
    }

    /** What a task of a barrier stage does with its shard, exchanging with the other tasks through {@code context}. */
    interface Together extends Serializable {
        void run(Shard shard, BarrierTaskContext context);
    }

    /** {@code task} on every shard, one task per partition, as a job running while the driver goes on. */
    JavaFutureAction<Void> eachAsync(Alone task) {
        Worker w = worker;
        return rdd.foreachAsync(shard -> w.run(() -> {
            task.run(shard);
            return null;
        }));
    }

    /**
     * {@code task} on every shard at once, in one barrier stage (only when {@link #fitAtOnce}), as a
     * job running while the driver goes on; on the executors' backend and float type.
     */
    JavaFutureAction<Long> togetherAsync(Together task) {
        return rdd.rdd().barrier().mapPartitions(new AtOnce(worker, task), false, ClassTag$.MODULE$.apply(Object.class))
                .toJavaRDD().countAsync();
    }

    /** A barrier task: {@link Together} on its partition's shard; it yields no element. */
    private static final class AtOnce extends AbstractFunction1<scala.collection.Iterator<Shard>, scala.collection.Iterator<Object>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Worker worker;
        private final Together task;

        AtOnce(Worker worker, Together task) {
            this.worker = worker;
            this.task = task;
        }

        @Override
        public scala.collection.Iterator<Object> apply(scala.collection.Iterator<Shard> shards) {
            BarrierTaskContext context = BarrierTaskContext.get();
            Shard shard = shards.next();
            worker.run(() -> {
                task.run(shard, context);
                return null;
            });
            return CollectionConverters.asScala(Collections.emptyIterator());
        }
    }

    JavaSparkContext context() {
        return context;
    }

    int[] labelShape() {
        return labelShape.clone();
    }

    int partitions() {
        return summaries.size();
    }

    long rows() {
        return summaries.stream().mapToLong(Shard.Summary::rows).sum();
    }

    /** The most batches of {@code batchSize} any partition holds: the steps of one epoch. */
    int steps(int batchSize) {
        return summaries.stream().mapToInt(s -> Shard.steps(s.rows(), batchSize)).max().orElse(0);
    }

    /** The rows all partitions train on in their batches {@code firstStep} to {@code firstStep + count − 1} of {@code batchSize}. */
    long samples(int firstStep, int count, int batchSize) {
        return summaries.stream().mapToLong(s -> Shard.rowsIn(s.rows(), firstStep, count, batchSize)).sum();
    }

    @Override
    public void close() {
        rdd.unpersist(false);
    }
}
