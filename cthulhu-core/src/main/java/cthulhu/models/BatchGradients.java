package cthulhu.models;

import cthulhu.backend.Tensor;

import java.util.List;

/**
 * What {@link Model#computeGradients} returns for one batch: its logs (the loss, then each
 * compiled metric in order) and the gradients of the mean loss, one per trainable variable
 * in the order of {@link Model#trainableVariables()}.
 *
 * @param logs the loss first, then the metrics
 * @param gradients one tensor per trainable variable, of its shape
 */
public record BatchGradients(double[] logs, List<Tensor> gradients) {
}
