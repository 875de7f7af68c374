package cthulhu.layers;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization (Keras's {@code BatchNormalization}): each feature along {@code axis} is
 * normalized, then scaled and shifted, {@code y = γ · (x − μ) / √(σ² + ε) + β}.
 *
 * <p>In training, {@code μ} and {@code σ²} are the batch's mean and (biased) variance over every
 * other axis, and after the forward pass the moving statistics are updated outside any gradient
 * tape: {@code moving_mean ← momentum · moving_mean + (1 − momentum) · μ} and
 * {@code moving_variance ← momentum · moving_variance + (1 − momentum) · σ² · n / (n − (1 + ε))}
 * with {@code n} the number of values averaged per feature — Keras 2.2.4's update with its
 * unbiased variance estimate (without the zero-debiasing its TensorFlow backend applied, which
 * Keras dropped in 2.3). In inference, the moving statistics are used.
 *
 * <p>Defaults as Keras: axis -1, momentum 0.99, epsilon 1e-3, center and scale on; {@code β}
 * {@code zeros}, {@code γ} {@code ones}, moving mean {@code zeros}, moving variance {@code ones}.
 * Weights: {@code gamma} (when scaling), {@code beta} (when centering), {@code moving_mean},
 * {@code moving_variance}, each of the size of the normalized axis; the last two are not
 * trainable but are saved with the others.
 */
public final class BatchNormalization extends Layer {

    private int axis = -1;
    private double momentum = 0.99;
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private Initializer betaInitializer = Initializers.get("zeros");
    private Initializer gammaInitializer = Initializers.get("ones");
    private Initializer movingMeanInitializer = Initializers.get("zeros");
    private Initializer movingVarianceInitializer = Initializers.get("ones");
    private Variable gamma;
    private Variable beta;
    private Variable movingMean;
    private Variable movingVariance;

    /** Batch normalization of the last axis with Keras's defaults. */
    public BatchNormalization() {
    }

    /** Declares the shape of one input sample, batch axis excluded (Keras's {@code input_shape}). */
    public BatchNormalization inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    /** The axis of the features to normalize, counted with the batch axis (default -1, the last). */
    public BatchNormalization axis(int axis) {
        checkNotBuilt("axis");
        if (axis == 0) {
            throw new IllegalArgumentException("BatchNormalization " + getName()
                    + ": axis 0 is the batch axis, over which statistics are taken; choose a feature axis such as -1");
        }
        this.axis = axis;
        return this;
    }

    /**
     * The weight of the old value in the moving averages; default 0.99.
     *
     * @throws IllegalArgumentException if it is outside {@code [0, 1]}
     */
    public BatchNormalization momentum(double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNormalization " + getName() + ": momentum must be in [0, 1], got "
                    + momentum);
        }
        this.momentum = momentum;
        return this;
    }

    /**
     * The constant added to the variance; default 1e-3.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public BatchNormalization epsilon(double epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("BatchNormalization " + getName() + ": epsilon must be positive, got " + epsilon);
        }
        this.epsilon = epsilon;
        return this;
    }

    /** Whether to add the learned offset {@code β}; default true. */
    public BatchNormalization center(boolean center) {
        checkNotBuilt("center");
        this.center = center;
        return this;
    }

    /** Whether to multiply by the learned scale {@code γ}; default true. */
    public BatchNormalization scale(boolean scale) {
        checkNotBuilt("scale");
        this.scale = scale;
        return this;
    }

    /** {@code β}'s initializer by name; default {@code zeros}. */
    public BatchNormalization betaInitializer(String name) {
        checkNotBuilt("betaInitializer");
        this.betaInitializer = Initializers.get(name);
        return this;
    }

    /** {@code γ}'s initializer by name; default {@code ones}. */
    public BatchNormalization gammaInitializer(String name) {
        checkNotBuilt("gammaInitializer");
        this.gammaInitializer = Initializers.get(name);
        return this;
    }

    /** The moving mean's initializer by name; default {@code zeros}. */
    public BatchNormalization movingMeanInitializer(String name) {
        checkNotBuilt("movingMeanInitializer");
        this.movingMeanInitializer = Initializers.get(name);
        return this;
    }

    /** The moving variance's initializer by name; default {@code ones}. */
    public BatchNormalization movingVarianceInitializer(String name) {
        checkNotBuilt("movingVarianceInitializer");
        this.movingVarianceInitializer = Initializers.get(name);
        return this;
    }

    @Override
    public String className() {
        return "BatchNormalization";
    }

    /** The normalized axis within a sample (0-based, batch axis excluded). */
    private int featureAxis(int[] sample) {
        int a = axis < 0 ? axis + sample.length + 1 : axis;
        if (a < 1 || a > sample.length) {
            throw new IllegalArgumentException("BatchNormalization " + getName() + ": axis " + axis
                    + " is out of range for batches of rank " + (sample.length + 1) + " (sample shape "
                    + Arrays.toString(sample) + "); use an axis from 1 to " + sample.length + " or from -1 to -" + sample.length);
        }
        return a - 1;
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        int a = featureAxis(inputShape);
        if (inputShape[a] < 0) {
            throw new IllegalArgumentException("BatchNormalization " + getName() + ": axis " + axis + " of the input shape "
                    + Arrays.toString(inputShape) + " is unknown, but it sizes the weights; declare it");
        }
        return inputShape.clone();
    }

    @Override
    protected void build(int[] inputShape) {
        int features = inputShape[featureAxis(inputShape)];
        if (scale) {
            gamma = addWeight("gamma", gammaInitializer, features);
        }
        if (center) {
            beta = addWeight("beta", betaInitializer, features);
        }
        movingMean = addWeight("moving_mean", movingMeanInitializer.apply(new int[] {features}), false);
        movingVariance = addWeight("moving_variance", movingVarianceInitializer.apply(new int[] {features}), false);
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int a = featureAxis(Arrays.copyOfRange(inputs.shape(), 1, inputs.rank())) + 1;
        int[] broadcast = new int[inputs.rank()];
        Arrays.fill(broadcast, 1);
        broadcast[a] = inputs.dim(a);
        Tensor mean;
        Tensor variance;
        if (training) {
            mean = inputs;
            for (int i = inputs.rank() - 1; i >= 0; i--) {
                if (i != a) {
                    mean = K.mean(mean, i, true);
                }
            }
            variance = K.square(K.subtract(inputs, mean));
            for (int i = inputs.rank() - 1; i >= 0; i--) {
                if (i != a) {
                    variance = K.mean(variance, i, true);
                }
            }
            updateMovingStatistics(mean, variance, sampleCount(inputs, a));
        } else {
            mean = K.reshape(movingMean.value(), broadcast);
            variance = K.reshape(movingVariance.value(), broadcast);
        }
        Tensor y = K.divide(K.subtract(inputs, mean), K.sqrt(K.add(variance, epsilon)));
        if (scale) {
            y = K.multiply(y, K.reshape(gamma.value(), broadcast));
        }
        if (center) {
            y = K.add(y, K.reshape(beta.value(), broadcast));
        }
        return y;
    }

    private static long sampleCount(Tensor inputs, int axis) {
        long n = 1;
        for (int i = 0; i < inputs.rank(); i++) {
            if (i != axis) {
                n *= inputs.dim(i);
            }
        }
        return n;
    }

    /** The moving averages' update: state, not differentiated, so no tape records it. */
    private void updateMovingStatistics(Tensor mean, Tensor variance, long n) {
        int[] features = movingMean.shape();
        double unbiased = n > 1 + epsilon ? n / (n - (1 + epsilon)) : 1;
        GradientTape.withoutRecording(() -> {
            movingMean.assign(K.scoped(() -> K.add(K.multiply(movingMean.value(), momentum),
                    K.multiply(K.reshape(mean, features), 1 - momentum))));
            movingVariance.assign(K.scoped(() -> K.add(K.multiply(movingVariance.value(), momentum),
                    K.multiply(K.reshape(variance, features), (1 - momentum) * unbiased))));
            return null;
        });
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of(
                "axis", axis,
                "momentum", momentum,
                "epsilon", epsilon,
                "center", center,
                "scale", scale,
                "beta_initializer", Initializers.serialize(betaInitializer),
                "gamma_initializer", Initializers.serialize(gammaInitializer),
                "moving_mean_initializer", Initializers.serialize(movingMeanInitializer),
                "moving_variance_initializer", Initializers.serialize(movingVarianceInitializer));
    }

    /** Reads Keras's config of {@code BatchNormalization}. */
    static BatchNormalization fromConfig(ConfigReader c) {
        int[] axes = c.getIntArray("axis");
        if (axes != null && axes.length != 1) {
            throw new IllegalArgumentException("The config of layer BatchNormalization normalizes axes " + Arrays.toString(axes)
                    + "; cthulhu normalizes one axis: give a single integer");
        }
        BatchNormalization layer = new BatchNormalization()
                .momentum(c.getDouble("momentum", 0.99))
                .epsilon(c.getDouble("epsilon", 1e-3))
                .center(c.getBoolean("center", true))
                .scale(c.getBoolean("scale", true));
        if (axes != null) {
            layer.axis(axes[0]);
        }
        Layers.readInitializer(c, "beta_initializer", init -> layer.betaInitializer = init);
        Layers.readInitializer(c, "gamma_initializer", init -> layer.gammaInitializer = init);
        Layers.readInitializer(c, "moving_mean_initializer", init -> layer.movingMeanInitializer = init);
        Layers.readInitializer(c, "moving_variance_initializer", init -> layer.movingVarianceInitializer = init);
        for (String key : List.of("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
            c.requireNull(key);
        }
        if (c.getBoolean("renorm", false)) {
            throw new IllegalArgumentException("The config of layer BatchNormalization sets 'renorm' to true (batch"
                    + " renormalization), which cthulhu does not support; set it to false");
        }
        c.requireNull("renorm_clipping");
        c.ignore("renorm_momentum");
        if (c.getBoolean("synchronized", false)) {
            throw new IllegalArgumentException("The config of layer BatchNormalization sets 'synchronized' to true, which"
                    + " cthulhu does not support (it trains on one device); set it to false");
        }
        return layer;
    }
}
