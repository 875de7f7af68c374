package cthulhu.metrics;

import cthulhu.backend.Tensor;

import java.util.Arrays;

/**
 * Keras 3's {@code FBetaScore} and {@code F1Score} over predictions of shape
 * {@code [batch, classes]}: each prediction counts as positive when above {@code threshold}, or,
 * without one, when it is its row's largest (ties all count) and not 0; per class since the last
 * reset, with ε = 1e-7, {@code P = TP/(TP + FP + ε)}, {@code R = TP/(TP + FN + ε)} and
 * {@code F = (1 + β²) · P·R / (β²·P + R + ε)}. The result averages it: {@code "micro"} pools the
 * counts of every class first, {@code "macro"} takes the mean over classes, {@code "weighted"}
 * weighs each class by its number of true targets. Keras's default {@code average=None} gives one
 * score per class, not one number, so it is not offered (and {@code f1_score} is not a name).
 */
public final class FBetaScore implements StatefulMetric {

    private static final double EPSILON = 1e-7;

    private final String average;
    private final double beta;
    private final Double threshold;
    private double[] tp;
    private double[] fp;
    private double[] fn;
    private double[] support;

    /**
     * @param average {@code "micro"}, {@code "macro"} or {@code "weighted"}
     * @param beta the weight of recall against precision, positive and finite
     * @param threshold the threshold in {@code [0, 1]}, or null for each row's largest prediction
     * @throws IllegalArgumentException for another average, a bad β or a threshold outside {@code [0, 1]}
     */
    public FBetaScore(String average, double beta, Double threshold) {
        if (!"micro".equals(average) && !"macro".equals(average) && !"weighted".equals(average)) {
            throw new IllegalArgumentException("FBetaScore: average must be \"micro\", \"macro\" or \"weighted\", got " + average);
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("FBetaScore: beta must be positive and finite, got " + beta);
        }
        this.average = average;
        this.beta = beta;
        this.threshold = threshold == null ? null : Recall.checkThreshold("FBetaScore", threshold);
    }

    /** Keras 3's {@code F1Score(average, threshold)}: β = 1. */
    public static FBetaScore f1Score(String average, Double threshold) {
        return new FBetaScore(average, 1, threshold);
    }

    @Override
    public void reset() {
        tp = null;
    }

    /** @throws IllegalArgumentException unless both are {@code [batch, classes]} of one shape */
    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        if (yTrue.rank() != 2 || !Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException("FBetaScore expects targets and predictions of one shape [batch, classes], got "
                    + Arrays.toString(yTrue.shape()) + " and " + Arrays.toString(yPred.shape()));
        }
        int classes = yTrue.dim(1);
        if (tp == null) {
            tp = new double[classes];
            fp = new double[classes];
            fn = new double[classes];
            support = new double[classes];
        }
        double[] y = yTrue.toDoubleArray();
        double[] p = yPred.toDoubleArray();
        for (int r = 0; r < y.length / classes; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, p[r * classes + c]);
            }
            for (int c = 0; c < classes; c++) {
                double pc = p[r * classes + c];
                double predicted = (threshold == null ? pc >= max && Math.abs(pc) > 1e-9 : pc > threshold) ? 1 : 0;
                double truth = y[r * classes + c];
                tp[c] += predicted * truth;
                fp[c] += predicted * (1 - truth);
                fn[c] += (1 - predicted) * truth;
                support[c] += truth;
            }
        }
    }

    @Override
    public double result() {
        if (tp == null) {
            return 0;
        }
        if (average.equals("micro")) {
            return score(Arrays.stream(tp).sum(), Arrays.stream(fp).sum(), Arrays.stream(fn).sum());
        }
        double total = 0;
        double weights = Arrays.stream(support).sum() + EPSILON;
        for (int c = 0; c < tp.length; c++) {
            double f = score(tp[c], fp[c], fn[c]);
            total += average.equals("macro") ? f / tp.length : f * support[c] / weights;
        }
        return total;
    }

    private double score(double truePositives, double falsePositives, double falseNegatives) {
        double precision = truePositives / (truePositives + falsePositives + EPSILON);
        double recall = truePositives / (truePositives + falseNegatives + EPSILON);
        double b2 = beta * beta;
        return precision * recall / (b2 * precision + recall + EPSILON) * (1 + b2);
    }
}
