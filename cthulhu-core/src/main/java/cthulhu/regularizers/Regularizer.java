package cthulhu.regularizers;

import cthulhu.backend.Tensor;

import java.util.Map;

/**
 * A penalty on a weight or on a layer's output, added to the loss that training minimises
 * (Keras's {@code Regularizer}). Layers take one as {@code kernelRegularizer},
 * {@code biasRegularizer} or {@code activityRegularizer}.
 */
public interface Regularizer {

    /** The penalty of {@code x}: a scalar tensor, written with {@code K} so that it is differentiable. */
    Tensor apply(Tensor x);

    /** The Keras class name, e.g. {@code "L2"}. */
    String className();

    /** The arguments under Keras's names, e.g. {@code {"l2": 0.01}}. */
    Map<String, Object> getConfig();
}
