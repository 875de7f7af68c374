package cthulhu.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The one SparkSession every test of this module shares: two task threads, and a task may fail
 * once and be retried ({@code local[2,2]}); no UI; the driver on the loopback address.
 */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,2]")
                    .appName("cthulhu-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return session;
    }

    /**
     * A dataset of {@code features} and {@code labels} rows split into {@code partitions}
     * contiguous slices in order (Spark's parallelize), with the given column types.
     */
    static Dataset<Row> dataset(double[][] features, double[][] labels, int partitions, DataType featureType, DataType labelType) {
        return dataset(session(), features, labels, partitions, featureType, labelType);
    }

    /** As {@link #dataset(double[][], double[][], int, DataType, DataType)}, on another session. */
    static Dataset<Row> dataset(SparkSession spark, double[][] features, double[][] labels, int partitions, DataType featureType,
                                DataType labelType) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            rows.add(RowFactory.create(value(features[i], featureType), value(labels[i], labelType)));
        }
        StructType schema = new StructType().add("features", featureType).add("label", labelType);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), schema);
    }

    static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType, false);
    static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);
    static final DataType VECTOR = new org.apache.spark.ml.linalg.VectorUDT();

    private static Object value(double[] v, DataType type) {
        if (type.equals(DOUBLES)) {
            return v.clone();
        }
        if (type.equals(FLOATS)) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return f;
        }
        if (type.equals(VECTOR)) {
            return org.apache.spark.ml.linalg.Vectors.dense(v);
        }
        if (type.equals(DataTypes.DoubleType)) {
            return v[0];
        }
        throw new IllegalArgumentException("No test column of type " + type);
    }

    /** {@code n} rows of {@code width} uniform features in [-1, 1). */
    static double[][] features(int n, int width, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][width];
        for (double[] row : x) {
            for (int j = 0; j < width; j++) {
                row[j] = 2 * r.nextDouble() - 1;
            }
        }
        return x;
    }

    /** One-hot labels of {@code classes} classes: the class of a row is the index of its largest of the first {@code classes} features. */
    static double[][] oneHot(double[][] x, int classes) {
        double[][] y = new double[x.length][classes];
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (x[i][c] > x[i][best]) {
                    best = c;
                }
            }
            y[i][best] = 1;
        }
        return y;
    }
}
