package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.config.Configs;
import cthulhu.constraints.Constraint;
import cthulhu.constraints.Constraints;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;
import cthulhu.regularizers.Regularizer;
import cthulhu.regularizers.Regularizers;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Parametric rectified linear unit (Keras's {@code PReLU}): {@code x} for {@code x > 0},
 * {@code alpha · x} otherwise, with {@code alpha} a trainable weight,
 * {@code relu(x) - alpha · relu(-x)}.
 *
 * <p>{@code alpha} has the shape of one input sample (batch axis excluded), initialized by
 * {@code zeros}; along each of the {@link #sharedAxes shared axes} it has size 1, so that one
 * slope is shared across that axis (e.g. across the spatial axes of an image). Shared axes count
 * as in Keras from 1, the first axis after the batch axis; a shared axis may vary in size from
 * call to call.
 */
public final class PReLU extends ShapePreservingLayer {

    private Initializer alphaInitializer = Initializers.get("zeros");
    private Regularizer alphaRegularizer;
    private Constraint alphaConstraint;
    private int[] sharedAxes;
    private Variable alpha;

    /** A PReLU with {@code alpha} initialized to zeros and no shared axes. */
    public PReLU() {
    }

    /** The initializer of {@code alpha} by name (see {@link Initializers}); default {@code zeros}. */
    public PReLU alphaInitializer(String name) {
        return alphaInitializer(Initializers.get(name));
    }

    /** The initializer of {@code alpha}; default {@code zeros}. */
    public PReLU alphaInitializer(Initializer initializer) {
        checkNotBuilt("alphaInitializer");
        this.alphaInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** A penalty on {@code alpha} added to the training loss (Keras's {@code alpha_regularizer}). */
    public PReLU alphaRegularizer(Regularizer regularizer) {
        checkNotBuilt("alphaRegularizer");
        this.alphaRegularizer = regularizer;
        return this;
    }

    /** A constraint applied to {@code alpha} after each update (Keras's {@code alpha_constraint}). */
    public PReLU alphaConstraint(Constraint constraint) {
        checkNotBuilt("alphaConstraint");
        this.alphaConstraint = constraint;
        return this;
    }

    /**
     * The axes along which {@code alpha} is shared, counted from 1 (the first axis after the batch
     * axis); none by default.
     *
     * @throws IllegalArgumentException for an axis below 1
     */
    public PReLU sharedAxes(int... axes) {
        checkNotBuilt("sharedAxes");
        for (int a : axes) {
            if (a < 1) {
                throw new IllegalArgumentException("PReLU " + getName() + ": shared axis " + a + " is invalid; shared axes"
                        + " count from 1, the first axis after the batch axis (axis 0 is the batch axis and cannot be shared)");
            }
        }
        this.sharedAxes = axes.clone();
        return this;
    }

    /** The shared axes, or null when none were given. */
    public int[] sharedAxes() {
        return sharedAxes == null ? null : sharedAxes.clone();
    }

    @Override
    public String className() {
        return "PReLU";
    }

    /** @throws IllegalArgumentException naming the layer when a shared axis is beyond the samples' axes */
    @Override
    public int[] computeOutputShape(int[] inputShape) {
        alphaShape(inputShape);
        return inputShape.clone();
    }

    private int[] alphaShape(int[] inputShape) {
        int[] shape = inputShape.clone();
        if (sharedAxes != null) {
            for (int a : sharedAxes) {
                if (a > inputShape.length) {
                    throw new IllegalArgumentException("PReLU " + getName() + ": shared axis " + a
                            + " is out of range for samples of shape " + Arrays.toString(inputShape)
                            + "; shared axes count from 1 (the first axis after the batch axis) to " + inputShape.length);
                }
                shape[a - 1] = 1;
            }
        }
        return shape;
    }

    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        int[] accepted = builtShape.clone();
        if (sharedAxes != null) {
            for (int a : sharedAxes) {
                accepted[a - 1] = -1;
            }
        }
        return accepted;
    }

    @Override
    protected void build(int[] inputShape) {
        alpha = addWeight("alpha", alphaInitializer, alphaRegularizer, alphaConstraint, alphaShape(inputShape));
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        Tensor negative = K.multiply(alpha.value(), K.relu(K.negate(inputs)));
        return K.subtract(K.relu(inputs), negative);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "alpha_initializer", Initializers.serialize(alphaInitializer),
                "alpha_regularizer", Regularizers.serialize(alphaRegularizer),
                "alpha_constraint", Constraints.serialize(alphaConstraint),
                "shared_axes", sharedAxes == null ? null : Arrays.stream(sharedAxes).boxed().toList());
    }
}
