package cthulhu.metrics;

import cthulhu.backend.Tensor;

import java.util.Arrays;

/**
 * Keras 3's {@code R2Score}: the coefficient of determination of each output column over every
 * sample since the last reset, {@code 1 − Σ (y − ŷ)² / Σ (y − ȳ)²} (0 where the column's targets
 * do not vary), averaged over the columns uniformly ({@code uniform_average}, the default) or
 * weighted by each column's total variation ({@code variance_weighted_average}); with
 * {@code numRegressors} {@code p > 0} and {@code n} samples, adjusted to
 * {@code 1 − (1 − R²)(n − 1)/(n − p − 1)} when {@code p < n − 1} ({@code n} counts samples, as
 * Keras's current source does; Keras 3.15.1 counted elements). Named {@code r2_score}.
 * Keras's per-column result ({@code class_aggregation=None}) is not one number, so it is not offered.
 */
public final class R2Score implements StatefulMetric {

    private final boolean varianceWeighted;
    private final int numRegressors;
    private double[] sum;
    private double[] squaredSum;
    private double[] residual;
    private long samples;

    /** Keras's defaults: uniform average, no regressors. */
    public R2Score() {
        this("uniform_average", 0);
    }

    /**
     * @param classAggregation {@code "uniform_average"} or {@code "variance_weighted_average"}
     * @param numRegressors the number of independent variables for the adjusted score, {@code >= 0}
     * @throws IllegalArgumentException for another aggregation or a negative count
     */
    public R2Score(String classAggregation, int numRegressors) {
        if (!"uniform_average".equals(classAggregation) && !"variance_weighted_average".equals(classAggregation)) {
            throw new IllegalArgumentException("R2Score: classAggregation must be \"uniform_average\" or"
                    + " \"variance_weighted_average\", got " + classAggregation);
        }
        if (numRegressors < 0) {
            throw new IllegalArgumentException("R2Score: numRegressors must be >= 0, got " + numRegressors);
        }
        this.varianceWeighted = classAggregation.equals("variance_weighted_average");
        this.numRegressors = numRegressors;
    }

    @Override
    public void reset() {
        sum = null;
        samples = 0;
    }

    /** @throws IllegalArgumentException unless both are {@code [batch, outputs]} of one shape */
    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        if (yTrue.rank() != 2 || !Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException("R2Score expects targets and predictions of one shape [batch, outputs], got "
                    + Arrays.toString(yTrue.shape()) + " and " + Arrays.toString(yPred.shape()));
        }
        int columns = yTrue.dim(1);
        if (sum == null) {
            sum = new double[columns];
            squaredSum = new double[columns];
            residual = new double[columns];
        }
        double[] y = yTrue.toDoubleArray();
        double[] p = yPred.toDoubleArray();
        for (int i = 0; i < y.length; i++) {
            int c = i % columns;
            sum[c] += y[i];
            squaredSum[c] += y[i] * y[i];
            residual[c] += (y[i] - p[i]) * (y[i] - p[i]);
        }
        samples += yTrue.dim(0);
    }

    @Override
    public double result() {
        if (sum == null || samples == 0) {
            return 0;
        }
        double weighted = 0;
        double weights = 0;
        for (int c = 0; c < sum.length; c++) {
            double total = squaredSum[c] - sum[c] * (sum[c] / samples);
            double score = 1 - residual[c] / total;
            score = Double.isInfinite(score) ? 0 : score;
            weighted += varianceWeighted ? total * score : score;
            weights += varianceWeighted ? total : 1;
        }
        double r2 = weighted / weights;
        if (numRegressors > 0 && numRegressors < samples - 1) {
            r2 = 1 - (1 - r2) * (samples - 1) / (samples - numRegressors - 1);
        }
        return r2;
    }
}
