package cthulhu.spark;

import cthulhu.backend.Shapes;
import cthulhu.losses.Losses;
import cthulhu.models.Sequential;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A dataset made ready for training or evaluation: its (features, labels) read into one cached
 * {@link Shard} per partition and checked against the model, and the model saved into a
 * broadcast for the executors. {@link #close()} releases both.
 */
final class Shards implements AutoCloseable {

    private final JavaSparkContext context;
    private final JavaRDD<Shard> rdd;
    private final List<Shard.Summary> summaries;
    private final int[] labelShape;
    private final Worker worker;
    private Broadcast<byte[]> saved;

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

        Dataset<Row> selected = data.select(featuresCol, labelCol);
        int partitions = trainer.numPartitionsSetting();
        if (partitions > 0 && partitions != selected.rdd().getNumPartitions()) {
            selected = selected.repartition(partitions);
        }
        JavaRDD<Shard> rdd = selected.javaRDD()
                .mapPartitionsWithIndex((Integer p, Iterator<Row> rows) -> List.of(Shard.read(p, rows, featureKind, featuresCol,
                        featureWidth, labelKind, labelCol, labelWidth)).iterator(), true)
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
            ready.saved = context.broadcast(SparkTrainer.saveToBytes(model));
            return ready;
        } catch (RuntimeException e) {
            rdd.unpersist(false);
            throw e;
        }
    }

    JavaSparkContext context() {
        return context;
    }

    JavaRDD<Shard> rdd() {
        return rdd;
    }

    Broadcast<byte[]> saved() {
        return saved;
    }

    Worker worker() {
        return worker;
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
        if (saved != null) {
            saved.destroy();
        }
    }
}
