package cthulhu.metrics;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.NameRegistry;
import cthulhu.losses.BinaryCrossentropy;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.losses.SparseCategoricalCrossentropy;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The Keras 2.2.4 metrics, written against {@link K}, and the one registry of metric names.
 *
 * <p>Names: {@code binary_accuracy}, {@code categorical_accuracy},
 * {@code sparse_categorical_accuracy}, {@code top_k_categorical_accuracy} and
 * {@code sparse_top_k_categorical_accuracy} (k = {@value #DEFAULT_K}; other k through
 * {@link #topKCategoricalAccuracy(int)}), Keras 3's {@code pearson_correlation} and
 * {@code concordance_correlation}, Keras 3's stateful {@code precision}, {@code recall},
 * {@code auc}, {@code true_positives}, {@code false_positives}, {@code true_negatives},
 * {@code false_negatives}, {@code r2_score}, {@code root_mean_squared_error} and
 * {@code binary_io_u} ({@link #stateful(String)}; metrics with arguments through
 * {@link #registerStateful}), every loss name (a loss is also a metric), and
 * {@code accuracy} / {@code acc}, which stand for the accuracy that fits the model's loss and
 * are resolved by {@link #get(String, Loss, int)} exactly as Keras chooses: binary accuracy for
 * {@code binary_crossentropy} or a single output unit, sparse categorical accuracy for
 * {@code sparse_categorical_crossentropy}, categorical accuracy otherwise.
 */
public final class Metrics {

    /** The default {@code k} of the top-k accuracies, Keras's 5. */
    public static final int DEFAULT_K = 5;

    /** The names that stand for the accuracy fitting the loss. */
    public static final Set<String> ACCURACY_NAMES = Set.of("accuracy", "acc");
    /** Keras 3's stateful metrics by name: a new instance for each model that names one. */
    private static final Map<String, Supplier<StatefulMetric>> STATEFUL = new ConcurrentHashMap<>(Map.of(
            "precision", Precision::new, "recall", Recall::new, "auc", AUC::new));

    static {
        STATEFUL.put("true_positives", () -> new ConditionCount(ConditionCount.Condition.TRUE_POSITIVES));
        STATEFUL.put("false_positives", () -> new ConditionCount(ConditionCount.Condition.FALSE_POSITIVES));
        STATEFUL.put("true_negatives", () -> new ConditionCount(ConditionCount.Condition.TRUE_NEGATIVES));
        STATEFUL.put("false_negatives", () -> new ConditionCount(ConditionCount.Condition.FALSE_NEGATIVES));
        STATEFUL.put("r2_score", R2Score::new);
        STATEFUL.put("root_mean_squared_error", RootMeanSquaredError::new);
        STATEFUL.put("binary_io_u", () -> IoU.binaryIoU(0.5, 0, 1));
    }

    private static final NameRegistry<Metric> REGISTRY = new NameRegistry<>("metric", "Metrics");

    static {
        ACCURACY_NAMES.forEach(REGISTRY::reserve);
        STATEFUL.keySet().forEach(REGISTRY::reserve);
        REGISTRY.builtIn("binary_accuracy", Metrics::binaryAccuracy);
        REGISTRY.builtIn("categorical_accuracy", Metrics::categoricalAccuracy);
        REGISTRY.builtIn("sparse_categorical_accuracy", Metrics::sparseCategoricalAccuracy);
        // Keras 2.2.4's short and upper-case aliases, and Keras 3's.
        lossMetric("mean_squared_error", "mse", "MSE");
        lossMetric("mean_absolute_error", "mae", "MAE");
        lossMetric("binary_crossentropy", "bce", "BCE");
        lossMetric("categorical_crossentropy");
        lossMetric("sparse_categorical_crossentropy");
        REGISTRY.builtIn("top_k_categorical_accuracy", topKCategoricalAccuracy(DEFAULT_K));
        REGISTRY.builtIn("sparse_top_k_categorical_accuracy", sparseTopKCategoricalAccuracy(DEFAULT_K));
        lossMetric("mean_absolute_percentage_error", "mape", "MAPE");
        lossMetric("mean_squared_logarithmic_error", "msle", "MSLE");
        lossMetric("squared_hinge");
        lossMetric("hinge");
        lossMetric("categorical_hinge");
        lossMetric("logcosh", "log_cosh", "log_cosh_error");
        lossMetric("kullback_leibler_divergence", "kld", "kl_divergence");
        lossMetric("poisson");
        lossMetric("cosine_proximity", "cosine");
        REGISTRY.builtIn("cosine_similarity", Metrics::cosineSimilarity);
        lossMetric("huber");
        lossMetric("binary_focal_crossentropy");
        lossMetric("categorical_focal_crossentropy");
        REGISTRY.builtIn("pearson_correlation", Metrics::pearsonCorrelation);
        REGISTRY.builtIn("concordance_correlation", Metrics::concordanceCorrelation);
    }

    /**
     * Keras 3's {@code cosine_similarity} metric: the cosine {@code Σ ŷ · p̂} over the last axis, each
     * side scaled by {@code 1 / √max(Σ x², ε²)} — positive for agreement, the negative of the loss
     * of the same name. Named {@code cosine_similarity}.
     */
    public static Tensor cosineSimilarity(Tensor yTrue, Tensor yPred) {
        return K.negate(Losses.cosineSimilarity(yTrue, yPred));
    }

    /**
     * Keras 3's {@code pearson_correlation} over the last axis: with each side centred on its mean
     * and divided by its (population) standard deviation, the mean of their products. Named
     * {@code pearson_correlation}.
     */
    public static Tensor pearsonCorrelation(Tensor yTrue, Tensor yPred) {
        return K.mean(K.multiply(standardized(yTrue), standardized(yPred)), -1, false);
    }

    private static Tensor standardized(Tensor x) {
        Tensor centred = K.subtract(x, K.mean(x, -1, true));
        return K.divide(centred, K.sqrt(K.mean(K.square(centred), -1, true)));
    }

    /**
     * Keras 3's {@code concordance_correlation} over the last axis, exactly as Keras computes it:
     * {@code mean(2 (y − mean(ŷ)) (ŷ − mean(ŷ)) / (var(y) + var(ŷ) + (mean(y) − mean(ŷ))² + ε))}
     * (Keras centres the targets on the predictions' mean in the numerator). Named
     * {@code concordance_correlation}.
     */
    public static Tensor concordanceCorrelation(Tensor yTrue, Tensor yPred) {
        Tensor trueMean = K.mean(yTrue, -1, true);
        Tensor predMean = K.mean(yPred, -1, true);
        Tensor trueVar = K.mean(K.square(K.subtract(yTrue, trueMean)), -1, true);
        Tensor predVar = K.mean(K.square(K.subtract(yPred, predMean)), -1, true);
        Tensor covar = K.multiply(K.subtract(yTrue, predMean), K.subtract(yPred, predMean));
        Tensor norm = K.add(K.add(trueVar, predVar), K.square(K.subtract(trueMean, predMean)));
        return K.mean(K.divide(K.multiply(covar, 2), K.add(norm, K.epsilon())), -1, false);
    }

    /**
     * Makes a stateful metric known by name, so that a model compiled with the name gets a new
     * instance from {@code make} (for metrics with arguments, e.g.
     * {@code registerStateful("precision_at_recall_0.8", () -> AtConstraint.precisionAtRecall(0.8, 200))}).
     *
     * @throws IllegalArgumentException if the name is blank or already a metric's name
     */
    public static synchronized void registerStateful(String name, Supplier<StatefulMetric> make) {
        if (name == null || name.isBlank() || make == null) {
            throw new IllegalArgumentException("registerStateful needs a name and a factory, got " + name + " and " + make);
        }
        if (STATEFUL.containsKey(name) || REGISTRY.names().contains(name)) {
            throw new IllegalArgumentException("The metric name '" + name + "' is taken; choose another name");
        }
        REGISTRY.reserve(name);
        STATEFUL.put(name, make);
    }

    private Metrics() {
    }

    private static void lossMetric(String name, String... aliases) {
        Loss loss = Losses.get(name);
        Metric metric = loss::apply;
        REGISTRY.builtIn(name, metric, aliases);
    }

    /** {@code mean(yTrue == round(yPred), axis = −1)}: predictions above 0.5 count as 1. */
    public static Tensor binaryAccuracy(Tensor yTrue, Tensor yPred) {
        return K.mean(K.equal(yTrue, K.greater(yPred, 0.5)), -1, false);
    }

    /** 1 where {@code argmax(yTrue) == argmax(yPred)} along the last axis, else 0. */
    public static Tensor categoricalAccuracy(Tensor yTrue, Tensor yPred) {
        return K.equal(K.argmax(yTrue, -1), K.argmax(yPred, -1));
    }

    /**
     * 1 where the integer label equals {@code argmax(yPred)} along the last axis, else 0.
     *
     * @param yTrue labels of shape {@code yPred.shape[:-1]} or {@code yPred.shape[:-1] + [1]}
     * @throws IllegalArgumentException naming both shapes when the labels do not fit
     */
    public static Tensor sparseCategoricalAccuracy(Tensor yTrue, Tensor yPred) {
        int[] perSample = Arrays.copyOf(yPred.shape(), yPred.rank() - 1);
        int[] column = yPred.shape();
        column[column.length - 1] = 1;
        if (!Arrays.equals(yTrue.shape(), perSample) && !Arrays.equals(yTrue.shape(), column)) {
            throw new IllegalArgumentException("Integer labels of shape " + Arrays.toString(yTrue.shape())
                    + " do not fit predictions of shape " + Arrays.toString(yPred.shape()) + ": expected shape "
                    + Arrays.toString(perSample) + " or " + Arrays.toString(column));
        }
        return K.equal(K.reshape(yTrue, perSample), K.argmax(yPred, -1));
    }

    /**
     * 1 where the class {@code argmax(yTrue)} is among the {@code k} largest predictions, else 0
     * (Keras's {@code top_k_categorical_accuracy}): where scores tie at the boundary, every tied
     * class counts as in the top {@code k}, as TensorFlow's {@code in_top_k}.
     *
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public static Tensor topKCategoricalAccuracy(Tensor yTrue, Tensor yPred, int k) {
        checkK("top_k_categorical_accuracy", k);
        return inTopK(Losses.oneHot(K.argmax(yTrue, -1), yPred), yPred, k);
    }

    /**
     * 1 where the integer label is among the {@code k} largest predictions, else 0 (Keras's
     * {@code sparse_top_k_categorical_accuracy}); ties as {@link #topKCategoricalAccuracy}.
     *
     * @param yTrue labels of shape {@code yPred.shape[:-1]} or {@code yPred.shape[:-1] + [1]}
     * @throws IllegalArgumentException if {@code k < 1}, or labels that do not fit, naming the shapes
     */
    public static Tensor sparseTopKCategoricalAccuracy(Tensor yTrue, Tensor yPred, int k) {
        checkK("sparse_top_k_categorical_accuracy", k);
        return inTopK(Losses.oneHot(yTrue, yPred), yPred, k);
    }

    /** {@link #topKCategoricalAccuracy(Tensor, Tensor, int)} as a metric with a fixed {@code k}. */
    public static Metric topKCategoricalAccuracy(int k) {
        checkK("top_k_categorical_accuracy", k);
        return (yTrue, yPred) -> topKCategoricalAccuracy(yTrue, yPred, k);
    }

    /** {@link #sparseTopKCategoricalAccuracy(Tensor, Tensor, int)} as a metric with a fixed {@code k}. */
    public static Metric sparseTopKCategoricalAccuracy(int k) {
        checkK("sparse_top_k_categorical_accuracy", k);
        return (yTrue, yPred) -> sparseTopKCategoricalAccuracy(yTrue, yPred, k);
    }

    private static void checkK(String metric, int k) {
        if (k < 1) {
            throw new IllegalArgumentException(metric + ": k must be at least 1, got " + k);
        }
    }

    /** 1 where fewer than {@code k} predictions exceed the target's, the target marked by the 0/1 {@code target}. */
    private static Tensor inTopK(Tensor target, Tensor yPred, int k) {
        Tensor targetScore = K.sum(K.multiply(target, yPred), -1, true);
        Tensor above = K.sum(K.greater(yPred, targetScore), -1, false);
        return K.greater(K.negate(above), -k);
    }

    /**
     * A new instance of the stateful metric of a name ({@code precision}, {@code recall},
     * {@code auc}: Keras 3's {@link Precision}, {@link Recall}, {@link AUC} with their defaults),
     * or empty for any other name.
     */
    public static Optional<StatefulMetric> stateful(String name) {
        Supplier<StatefulMetric> make = STATEFUL.get(name);
        return make == null ? Optional.empty() : Optional.of(make.get());
    }

    private static void checkNotStateful(String name) {
        if (STATEFUL.containsKey(name)) {
            throw new IllegalArgumentException("The metric '" + name + "' accumulates over an epoch; make one with"
                    + " Metrics.stateful(\"" + name + "\")");
        }
    }

    /**
     * The metric of a name; {@code accuracy} needs the loss, see {@link #get(String, Loss, int)}.
     *
     * @throws IllegalArgumentException {@code "Unknown metric: foo. Valid names: …"}, or for
     *     {@code accuracy}, which depends on the loss
     */
    public static Metric get(String name) {
        checkNotStateful(name);
        if (ACCURACY_NAMES.contains(name)) {
            throw new IllegalArgumentException("The metric '" + name + "' depends on the loss; resolve it with"
                    + " Metrics.get(name, loss, outputUnits) or name the accuracy explicitly (binary_accuracy,"
                    + " categorical_accuracy, sparse_categorical_accuracy)");
        }
        return REGISTRY.get(name);
    }

    /**
     * The metric of a name for a model trained with {@code loss} whose output has
     * {@code outputUnits} values per sample; {@code accuracy} and {@code acc} become
     * {@code binary_accuracy} when the loss is {@code binary_crossentropy} or
     * {@code outputUnits == 1}, {@code sparse_categorical_accuracy} when it is
     * {@code sparse_categorical_crossentropy}, and {@code categorical_accuracy} otherwise.
     *
     * @throws IllegalArgumentException {@code "Unknown metric: foo. Valid names: …"}
     */
    public static Metric get(String name, Loss loss, int outputUnits) {
        checkNotStateful(name);
        if (!ACCURACY_NAMES.contains(name)) {
            return REGISTRY.get(name);
        }
        if (outputUnits == 1 || loss == Losses.get("binary_crossentropy") || loss instanceof BinaryCrossentropy) {
            return REGISTRY.get("binary_accuracy");
        }
        if (loss == Losses.get("sparse_categorical_crossentropy") || loss instanceof SparseCategoricalCrossentropy) {
            return REGISTRY.get("sparse_categorical_accuracy");
        }
        return REGISTRY.get("categorical_accuracy");
    }

    /**
     * The canonical name {@link #get} resolves to {@code metric}.
     *
     * @throws IllegalArgumentException for a metric that is neither built in nor registered,
     *     saying how to register it
     */
    public static String serialize(Metric metric) {
        return REGISTRY.serialize(metric);
    }

    /**
     * Makes a custom metric known by name.
     *
     * @throws IllegalArgumentException if the name is blank, built in, or {@code accuracy}
     */
    public static void register(String name, Metric metric) {
        REGISTRY.register(name, metric);
    }

    /** Every name {@link #get} accepts, sorted, {@code accuracy} and {@code acc} included. */
    public static Set<String> names() {
        return REGISTRY.names();
    }
}
