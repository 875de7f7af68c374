package cthulhu.losses;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.NameRegistry;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    static {
        REGISTRY.builtIn("mean_squared_error", Losses::meanSquaredError);
        REGISTRY.builtIn("mse", REGISTRY.get("mean_squared_error"));
        REGISTRY.builtIn("mean_absolute_error", Losses::meanAbsoluteError);
        REGISTRY.builtIn("mae", REGISTRY.get("mean_absolute_error"));
        REGISTRY.builtIn("binary_crossentropy", Losses::binaryCrossentropy);
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
