package cthulhu.metrics;

import cthulhu.backend.Tensor;

/**
 * Keras 3's {@code AUC}: the area under the ROC (default) or precision-recall curve over every
 * element since the last reset, from confusion counts at {@code numThresholds} thresholds (default
 * 200): {@code −ε}, {@code i/(n−1)} for {@code i = 1 … n−2}, and {@code 1 + ε}, with ε = 1e-7.
 * Keras's default summation, {@code interpolation}: for ROC the trapezoidal rule over
 * (false-positive rate, recall); for PR the interpolation of Davis and Goadrich (2006), as
 * Keras computes it. Named {@code auc} (ROC).
 */
public final class AUC implements StatefulMetric {

    /** Which curve's area. */
    public enum Curve {
        /** Recall against false-positive rate. */
        ROC,
        /** Precision against recall. */
        PR
    }

    private final Curve curve;
    private final ConfusionCounts counts;

    /** Keras's defaults: 200 thresholds, ROC. */
    public AUC() {
        this(200, Curve.ROC);
    }

    /** @throws IllegalArgumentException if {@code numThresholds < 2} */
    public AUC(int numThresholds, Curve curve) {
        if (numThresholds < 2) {
            throw new IllegalArgumentException("AUC: numThresholds must be at least 2, got " + numThresholds);
        }
        this.curve = curve;
        double epsilon = 1e-7;
        double[] thresholds = new double[numThresholds];
        for (int i = 1; i < numThresholds - 1; i++) {
            thresholds[i] = (double) i / (numThresholds - 1);
        }
        thresholds[0] = -epsilon;
        thresholds[numThresholds - 1] = 1 + epsilon;
        counts = new ConfusionCounts(thresholds);
    }

    @Override
    public void reset() {
        counts.reset();
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        counts.update("auc", yTrue, yPred);
    }

    @Override
    public double result() {
        return curve == Curve.ROC ? roc() : pr();
    }

    private double roc() {
        double area = 0;
        for (int i = 0; i + 1 < counts.thresholds.length; i++) {
            double x0 = ConfusionCounts.ratio(counts.fp[i], counts.fp[i] + counts.tn[i]);
            double x1 = ConfusionCounts.ratio(counts.fp[i + 1], counts.fp[i + 1] + counts.tn[i + 1]);
            double y0 = ConfusionCounts.ratio(counts.tp[i], counts.tp[i] + counts.fn[i]);
            double y1 = ConfusionCounts.ratio(counts.tp[i + 1], counts.tp[i + 1] + counts.fn[i + 1]);
            area += (x0 - x1) * (y0 + y1) / 2;
        }
        return area;
    }

    /**
     * Between two thresholds precision is taken as {@code TP / P} with TP linear in the number of
     * positive predictions P: {@code TP = slope · P + intercept}; its integral over recall is
     * {@code slope · ΔTP + intercept · ln(P₀ / P₁)}, divided by the positives.
     */
    private double pr() {
        double area = 0;
        double[] tp = counts.tp;
        for (int i = 0; i + 1 < tp.length; i++) {
            double p0 = tp[i] + counts.fp[i];
            double p1 = tp[i + 1] + counts.fp[i + 1];
            double dtp = tp[i] - tp[i + 1];
            double slope = ConfusionCounts.ratio(dtp, Math.max(p0 - p1, 0));
            double intercept = tp[i + 1] - slope * p1;
            double logRatio = p0 > 0 && p1 > 0 ? Math.log(ConfusionCounts.ratio(p0, Math.max(p1, 0))) : 0;
            area += ConfusionCounts.ratio(slope * (dtp + intercept * logRatio), Math.max(tp[i + 1] + counts.fn[i + 1], 0));
        }
        return area;
    }
}
