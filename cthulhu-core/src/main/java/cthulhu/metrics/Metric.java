package cthulhu.metrics;

import cthulhu.backend.Tensor;

/**
 * A metric (Keras's {@code metric(y_true, y_pred)}): a value per sample that a model averages
 * over the batch and the epoch and reports, but does not train on. Any lambda over
 * {@link cthulhu.backend.K} is a metric; register it with {@link Metrics#register} to compile
 * models with its name.
 */
@FunctionalInterface
public interface Metric {

    /**
     * The metric of each sample.
     *
     * @param yTrue the targets
     * @param yPred the model's predictions, axis 0 the batch axis
     * @return one value per sample: {@code yPred}'s shape without its last axis
     */
    Tensor apply(Tensor yTrue, Tensor yPred);
}
