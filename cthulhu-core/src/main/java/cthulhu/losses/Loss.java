package cthulhu.losses;

import cthulhu.backend.Tensor;

import java.util.List;

/**
 * A loss function (Keras's {@code loss(y_true, y_pred)}): the loss of each sample, which a model
 * averages over the batch. Any lambda over {@link cthulhu.backend.K} is a loss and trains on every
 * backend; register it with {@link Losses#register} so that a model using it can be saved.
 */
@FunctionalInterface
public interface Loss {

    /**
     * The loss of each sample.
     *
     * @param yTrue the targets, of the shape of {@code yPred} (integer labels for the sparse losses)
     * @param yPred the model's predictions, axis 0 the batch axis
     * @return one value per sample: {@code yPred}'s shape without its last axis
     */
    Tensor apply(Tensor yTrue, Tensor yPred);

    /**
     * The per-sample target shapes this loss accepts for predictions of per-sample shape
     * {@code outputShape} (batch axis excluded in both); a model refuses other targets before
     * training starts. The default is {@code outputShape} itself: a loss that compares targets
     * and predictions element by element.
     */
    default List<int[]> targetShapes(int[] outputShape) {
        return List.of(outputShape.clone());
    }

    /**
     * A hint appended to the error for targets of per-sample shape {@code targetShape} that do not
     * fit predictions of per-sample shape {@code outputShape}, starting with {@code "; "}, or
     * {@code ""} (the default) when there is nothing to add.
     */
    default String targetHint(int[] outputShape, int[] targetShape) {
        return "";
    }
}
