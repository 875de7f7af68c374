package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;

/**
 * One partition's training rows as two row-major blocks of doubles, cached by Spark for the
 * whole fit. Its batches come from an order fixed by (seed, epoch, partition), so a retried task
 * trains on exactly the rows the failed attempt had.
 */
final class Shard implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * What the driver checks before training: the row count and the first row of a wrong width
     * ({@code -1} when none), with that width, for the features and the labels.
     */
    record Summary(int partition, int rows, long badFeaturesRow, int badFeaturesWidth, long badLabelRow, int badLabelWidth)
            implements Serializable {
    }

    private final int partition;
    private final int rows;
    private final int featureWidth;
    private final int labelWidth;
    private final double[] features;
    private final double[] labels;
    private final Summary summary;
    private transient int[] order;
    private transient int orderEpoch;

    private Shard(int partition, int rows, int featureWidth, int labelWidth, double[] features, double[] labels, Summary summary) {
        this.partition = partition;
        this.rows = rows;
        this.featureWidth = featureWidth;
        this.labelWidth = labelWidth;
        this.features = features;
        this.labels = labels;
        this.summary = summary;
    }

    /**
     * Reads a partition of (features, labels) rows in Spark's internal format (a label of kind
     * {@link ColumnType#NUMBER} cast to double) whose schema is {@code schema}. Rows of the wrong width are not an error here
     * but in the {@link Summary}, so that the driver can report them before training.
     */
    static Shard read(int partition, Iterator<InternalRow> it, StructType schema, ColumnType featureKind, String featureColumn, int featureWidth,
                      ColumnType labelKind, String labelColumn, int labelWidth) {
        double[] x = new double[featureWidth * 64];
        double[] y = new double[labelWidth * 64];
        int n = 0;
        long badX = -1;
        int badXWidth = 0;
        long badY = -1;
        int badYWidth = 0;
        long index = 0;
        DataType featureType = schema.fields()[0].dataType();
        DataType labelType = schema.fields()[1].dataType();
        while (it.hasNext()) {
            InternalRow row = it.next();
            double[] f = featureKind.read(row, 0, featureType, featureColumn, partition, index);
            double[] l = labelKind.read(row, 1, labelType, labelColumn, partition, index);
            if (f.length != featureWidth && badX < 0) {
                badX = index;
                badXWidth = f.length;
            }
            if (l.length != labelWidth && badY < 0) {
                badY = index;
                badYWidth = l.length;
            }
            if (badX < 0 && badY < 0) {
                if ((n + 1) * featureWidth > x.length) {
                    x = Arrays.copyOf(x, x.length * 2);
                    y = Arrays.copyOf(y, y.length * 2);
                }
                System.arraycopy(f, 0, x, n * featureWidth, featureWidth);
                System.arraycopy(l, 0, y, n * labelWidth, labelWidth);
                n++;
            }
            index++;
        }
        Summary summary = new Summary(partition, (int) index, badX, badXWidth, badY, badYWidth);
        return new Shard(partition, n, featureWidth, labelWidth, Arrays.copyOf(x, n * featureWidth),
                Arrays.copyOf(y, n * labelWidth), summary);
    }

    int partition() {
        return partition;
    }

    Summary summary() {
        return summary;
    }

    int rows() {
        return rows;
    }

    /** The number of batches of {@code batchSize} this shard holds per epoch (the last may be smaller). */
    int steps(int batchSize) {
        return steps(rows, batchSize);
    }

    /** The number of batches of {@code batchSize} in {@code rows} rows (the last may be smaller). */
    static int steps(int rows, int batchSize) {
        return (rows + batchSize - 1) / batchSize;
    }

    /** The rows that batches {@code firstStep} to {@code firstStep + count − 1} of {@code batchSize} take from {@code rows} rows. */
    static int rowsIn(int rows, int firstStep, int count, int batchSize) {
        long from = Math.min(rows, (long) firstStep * batchSize);
        return (int) Math.min(rows - from, (long) count * batchSize);
    }

    /**
     * The rows of batch {@code step} of {@code epoch}: positions {@code [step·batchSize, (step+1)·batchSize)}
     * of the epoch's order (in storage order without shuffling), or none past the end.
     */
    synchronized int[] batch(boolean shuffle, long seed, int epoch, int step, int batchSize) {
        int from = Math.min(rows, step * batchSize);
        int[] idx = new int[rowsIn(rows, step, 1, batchSize)];
        if (!shuffle) {
            Arrays.setAll(idx, i -> from + i);
            return idx;
        }
        if (order == null || orderEpoch != epoch) {
            order = new int[rows];
            Arrays.setAll(order, i -> i);
            Random random = new Random(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)) ^ (0xC2B2AE3D27D4EB4FL * (partition + 1)));
            for (int i = rows - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            orderEpoch = epoch;
        }
        System.arraycopy(order, from, idx, 0, idx.length);
        return idx;
    }

    /** The features of rows {@code idx} as a tensor of shape {@code [idx.length] + sampleShape}, in floatx. */
    Tensor features(int[] idx, int[] sampleShape) {
        return gather(features, featureWidth, idx, sampleShape);
    }

    /** The labels of rows {@code idx} as a tensor of shape {@code [idx.length] + sampleShape}, in floatx. */
    Tensor labels(int[] idx, int[] sampleShape) {
        return gather(labels, labelWidth, idx, sampleShape);
    }

    private static Tensor gather(double[] block, int width, int[] idx, int[] sampleShape) {
        double[] out = new double[idx.length * width];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(block, idx[i] * width, out, i * width, width);
        }
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = idx.length;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return K.constant(out, shape);
    }
}
