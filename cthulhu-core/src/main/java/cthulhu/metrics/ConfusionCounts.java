package cthulhu.metrics;

import cthulhu.backend.Tensor;

import java.util.Arrays;

/**
 * True and false positives and negatives at a list of thresholds, accumulated over batches: a
 * prediction above a threshold counts as positive, a target of 1 (any value above 0.5) as true.
 */
final class ConfusionCounts {

    final double[] thresholds;
    final double[] tp;
    final double[] fp;
    final double[] tn;
    final double[] fn;

    ConfusionCounts(double... thresholds) {
        this.thresholds = thresholds.clone();
        tp = new double[thresholds.length];
        fp = new double[thresholds.length];
        tn = new double[thresholds.length];
        fn = new double[thresholds.length];
    }

    void reset() {
        Arrays.fill(tp, 0);
        Arrays.fill(fp, 0);
        Arrays.fill(tn, 0);
        Arrays.fill(fn, 0);
    }

    void update(String metric, Tensor yTrue, Tensor yPred) {
        if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException(metric + " compares targets and predictions element by element, but y has shape "
                    + Arrays.toString(yTrue.shape()) + " and the predictions " + Arrays.toString(yPred.shape()));
        }
        double[] y = yTrue.toDoubleArray();
        double[] p = yPred.toDoubleArray();
        for (int i = 0; i < y.length; i++) {
            boolean positive = y[i] > 0.5;
            for (int t = 0; t < thresholds.length; t++) {
                boolean predicted = p[i] > thresholds[t];
                if (positive) {
                    if (predicted) {
                        tp[t]++;
                    } else {
                        fn[t]++;
                    }
                } else if (predicted) {
                    fp[t]++;
                } else {
                    tn[t]++;
                }
            }
        }
    }

    /** {@code a / b}, or 0 where {@code b} is 0 (TensorFlow's {@code divide_no_nan}). */
    static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
