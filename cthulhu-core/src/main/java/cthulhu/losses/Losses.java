package cthulhu.losses;

import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.KerasObjects;
import cthulhu.config.NameRegistry;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The Keras 2.2.4 loss functions, written once against {@link K}, and the one registry of loss
 * names.
 *
 * <p>Each loss returns one value per sample (the mean over the last axis where Keras takes one);
 * models average it over the batch. Names: {@code mean_squared_error} ({@code mse}),
 * {@code mean_absolute_error} ({@code mae}), {@code binary_crossentropy},
 * {@code categorical_crossentropy}, {@code sparse_categorical_crossentropy}. Probabilities are
 * clipped to {@code [ε, 1 − ε]} with ε = {@link K#epsilon()} before their logarithm is taken.
 */
public final class Losses {

    private static final NameRegistry<Loss> REGISTRY = new NameRegistry<>("loss function", "Losses");
    private static final Map<String, Function<Map<String, Object>, Loss>> CLASSES = Map.of(
            "BinaryCrossentropy", BinaryCrossentropy::fromConfig,
            "CategoricalCrossentropy", CategoricalCrossentropy::fromConfig,
            "SparseCategoricalCrossentropy", SparseCategoricalCrossentropy::fromConfig,
            "Huber", Huber::fromConfig,
            "BinaryFocalCrossentropy", BinaryFocalCrossentropy::fromConfig,
            "CategoricalFocalCrossentropy", CategoricalFocalCrossentropy::fromConfig,
            "Tversky", Tversky::fromConfig);

    static {
        // Keras 2.2.4's short and upper-case aliases, and Keras 3's.
        REGISTRY.builtIn("mean_squared_error", Losses::meanSquaredError, "mse", "MSE");
        REGISTRY.builtIn("mean_absolute_error", Losses::meanAbsoluteError, "mae", "MAE");
        REGISTRY.builtIn("binary_crossentropy", Losses::binaryCrossentropy, "bce", "BCE");
        REGISTRY.builtIn("categorical_crossentropy", new Loss() {
            @Override
            public Tensor apply(Tensor yTrue, Tensor yPred) {
                return categoricalCrossentropy(yTrue, yPred);
            }

            @Override
            public String targetHint(int[] outputShape, int[] targetShape) {
                return targetShape.length <= 1 && (targetShape.length == 0 || targetShape[0] == 1)
                        ? "; for integer labels use sparse_categorical_crossentropy, or one-hot encode y" : "";
            }
        });
        REGISTRY.builtIn("sparse_categorical_crossentropy", new Loss() {
            @Override
            public Tensor apply(Tensor yTrue, Tensor yPred) {
                return sparseCategoricalCrossentropy(yTrue, yPred);
            }

            /** Integer labels: the output's shape without its class axis, or with a class axis of 1. */
            @Override
            public List<int[]> targetShapes(int[] outputShape) {
                int[] column = outputShape.clone();
                column[column.length - 1] = 1;
                return List.of(Arrays.copyOf(outputShape, outputShape.length - 1), column);
            }

            @Override
            public String targetHint(int[] outputShape, int[] targetShape) {
                return Arrays.equals(outputShape, targetShape) ? "; for one-hot targets use categorical_crossentropy" : "";
            }
        });
        REGISTRY.builtIn("mean_absolute_percentage_error", Losses::meanAbsolutePercentageError, "mape", "MAPE");
        REGISTRY.builtIn("mean_squared_logarithmic_error", Losses::meanSquaredLogarithmicError, "msle", "MSLE");
        REGISTRY.builtIn("squared_hinge", Losses::squaredHinge);
        REGISTRY.builtIn("hinge", Losses::hinge);
        REGISTRY.builtIn("categorical_hinge", Losses::categoricalHinge);
        REGISTRY.builtIn("logcosh", Losses::logcosh, "log_cosh");
        REGISTRY.builtIn("kullback_leibler_divergence", Losses::kullbackLeiblerDivergence, "kld", "kl_divergence", "KLD");
        REGISTRY.builtIn("poisson", Losses::poisson);
        REGISTRY.builtIn("cosine_proximity", Losses::cosineProximity, "cosine");
        REGISTRY.builtIn("cosine_similarity", Losses::cosineSimilarity);
        REGISTRY.builtIn("huber", Losses::huber);
        REGISTRY.builtIn("binary_focal_crossentropy", new BinaryFocalCrossentropy(false, 0.25, 2, false, 0));
        REGISTRY.builtIn("categorical_focal_crossentropy", new CategoricalFocalCrossentropy(0.25, 2, false, 0));
        REGISTRY.builtIn("dice", Losses::dice);
        REGISTRY.builtIn("tversky", new Tversky(0.5, 0.5));
    }

    private Losses() {
    }

    /** {@code mean((yPred − yTrue)², axis = −1)}. */
    public static Tensor meanSquaredError(Tensor yTrue, Tensor yPred) {
        return K.mean(K.square(K.subtract(yPred, yTrue)), -1, false);
    }

    /** {@code mean(|yPred − yTrue|, axis = −1)}. */
    public static Tensor meanAbsoluteError(Tensor yTrue, Tensor yPred) {
        return K.mean(K.abs(K.subtract(yPred, yTrue)), -1, false);
    }

    /**
     * {@code mean(−(y · ln p + (1 − y) · ln(1 − p)), axis = −1)} with {@code p = clip(yPred, ε, 1 − ε)}:
     * the cross-entropy of independent Bernoulli predictions (sigmoid outputs).
     */
    public static Tensor binaryCrossentropy(Tensor yTrue, Tensor yPred) {
        double eps = K.epsilon();
        Tensor p = K.clip(yPred, eps, 1 - eps);
        Tensor positive = K.multiply(yTrue, K.log(p));
        Tensor negative = K.multiply(K.subtract(K.onesLike(yTrue), yTrue), K.log(K.subtract(K.onesLike(p), p)));
        return K.negate(K.mean(K.add(positive, negative), -1, false));
    }

    /**
     * {@code −Σ y · ln p} over the last axis, where {@code p} is {@code yPred} scaled to sum to 1
     * along that axis, then clipped to {@code [ε, 1 − ε]} (Keras's TensorFlow backend). Targets
     * are one-hot (or any distribution) of the shape of {@code yPred}.
     */
    public static Tensor categoricalCrossentropy(Tensor yTrue, Tensor yPred) {
        double eps = K.epsilon();
        Tensor scaled = K.divide(yPred, K.sum(yPred, -1, true));
        Tensor p = K.clip(scaled, eps, 1 - eps);
        return K.negate(K.sum(K.multiply(yTrue, K.log(p)), -1, false));
    }

    /**
     * Categorical cross-entropy with integer class labels: {@code −ln(q[label])} where
     * {@code q = clip(yPred, ε, 1 − ε)} scaled to sum to 1 along the last axis (Keras's TensorFlow
     * backend clips first, then normalizes through a softmax of the logarithm).
     *
     * @param yTrue the labels {@code 0 … classes − 1} stored as floats, of shape
     *     {@code yPred.shape[:-1]} or {@code yPred.shape[:-1] + [1]}
     * @throws IllegalArgumentException naming both shapes when the labels do not fit, or a label
     *     outside {@code [0, classes)}
     */
    public static Tensor sparseCategoricalCrossentropy(Tensor yTrue, Tensor yPred) {
        double eps = K.epsilon();
        Tensor q = K.clip(yPred, eps, 1 - eps);
        Tensor normalized = K.divide(q, K.sum(q, -1, true));
        return K.negate(K.sum(K.multiply(oneHot(yTrue, yPred), K.log(normalized)), -1, false));
    }

    /**
     * Binary cross-entropy with Keras 3's options: targets smoothed to {@code y · (1 − s) + s/2};
     * with {@code fromLogits} the predictions are logits {@code z} and the loss is the stable
     * {@code mean(softplus(z) − z · y, axis = −1)}, finite for any {@code z}; otherwise
     * {@link #binaryCrossentropy(Tensor, Tensor)} of the smoothed targets.
     *
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]}
     */
    public static Tensor binaryCrossentropy(Tensor yTrue, Tensor yPred, boolean fromLogits, double labelSmoothing) {
        checkLabelSmoothing(labelSmoothing);
        Tensor y = labelSmoothing == 0 ? yTrue : K.add(K.multiply(yTrue, 1 - labelSmoothing), labelSmoothing / 2);
        if (!fromLogits) {
            return binaryCrossentropy(y, yPred);
        }
        return K.mean(K.subtract(K.softplus(yPred), K.multiply(yPred, y)), -1, false);
    }

    /**
     * Categorical cross-entropy with Keras 3's options: targets smoothed to
     * {@code y · (1 − s) + s / classes}; with {@code fromLogits} the predictions are logits and the
     * loss is {@code −Σ y · log_softmax(z)} over the last axis, finite for any {@code z}; otherwise
     * {@link #categoricalCrossentropy(Tensor, Tensor)} of the smoothed targets.
     *
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]}
     */
    public static Tensor categoricalCrossentropy(Tensor yTrue, Tensor yPred, boolean fromLogits, double labelSmoothing) {
        checkLabelSmoothing(labelSmoothing);
        Tensor y = labelSmoothing == 0 ? yTrue
                : K.add(K.multiply(yTrue, 1 - labelSmoothing), labelSmoothing / yPred.dim(-1));
        if (!fromLogits) {
            return categoricalCrossentropy(y, yPred);
        }
        return K.negate(K.sum(K.multiply(y, Activations.logSoftmax(yPred)), -1, false));
    }

    /**
     * Sparse categorical cross-entropy; with {@code fromLogits} the predictions are logits and the
     * loss is {@code −log_softmax(z)[label]}, finite for any {@code z}.
     *
     * @throws IllegalArgumentException as {@link #sparseCategoricalCrossentropy(Tensor, Tensor)}
     */
    public static Tensor sparseCategoricalCrossentropy(Tensor yTrue, Tensor yPred, boolean fromLogits) {
        if (!fromLogits) {
            return sparseCategoricalCrossentropy(yTrue, yPred);
        }
        return K.negate(K.sum(K.multiply(oneHot(yTrue, yPred), Activations.logSoftmax(yPred)), -1, false));
    }

    /**
     * {@code 100 · mean(|yTrue − yPred| / max(|yTrue|, ε), axis = −1)} (Keras 2.2.4), a percentage;
     * names {@code mean_absolute_percentage_error}, {@code mape}.
     */
    public static Tensor meanAbsolutePercentageError(Tensor yTrue, Tensor yPred) {
        Tensor relative = K.divide(K.abs(K.subtract(yTrue, yPred)), K.maximum(K.abs(yTrue), K.epsilon()));
        return K.multiply(K.mean(relative, -1, false), 100);
    }

    /**
     * {@code mean((ln(max(yPred, ε) + 1) − ln(max(yTrue, ε) + 1))², axis = −1)} (Keras 2.2.4);
     * names {@code mean_squared_logarithmic_error}, {@code msle}.
     */
    public static Tensor meanSquaredLogarithmicError(Tensor yTrue, Tensor yPred) {
        double eps = K.epsilon();
        Tensor difference = K.subtract(K.log1p(K.maximum(yPred, eps)), K.log1p(K.maximum(yTrue, eps)));
        return K.mean(K.square(difference), -1, false);
    }

    /** {@code mean(max(1 − yTrue · yPred, 0)², axis = −1)} for targets ±1 (Keras 2.2.4). */
    public static Tensor squaredHinge(Tensor yTrue, Tensor yPred) {
        return K.mean(K.square(hingeMargin(yTrue, yPred)), -1, false);
    }

    /** {@code mean(max(1 − yTrue · yPred, 0), axis = −1)} for targets ±1 (Keras 2.2.4). */
    public static Tensor hinge(Tensor yTrue, Tensor yPred) {
        return K.mean(hingeMargin(yTrue, yPred), -1, false);
    }

    private static Tensor hingeMargin(Tensor yTrue, Tensor yPred) {
        return K.relu(K.subtract(K.onesLike(yPred), K.multiply(yTrue, yPred)));
    }

    /**
     * {@code max(0, max((1 − yTrue) · yPred) − Σ yTrue · yPred + 1)} over the last axis, for one-hot
     * targets: the best wrong score against the right one (Keras 2.2.4).
     */
    public static Tensor categoricalHinge(Tensor yTrue, Tensor yPred) {
        Tensor positive = K.sum(K.multiply(yTrue, yPred), -1, false);
        Tensor negative = K.max(K.multiply(K.subtract(K.onesLike(yTrue), yTrue), yPred), -1, false);
        return K.relu(K.add(K.subtract(negative, positive), 1));
    }

    /**
     * {@code mean(ln cosh(yPred − yTrue), axis = −1)}, as {@code d + softplus(−2d) − ln 2} so that
     * large errors do not overflow (Keras 2.2.4); names {@code logcosh} and Keras 3's {@code log_cosh}.
     */
    public static Tensor logcosh(Tensor yTrue, Tensor yPred) {
        Tensor d = K.subtract(yPred, yTrue);
        return K.mean(K.subtract(K.add(d, K.softplus(K.multiply(d, -2))), Math.log(2)), -1, false);
    }

    /**
     * {@code Σ y · ln(y / p)} over the last axis with {@code y = clip(yTrue, ε, 1)},
     * {@code p = clip(yPred, ε, 1)} (Keras 2.2.4); names {@code kullback_leibler_divergence},
     * {@code kld}, and Keras 3's {@code kl_divergence}.
     */
    public static Tensor kullbackLeiblerDivergence(Tensor yTrue, Tensor yPred) {
        double eps = K.epsilon();
        Tensor y = K.clip(yTrue, eps, 1);
        Tensor p = K.clip(yPred, eps, 1);
        return K.sum(K.multiply(y, K.log(K.divide(y, p))), -1, false);
    }

    /** {@code mean(yPred − yTrue · ln(yPred + ε), axis = −1)}: the Poisson negative log-likelihood up to a constant (Keras 2.2.4). */
    public static Tensor poisson(Tensor yTrue, Tensor yPred) {
        return K.mean(K.subtract(yPred, K.multiply(yTrue, K.log(K.add(yPred, K.epsilon())))), -1, false);
    }

    /**
     * Keras 2.2.4's {@code cosine_proximity}: the negative cosine {@code −Σ ŷ · p̂} over the last
     * axis, each side scaled by {@code 1 / √max(Σ x², 10⁻¹²)} (TensorFlow's {@code l2_normalize}).
     * Ranges from −1 (same direction) to 1.
     */
    public static Tensor cosineProximity(Tensor yTrue, Tensor yPred) {
        return negativeCosine(yTrue, yPred, 1e-12);
    }

    /**
     * Keras 3's {@code cosine_similarity} loss: the negative cosine as {@link #cosineProximity},
     * each side scaled by {@code 1 / √max(Σ x², ε²)}; 0 when either side is a zero vector.
     */
    public static Tensor cosineSimilarity(Tensor yTrue, Tensor yPred) {
        double eps = K.epsilon();
        return negativeCosine(yTrue, yPred, eps * eps);
    }

    private static Tensor negativeCosine(Tensor yTrue, Tensor yPred, double floor) {
        return K.negate(K.sum(K.multiply(l2Normalize(yTrue, floor), l2Normalize(yPred, floor)), -1, false));
    }

    private static Tensor l2Normalize(Tensor x, double floor) {
        return K.divide(x, K.sqrt(K.maximum(K.sum(K.square(x), -1, true), floor)));
    }

    /** Huber loss with Keras 3's {@code delta} = 1; see {@link #huber(Tensor, Tensor, double)}. */
    public static Tensor huber(Tensor yTrue, Tensor yPred) {
        return huber(yTrue, yPred, 1);
    }

    /**
     * Huber loss (Keras 3): {@code mean(e²/2 where |e| <= δ, else δ · |e| − δ²/2, axis = −1)} with
     * {@code e = yPred − yTrue}: quadratic near 0, linear beyond {@code delta}.
     */
    public static Tensor huber(Tensor yTrue, Tensor yPred, double delta) {
        Tensor e = K.subtract(yPred, yTrue);
        Tensor abs = K.abs(e);
        Tensor quadratic = K.multiply(K.square(e), 0.5);
        Tensor linear = K.subtract(K.multiply(abs, delta), 0.5 * delta * delta);
        return K.mean(K.where(K.greater(abs, delta), linear, quadratic), -1, false);
    }

    /**
     * Keras 3's {@code binary_focal_crossentropy} (Lin et al., 2018): with targets smoothed to
     * {@code y · (1 − s) + s/2} and {@code p = sigmoid(yPred)} when {@code fromLogits} (else
     * {@code yPred}), each element's binary cross-entropy {@code bce = −(y ln p' + (1 − y) ln(1 − p'))},
     * {@code p' = clip(p, ε, 1 − ε)}, is scaled by {@code (1 − p_t)^γ} where
     * {@code p_t = y · p + (1 − y)(1 − p)}, and with class balancing also by
     * {@code y · α + (1 − y)(1 − α)}; the loss is the mean over the last axis. {@code γ = 0} without
     * balancing is {@code binary_crossentropy}. Keras's defaults: no balancing, α 0.25, γ 2.
     *
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]}
     */
    public static Tensor binaryFocalCrossentropy(Tensor yTrue, Tensor yPred, boolean applyClassBalancing, double alpha,
                                                 double gamma, boolean fromLogits, double labelSmoothing) {
        checkLabelSmoothing(labelSmoothing);
        Tensor y = labelSmoothing == 0 ? yTrue : K.add(K.multiply(yTrue, 1 - labelSmoothing), labelSmoothing / 2);
        Tensor p = fromLogits ? K.sigmoid(yPred) : yPred;
        double eps = K.epsilon();
        Tensor clipped = K.clip(p, eps, 1 - eps);
        Tensor notY = K.subtract(K.onesLike(y), y);
        Tensor bce = K.negate(K.add(K.multiply(y, K.log(clipped)), K.multiply(notY, K.log(K.subtract(K.onesLike(clipped), clipped)))));
        Tensor pT = K.add(K.multiply(y, p), K.multiply(notY, K.subtract(K.onesLike(p), p)));
        Tensor focal = K.multiply(K.pow(K.subtract(K.onesLike(pT), pT), gamma), bce);
        if (applyClassBalancing) {
            focal = K.multiply(K.add(K.multiply(y, alpha), K.multiply(notY, 1 - alpha)), focal);
        }
        return K.mean(focal, -1, false);
    }

    /**
     * Keras 3's {@code categorical_focal_crossentropy}: with targets smoothed to
     * {@code y · (1 − s) + s / classes} and {@code p = softmax(yPred)} when {@code fromLogits}
     * (else {@code yPred}), {@code q = clip(p / Σ p, ε, 1 − ε)} over the last axis, the loss is
     * {@code Σ α · (1 − q)^γ · (−y · ln q)} over the last axis. Keras's defaults: α 0.25, γ 2.
     *
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside {@code [0, 1]}
     */
    public static Tensor categoricalFocalCrossentropy(Tensor yTrue, Tensor yPred, double alpha, double gamma,
                                                      boolean fromLogits, double labelSmoothing) {
        checkLabelSmoothing(labelSmoothing);
        Tensor y = labelSmoothing == 0 ? yTrue
                : K.add(K.multiply(yTrue, 1 - labelSmoothing), labelSmoothing / yPred.dim(-1));
        Tensor p = fromLogits ? K.softmax(yPred, -1) : yPred;
        double eps = K.epsilon();
        Tensor q = K.clip(K.divide(p, K.sum(p, -1, true)), eps, 1 - eps);
        Tensor cce = K.negate(K.multiply(y, K.log(q)));
        Tensor weight = K.multiply(K.pow(K.subtract(K.onesLike(q), q), gamma), alpha);
        return K.sum(K.multiply(weight, cce), -1, false);
    }

    /**
     * Keras 3's {@code dice} loss with its default {@code axis=None}: over the whole batch,
     * {@code 1 − 2 Σ y·p / (Σ y + Σ p + ε)}, one value for the batch (image segmentation).
     */
    public static Tensor dice(Tensor yTrue, Tensor yPred) {
        Tensor intersection = K.sum(K.multiply(yTrue, yPred));
        Tensor ratio = K.divide(K.multiply(intersection, 2), K.add(K.add(K.sum(yTrue), K.sum(yPred)), K.epsilon()));
        return K.subtract(K.onesLike(ratio), ratio);
    }

    /**
     * Keras 3's {@code tversky} loss (Salehi et al., 2017) with its default {@code axis=None}: over
     * the whole batch, with {@code TP = Σ y·p}, {@code FP = Σ (1 − y)·p}, {@code FN = Σ y·(1 − p)},
     * {@code 1 − TP / (TP + α·FP + β·FN + ε)}, one value for the batch; α = β = 0.5 (the defaults)
     * is {@link #dice}. α weighs false positives, as Keras documents and its current source
     * computes (Keras 3.15.1 and earlier swapped the two sums).
     */
    public static Tensor tversky(Tensor yTrue, Tensor yPred, double alpha, double beta) {
        Tensor tp = K.sum(K.multiply(yPred, yTrue));
        Tensor fp = K.sum(K.multiply(K.subtract(K.onesLike(yTrue), yTrue), yPred));
        Tensor fn = K.sum(K.multiply(yTrue, K.subtract(K.onesLike(yPred), yPred)));
        Tensor ratio = K.divide(tp, K.add(K.add(K.add(tp, K.multiply(fp, alpha)), K.multiply(fn, beta)), K.epsilon()));
        return K.subtract(K.onesLike(ratio), ratio);
    }

    /** @throws IllegalArgumentException if {@code s} is outside {@code [0, 1]} */
    static void checkLabelSmoothing(double s) {
        if (!(s >= 0 && s <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + s);
        }
    }

    /** A boolean of a Keras config, false when absent. */
    static boolean flag(Map<String, Object> config, String key) {
        Object v = config.get(key);
        return v instanceof Boolean b ? b : v != null && Boolean.parseBoolean(v.toString());
    }

    /** A number of a Keras config, {@code absent} when missing. */
    static double number(Map<String, Object> config, String key, double absent) {
        Object v = config.get(key);
        return v instanceof Number n ? n.doubleValue() : v == null ? absent : Double.parseDouble(v.toString());
    }

    /**
     * The one-hot encoding, of the shape of {@code yPred}, of integer labels stored as floats.
     *
     * @param labels of shape {@code yPred.shape[:-1]} or {@code yPred.shape[:-1] + [1]}
     * @throws IllegalArgumentException naming both shapes when they do not fit, or the first label
     *     that is not an integer in {@code [0, classes)}
     */
    public static Tensor oneHot(Tensor labels, Tensor yPred) {
        int[] pred = yPred.shape();
        int classes = pred[pred.length - 1];
        int[] column = pred.clone();
        column[column.length - 1] = 1;
        int[] labelShape = labels.shape();
        boolean withAxis = Arrays.equals(labelShape, column);
        boolean withoutAxis = Arrays.equals(labelShape, Arrays.copyOf(pred, pred.length - 1));
        if (!withAxis && !withoutAxis) {
            throw new IllegalArgumentException("Integer labels of shape " + Arrays.toString(labelShape)
                    + " do not fit predictions of shape " + Arrays.toString(pred) + ": expected shape "
                    + Arrays.toString(Arrays.copyOf(pred, pred.length - 1)) + " or " + Arrays.toString(column)
                    + ". For one-hot targets use categorical_crossentropy instead");
        }
        for (double v : labels.toDoubleArray()) {
            if (v != Math.rint(v) || v < 0 || v >= classes) {
                throw new IllegalArgumentException("Label " + v + " is not a class index in [0, " + classes
                        + ") for predictions of shape " + Arrays.toString(pred));
            }
        }
        double[] range = new double[classes];
        for (int i = 0; i < classes; i++) {
            range[i] = i;
        }
        Tensor classIndex = K.constant(labels.dtype(), range, classes);
        return K.equal(K.reshape(labels, column), classIndex);
    }

    /**
     * The loss saved under {@code serialized}: a name (see {@link #get}) or Keras 3's
     * {@code {"class_name": …, "config": {…}}} of a {@link ParameterizedLoss} ({@code BinaryCrossentropy},
     * {@code CategoricalCrossentropy}, {@code SparseCategoricalCrossentropy}, {@code Huber}).
     *
     * @throws IllegalArgumentException for an unknown name or class, listing the known ones
     */
    public static Loss deserialize(Object serialized) {
        if (serialized instanceof String name) {
            return get(name);
        }
        if (serialized instanceof Map<?, ?> map && map.get("class_name") instanceof String className) {
            Function<Map<String, Object>, Loss> factory = CLASSES.get(className);
            if (factory == null) {
                throw new IllegalArgumentException("Unknown loss class: " + className + ". Known classes: "
                        + String.join(", ", new TreeSet<>(CLASSES.keySet())));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> config = map.get("config") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
            return factory.apply(config);
        }
        throw new IllegalArgumentException("A saved loss is a name or {\"class_name\": …, \"config\": {…}}, got " + serialized);
    }

    /**
     * What {@link #deserialize} reads back as {@code loss}: its name when it has one, else the
     * {@code {"class_name", "config"}} of a {@link ParameterizedLoss}.
     *
     * @throws IllegalArgumentException for a loss that is none of these, saying how to register it
     */
    public static Object serializeConfig(Loss loss) {
        Optional<String> name = nameOf(loss);
        if (name.isEmpty() && loss instanceof ParameterizedLoss p) {
            return KerasObjects.serialize(p.className(), p.getConfig());
        }
        return serialize(loss);
    }

    /**
     * The loss of a name.
     *
     * @throws IllegalArgumentException {@code "Unknown loss function: foo. Valid names: …"}
     */
    public static Loss get(String name) {
        return REGISTRY.get(name);
    }

    /**
     * The canonical name {@link #get} resolves to {@code loss} ({@code mean_squared_error} for
     * the object of {@code mse}).
     *
     * @throws IllegalArgumentException for a loss that is neither built in nor registered, saying
     *     how to register it
     */
    public static String serialize(Loss loss) {
        return REGISTRY.serialize(loss);
    }

    /** The canonical name of {@code loss}, or empty when it is neither built in nor registered. */
    public static Optional<String> nameOf(Loss loss) {
        return Optional.ofNullable(REGISTRY.nameOf(loss));
    }

    /**
     * Makes a custom loss known by name, so that models can be compiled with the name and saved.
     *
     * @throws IllegalArgumentException if the name is blank or built in
     */
    public static void register(String name, Loss loss) {
        REGISTRY.register(name, loss);
    }

    /** Every name {@link #get} accepts, sorted. */
    public static Set<String> names() {
        return REGISTRY.names();
    }
}
