package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.config.Configs;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Keras 3's {@code LayerNormalization} (Ba et al., 2016): normalizes each sample over its last
 * axis, {@code y = (x − mean) / sqrt(variance + epsilon) · gamma + beta}, with the mean and the
 * (population) variance taken over that axis, separately for every sample and step.
 *
 * <p>Defaults as Keras's: {@code epsilon = 1e-3}, {@code center} and {@code scale} true, gamma
 * initialized to ones and beta to zeros. Weights {@code [gamma (features), beta (features)]},
 * either absent when {@code scale}/{@code center} is false. The mask passes through.
 */
public final class LayerNormalization extends ShapePreservingLayer {

    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private Initializer gammaInitializer = Initializers.get("ones");
    private Initializer betaInitializer = Initializers.get("zeros");
    private Variable gamma;
    private Variable beta;

    /** Normalizes over the last axis. */
    public LayerNormalization() {
    }

    /** Declares the shape of one input sample. */
    public LayerNormalization inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    /**
     * The small constant added to the variance; default {@code 1e-3}.
     *
     * @throws IllegalArgumentException if negative or not finite
     */
    public LayerNormalization epsilon(double epsilon) {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("LayerNormalization " + getName() + " needs a finite epsilon >= 0, got " + epsilon);
        }
        this.epsilon = epsilon;
        return this;
    }

    /** Whether to add the learned offset {@code beta}; default true. */
    public LayerNormalization center(boolean center) {
        checkNotBuilt("center");
        this.center = center;
        return this;
    }

    /** Whether to multiply by the learned scale {@code gamma}; default true. */
    public LayerNormalization scale(boolean scale) {
        checkNotBuilt("scale");
        this.scale = scale;
        return this;
    }

    /** The initializer of {@code gamma}; default {@code ones}. */
    public LayerNormalization gammaInitializer(Initializer initializer) {
        checkNotBuilt("gammaInitializer");
        this.gammaInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** The initializer of {@code beta}; default {@code zeros}. */
    public LayerNormalization betaInitializer(Initializer initializer) {
        checkNotBuilt("betaInitializer");
        this.betaInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    @Override
    public String className() {
        return "LayerNormalization";
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("LayerNormalization " + getName() + " needs samples with at least one axis, got "
                    + Arrays.toString(inputShape));
        }
        return super.computeOutputShape(inputShape);
    }

    /** Any leading axes; the last is fixed by the weights. */
    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        return new int[] {builtShape[builtShape.length - 1]};
    }

    @Override
    protected boolean acceptsLeadingAxes() {
        return true;
    }

    @Override
    protected void build(int[] inputShape) {
        int features = inputShape[inputShape.length - 1];
        if (scale) {
            gamma = addWeight("gamma", gammaInitializer, features);
        }
        if (center) {
            beta = addWeight("beta", betaInitializer, features);
        }
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        Tensor centered = K.subtract(inputs, K.mean(inputs, -1, true));
        Tensor variance = K.mean(K.square(centered), -1, true);
        Tensor y = K.divide(centered, K.sqrt(K.add(variance, epsilon)));
        if (scale) {
            y = K.multiply(y, gamma.value());
        }
        return center ? K.add(y, beta.value()) : y;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "axis", -1,
                "epsilon", epsilon,
                "center", center,
                "scale", scale,
                "rms_scaling", false,
                "beta_initializer", Initializers.serialize(betaInitializer),
                "gamma_initializer", Initializers.serialize(gammaInitializer),
                "beta_regularizer", null,
                "gamma_regularizer", null,
                "beta_constraint", null,
                "gamma_constraint", null);
    }
}
