package cthulhu.constraints;

import cthulhu.backend.Tensor;

import java.util.Map;

/**
 * A projection applied to a weight after each optimizer step (Keras's {@code Constraint}): the
 * weight becomes {@link #apply}{@code (weight)}. Layers take one as {@code kernelConstraint} or
 * {@code biasConstraint}.
 */
public interface Constraint {

    /** The constrained value of {@code w}, of its shape. */
    Tensor apply(Tensor w);

    /** The Keras class name, e.g. {@code "MaxNorm"}. */
    String className();

    /** The arguments under Keras's names, e.g. {@code {"max_value": 2, "axis": 0}}. */
    Map<String, Object> getConfig();
}
