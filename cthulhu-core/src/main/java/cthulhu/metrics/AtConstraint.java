package cthulhu.metrics;

import cthulhu.backend.Tensor;

/**
 * Keras 3's {@code SensitivitySpecificityBase} and its four metrics: confusion counts at
 * {@code numThresholds} thresholds {@code 0, 1/(n−1), …, (n−2)/(n−1), 1} (one threshold, 0.5,
 * when {@code n = 1}) over every element since the last reset; the result is the largest value
 * of one rate among the thresholds where another rate is at least {@code value}, or 0 when none
 * is:
 * <ul>
 *   <li>{@link #sensitivityAtSpecificity}: the best recall where specificity {@code TN/(TN+FP) ≥ value};</li>
 *   <li>{@link #specificityAtSensitivity}: the best specificity where recall {@code TP/(TP+FN) ≥ value};</li>
 *   <li>{@link #precisionAtRecall}: the best precision {@code TP/(TP+FP)} where recall ≥ value;</li>
 *   <li>{@link #recallAtPrecision}: the best recall where precision ≥ value.</li>
 * </ul>
 * A rate with a zero denominator is 0. Keras's default {@code numThresholds} is 200.
 */
public final class AtConstraint implements StatefulMetric {

    private enum Rate {
        RECALL, SPECIFICITY, PRECISION
    }

    private final String name;
    private final Rate constrained;
    private final Rate maximised;
    private final double value;
    private final ConfusionCounts counts;

    private AtConstraint(String name, Rate constrained, Rate maximised, double value, int numThresholds) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + ": the constraint's value must be in [0, 1], got " + value);
        }
        if (numThresholds < 1) {
            throw new IllegalArgumentException(name + ": numThresholds must be at least 1, got " + numThresholds);
        }
        this.name = name;
        this.constrained = constrained;
        this.maximised = maximised;
        this.value = value;
        double[] thresholds = new double[numThresholds];
        if (numThresholds == 1) {
            thresholds[0] = 0.5;
        } else {
            for (int i = 1; i < numThresholds - 1; i++) {
                thresholds[i] = (double) i / (numThresholds - 1);
            }
            thresholds[numThresholds - 1] = 1;
        }
        counts = new ConfusionCounts(thresholds);
    }

    /** Keras 3's {@code SensitivityAtSpecificity(specificity, num_thresholds)}. */
    public static AtConstraint sensitivityAtSpecificity(double specificity, int numThresholds) {
        return new AtConstraint("SensitivityAtSpecificity", Rate.SPECIFICITY, Rate.RECALL, specificity, numThresholds);
    }

    /** Keras 3's {@code SpecificityAtSensitivity(sensitivity, num_thresholds)}. */
    public static AtConstraint specificityAtSensitivity(double sensitivity, int numThresholds) {
        return new AtConstraint("SpecificityAtSensitivity", Rate.RECALL, Rate.SPECIFICITY, sensitivity, numThresholds);
    }

    /** Keras 3's {@code PrecisionAtRecall(recall, num_thresholds)}. */
    public static AtConstraint precisionAtRecall(double recall, int numThresholds) {
        return new AtConstraint("PrecisionAtRecall", Rate.RECALL, Rate.PRECISION, recall, numThresholds);
    }

    /** Keras 3's {@code RecallAtPrecision(precision, num_thresholds)}. */
    public static AtConstraint recallAtPrecision(double precision, int numThresholds) {
        return new AtConstraint("RecallAtPrecision", Rate.PRECISION, Rate.RECALL, precision, numThresholds);
    }

    @Override
    public void reset() {
        counts.reset();
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        counts.update(name, yTrue, yPred);
    }

    @Override
    public double result() {
        double best = 0;
        for (int t = 0; t < counts.thresholds.length; t++) {
            if (rate(constrained, t) >= value) {
                best = Math.max(best, rate(maximised, t));
            }
        }
        return best;
    }

    private double rate(Rate rate, int t) {
        return switch (rate) {
            case RECALL -> ConfusionCounts.ratio(counts.tp[t], counts.tp[t] + counts.fn[t]);
            case SPECIFICITY -> ConfusionCounts.ratio(counts.tn[t], counts.tn[t] + counts.fp[t]);
            case PRECISION -> ConfusionCounts.ratio(counts.tp[t], counts.tp[t] + counts.fp[t]);
        };
    }
}
