/**
 * Metrics: the {@link cthulhu.metrics.Metric} interface and {@link cthulhu.metrics.Metrics}, the
 * Keras 2.2.4 accuracies and the one registry of metric names, which resolves {@code accuracy}
 * for the model's loss as Keras does.
 */
package cthulhu.metrics;
