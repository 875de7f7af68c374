package cthulhu.spark;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

import java.util.Arrays;
import java.util.List;

/**
 * The column types a model reads from a Spark {@code Dataset}: {@code array<double>},
 * {@code array<float>}, Spark ML {@code Vector} (dense or sparse) and, for labels, a plain
 * number. Checks a schema before any job runs and reads a row's values as doubles.
 */
enum ColumnType {
    DOUBLE_ARRAY, FLOAT_ARRAY, VECTOR, NUMBER;

    /**
     * The kind of {@code column} in {@code schema}.
     *
     * @param role what the column is for, for messages ({@code "features"}, {@code "labels"})
     * @param numbers whether a plain numeric column is accepted (a label)
     * @throws IllegalArgumentException naming the column and the columns there are when it is
     *     missing, or its type and the accepted ones when it has another type
     */
    static ColumnType of(StructType schema, String column, String role, boolean numbers, String method) {
        if (column == null || !Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(method + ": the dataset has no " + role + " column '" + column + "'; its columns are "
                    + Arrays.toString(schema.fieldNames()) + ". Pass the name of the column that holds the " + role);
        }
        StructField field = schema.apply(column);
        DataType type = field.dataType();
        if (type instanceof ArrayType array) {
            if (array.elementType().equals(DataTypes.DoubleType)) {
                return DOUBLE_ARRAY;
            }
            if (array.elementType().equals(DataTypes.FloatType)) {
                return FLOAT_ARRAY;
            }
        } else if (type instanceof UserDefinedType<?> udt && Vector.class.isAssignableFrom(udt.userClass())) {
            return VECTOR;
        } else if (numbers && type instanceof NumericType) {
            return NUMBER;
        }
        throw new IllegalArgumentException(method + ": the " + role + " column '" + column + "' has type " + type.simpleString()
                + "; cthulhu reads array<double>, array<float> or a Spark ML Vector" + (numbers ? ", or a number" : "")
                + ". Convert it, e.g. with org.apache.spark.ml.functions.array_to_vector or a cast to array<double>");
    }

    /**
     * The values of field {@code index} of {@code row}.
     *
     * @throws IllegalArgumentException naming the column when the value is null
     */
    double[] read(Row row, int index, String column) {
        if (row.isNullAt(index)) {
            throw nullIn(column, "row " + row);
        }
        return switch (this) {
            case DOUBLE_ARRAY, FLOAT_ARRAY -> {
                List<? extends Number> list = row.getList(index);
                double[] out = new double[list.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = list.get(i).doubleValue();
                }
                yield out;
            }
            case VECTOR -> ((Vector) row.get(index)).toArray();
            case NUMBER -> new double[] {((Number) row.get(index)).doubleValue()};
        };
    }

    /**
     * The values of field {@code index} of {@code row}, a row of Spark's internal format, read
     * from Spark's own primitive arrays without a boxed value per element. A {@link #NUMBER} field
     * must hold a double (cast the column to double first).
     *
     * @param type the field's type: for a {@link #VECTOR}, the vector type that turns the struct
     *     a vector is stored as back into a {@link Vector}
     * @param partition the row's partition, for messages
     * @param rowIndex the row's position in its partition, for messages
     * @throws IllegalArgumentException naming the column and the row when the value, or an element of it, is null
     */
    double[] read(InternalRow row, int index, DataType type, String column, int partition, long rowIndex) {
        if (row.isNullAt(index)) {
            throw nullIn(column, "row " + rowIndex + " of partition " + partition);
        }
        return switch (this) {
            case DOUBLE_ARRAY -> elements(row.getArray(index), column, partition, rowIndex).toDoubleArray();
            case FLOAT_ARRAY -> {
                float[] values = elements(row.getArray(index), column, partition, rowIndex).toFloatArray();
                double[] out = new double[values.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = values[i];
                }
                yield out;
            }
            case VECTOR -> {
                UserDefinedType<?> vectors = (UserDefinedType<?>) type;
                yield ((Vector) vectors.deserialize(row.getStruct(index, ((StructType) vectors.sqlType()).size()))).toArray();
            }
            case NUMBER -> new double[] {row.getDouble(index)};
        };
    }

    /** {@code array}, checked to hold no null element: Spark's primitive copy would read one as 0. */
    private static ArrayData elements(ArrayData array, String column, int partition, long rowIndex) {
        for (int i = 0; i < array.numElements(); i++) {
            if (array.isNullAt(i)) {
                throw nullIn(column, "element " + i + " of row " + rowIndex + " of partition " + partition);
            }
        }
        return array;
    }

    private static IllegalArgumentException nullIn(String column, String where) {
        return new IllegalArgumentException("The column '" + column + "' holds a null in " + where + "; drop or fill such rows first");
    }
}
