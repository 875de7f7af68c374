package cthulhu.metrics;

import cthulhu.backend.Tensor;

import java.util.Arrays;

/**
 * Keras 3's {@code RootMeanSquaredError}: {@code √(mean((ŷ − y)²))} over every element since the
 * last reset (the root of the accumulated mean, not a mean of batch roots); 0 before any.
 * Named {@code root_mean_squared_error}.
 */
public final class RootMeanSquaredError implements StatefulMetric {

    private double squares;
    private long count;

    @Override
    public void reset() {
        squares = 0;
        count = 0;
    }

    /** @throws IllegalArgumentException when the shapes differ, naming both */
    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
            throw new IllegalArgumentException("root_mean_squared_error compares targets and predictions element by element,"
                    + " but y has shape " + Arrays.toString(yTrue.shape()) + " and the predictions " + Arrays.toString(yPred.shape()));
        }
        double[] y = yTrue.toDoubleArray();
        double[] p = yPred.toDoubleArray();
        for (int i = 0; i < y.length; i++) {
            squares += (p[i] - y[i]) * (p[i] - y[i]);
        }
        count += y.length;
    }

    @Override
    public double result() {
        return count == 0 ? 0 : Math.sqrt(squares / count);
    }
}
