package cthulhu.metrics;

import cthulhu.backend.Tensor;

import java.util.Arrays;

/**
 * Keras 3's intersection-over-union metrics, from a {@code numClasses × numClasses} confusion
 * matrix accumulated since the last reset: for each target class {@code c},
 * {@code IoU_c = TP_c / (TP_c + FP_c + FN_c + ε)}; the result is their sum over the target
 * classes whose denominator is not 0, divided by that number of classes (+ ε), ε = 1e-7. Labels
 * or predicted classes outside {@code [0, numClasses)} are not counted.
 * <ul>
 *   <li>{@link #IoU(int, int...)}: integer targets and integer predictions ({@code IoU});</li>
 *   <li>{@link #meanIoU}: every class a target ({@code MeanIoU});</li>
 *   <li>{@link #binaryIoU}: targets 0/1, a prediction ≥ {@code threshold} is class 1 ({@code BinaryIoU},
 *   defaults classes {@code (0, 1)} and 0.5; named {@code binary_io_u});</li>
 *   <li>{@link #oneHotIoU}, {@link #oneHotMeanIoU}: one-hot targets and class scores, each taken at
 *   its argmax over the last axis ({@code OneHotIoU}, {@code OneHotMeanIoU}).</li>
 * </ul>
 */
public final class IoU implements StatefulMetric {

    private static final double EPSILON = 1e-7;

    private final int numClasses;
    private final int[] targetClassIds;
    private final boolean oneHot;
    private final double threshold;
    private final double[][] matrix;

    /**
     * Integer targets and predictions.
     *
     * @throws IllegalArgumentException if {@code numClasses < 1}, no target class is given, or one
     *     is outside {@code [0, numClasses)}
     */
    public IoU(int numClasses, int... targetClassIds) {
        this(numClasses, targetClassIds, false, Double.NaN);
    }

    private IoU(int numClasses, int[] targetClassIds, boolean oneHot, double threshold) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("IoU: numClasses must be at least 1, got " + numClasses);
        }
        if (targetClassIds.length == 0 || Arrays.stream(targetClassIds).anyMatch(c -> c < 0 || c >= numClasses)) {
            throw new IllegalArgumentException("IoU: targetClassIds must be one or more classes in [0, " + numClasses
                    + "), got " + Arrays.toString(targetClassIds));
        }
        this.numClasses = numClasses;
        this.targetClassIds = targetClassIds.clone();
        this.oneHot = oneHot;
        this.threshold = threshold;
        matrix = new double[numClasses][numClasses];
    }

    /** Keras 3's {@code MeanIoU(num_classes)}: integer targets and predictions, every class a target. */
    public static IoU meanIoU(int numClasses) {
        return new IoU(numClasses, allClasses(numClasses), false, Double.NaN);
    }

    /**
     * Keras 3's {@code BinaryIoU(target_class_ids, threshold)}: two classes, a prediction ≥
     * {@code threshold} counts as class 1.
     */
    public static IoU binaryIoU(double threshold, int... targetClassIds) {
        return new IoU(2, targetClassIds, false, Recall.checkThreshold("BinaryIoU", threshold));
    }

    /** Keras 3's {@code OneHotIoU(num_classes, target_class_ids)}. */
    public static IoU oneHotIoU(int numClasses, int... targetClassIds) {
        return new IoU(numClasses, targetClassIds, true, Double.NaN);
    }

    /** Keras 3's {@code OneHotMeanIoU(num_classes)}. */
    public static IoU oneHotMeanIoU(int numClasses) {
        return new IoU(numClasses, allClasses(numClasses), true, Double.NaN);
    }

    private static int[] allClasses(int n) {
        int[] all = new int[Math.max(n, 0)];
        Arrays.setAll(all, i -> i);
        return all;
    }

    @Override
    public void reset() {
        for (double[] row : matrix) {
            Arrays.fill(row, 0);
        }
    }

    /** @throws IllegalArgumentException when targets and predictions do not pair up, naming both shapes */
    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        double[] labels = oneHot ? argmax(yTrue) : yTrue.toDoubleArray();
        double[] predicted = oneHot ? argmax(yPred) : yPred.toDoubleArray();
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException("IoU pairs each target with one prediction, but y has shape "
                    + Arrays.toString(yTrue.shape()) + " and the predictions " + Arrays.toString(yPred.shape()));
        }
        for (int i = 0; i < labels.length; i++) {
            int t = (int) labels[i];
            int p = Double.isNaN(threshold) ? (int) predicted[i] : predicted[i] >= threshold ? 1 : 0;
            if (t >= 0 && t < numClasses && p >= 0 && p < numClasses) {
                matrix[t][p]++;
            }
        }
    }

    private static double[] argmax(Tensor x) {
        double[] v = x.toDoubleArray();
        int width = x.dim(-1);
        double[] out = new double[v.length / width];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c = 1; c < width; c++) {
                if (v[r * width + c] > v[r * width + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    @Override
    public double result() {
        double sum = 0;
        int valid = 0;
        for (int c : targetClassIds) {
            double predictedAsC = 0;
            double labelledC = 0;
            for (int k = 0; k < numClasses; k++) {
                predictedAsC += matrix[k][c];
                labelledC += matrix[c][k];
            }
            double denominator = predictedAsC + labelledC - matrix[c][c];
            if (denominator > 1e-9) {
                valid++;
                sum += matrix[c][c] / (denominator + EPSILON);
            }
        }
        return sum / (valid + EPSILON);
    }
}
