package cthulhu.models;

import cthulhu.backend.Tensor;

import java.util.List;

/**
 * What {@link Sequential#computeGradients} returns for one batch: its logs (the mean loss, then
 * each compiled metric in order) and the gradients of the mean loss, one per trainable variable
 * in the order of {@link Sequential#trainableVariables()}.
 *
 * @param logs the loss first, then the metrics
 * @param gradients one tensor per trainable variable, of its shape
 */
public record BatchGradients(double[] logs, List<Tensor> gradients) {
}
