package cthulhu.activations;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.NameRegistry;

import java.util.Optional;
import java.util.Set;

/**
 * The Keras 2.2.4 activation functions, written once against {@link K}, and the one registry
 * that resolves activation names.
 *
 * <p>Names are Keras's: {@code softmax, elu, selu, softplus, softsign, relu, tanh, sigmoid,
 * hard_sigmoid, exponential, linear}. {@link #get(String)} returns the same {@link Activation}
 * object for a name every time, and {@link #serialize(Activation)} maps it back, so a model's
 * configuration round-trips. Custom activations join with {@link #register(String, Activation)}.
 */
public final class Activations {

    /** SELU's α: the negative saturation, 1.6732632423543772848170429916717. */
    public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    /** SELU's λ scale: 1.0507009873554804934193349852946. */
    public static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private static final NameRegistry<Activation> REGISTRY = new NameRegistry<>("activation function", "Activations");

    static {
        builtIn("softmax", Activations::softmax);
        builtIn("elu", Activations::elu);
        builtIn("selu", Activations::selu);
        builtIn("softplus", Activations::softplus);
        builtIn("softsign", Activations::softsign);
        builtIn("relu", Activations::relu);
        builtIn("tanh", Activations::tanh);
        builtIn("sigmoid", Activations::sigmoid);
        builtIn("hard_sigmoid", Activations::hardSigmoid);
        builtIn("exponential", Activations::exponential);
        builtIn("linear", Activations::linear);
    }

    private Activations() {
    }

    private static void builtIn(String name, Activation a) {
        REGISTRY.builtIn(name, a);
    }

    /**
     * Softmax over the last axis: {@code exp(x - max) / sum(exp(x - max))}.
     *
     * @throws IllegalArgumentException for a 1-D tensor (Keras: "Cannot apply softmax to a tensor that is 1D")
     */
    public static Tensor softmax(Tensor x) {
        return softmax(x, -1);
    }

    /**
     * Softmax over {@code axis} (negative counts from the end): {@code exp(x - max) / sum(exp(x - max))}
     * along that axis, the maximum subtracted first so that inputs like 1000 do not overflow.
     *
     * @throws IllegalArgumentException for a 1-D tensor or an axis out of range
     */
    public static Tensor softmax(Tensor x, int axis) {
        return K.softmax(x, axis);
    }

    /** Exponential linear unit with α = 1: {@code x} for {@code x > 0}, {@code e^x - 1} otherwise. */
    public static Tensor elu(Tensor x) {
        return elu(x, 1.0);
    }

    /** Exponential linear unit: {@code x} for {@code x > 0}, {@code alpha · (e^x - 1)} otherwise. */
    public static Tensor elu(Tensor x, double alpha) {
        return K.elu(x, alpha);
    }

    /**
     * Scaled exponential linear unit (Klambauer et al., 2017):
     * {@code scale · elu(x, alpha)} with α = {@value #SELU_ALPHA} and scale = {@value #SELU_SCALE}.
     * Use with the {@code lecun_normal} initializer and alpha dropout.
     */
    public static Tensor selu(Tensor x) {
        return K.multiply(K.elu(x, SELU_ALPHA), SELU_SCALE);
    }

    /** Softplus {@code ln(1 + e^x)}, stable for large {@code |x|}: softplus(100) = 100. */
    public static Tensor softplus(Tensor x) {
        return K.softplus(x);
    }

    /** Softsign {@code x / (1 + |x|)}. */
    public static Tensor softsign(Tensor x) {
        return K.softsign(x);
    }

    /** Rectified linear unit {@code max(x, 0)}. */
    public static Tensor relu(Tensor x) {
        return K.relu(x);
    }

    /**
     * Keras's rectified linear unit: {@code x} for {@code x > threshold} — clipped to
     * {@code [0, maxValue]} when {@code maxValue} is not null — and {@code alpha · (x - threshold)}
     * otherwise. {@code relu(x, 0, null, 0)} is {@code max(x, 0)}.
     */
    public static Tensor relu(Tensor x, double alpha, Double maxValue, double threshold) {
        return K.relu(x, alpha, maxValue, threshold);
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return K.tanh(x);
    }

    /** Logistic sigmoid {@code 1 / (1 + e^-x)}. */
    public static Tensor sigmoid(Tensor x) {
        return K.sigmoid(x);
    }

    /** Hard sigmoid, a piecewise-linear sigmoid: {@code clip(0.2 · x + 0.5, 0, 1)}. */
    public static Tensor hardSigmoid(Tensor x) {
        return K.hardSigmoid(x);
    }

    /** Exponential {@code e^x}. */
    public static Tensor exponential(Tensor x) {
        return K.exp(x);
    }

    /** The identity: returns {@code x} itself. */
    public static Tensor linear(Tensor x) {
        return x;
    }

    /**
     * The activation of a Keras name, or a name registered with {@link #register}. The same name
     * always gives the same object.
     *
     * @param name a name such as {@code "relu"} or {@code "hard_sigmoid"}; null gives {@code linear}
     * @throws IllegalArgumentException {@code "Unknown activation function: foo"} listing the valid names
     */
    public static Activation get(String name) {
        return REGISTRY.get(name == null ? "linear" : name);
    }

    /**
     * The name {@link #get} resolves to {@code activation}: the name it is built in or registered
     * under, or, for a method reference such as {@code K::tanh} or {@code Activations::selu}, the
     * built-in activation that method computes.
     *
     * @throws IllegalArgumentException for an activation that is neither built in, registered nor a
     *     method reference to a built-in activation, saying how to register it
     */
    public static String serialize(Activation activation) {
        if (activation != null) {
            Optional<String> byMethod = MethodReferences.builtInName(activation, REGISTRY::isBuiltIn);
            if (byMethod.isPresent()) {
                return byMethod.get();
            }
        }
        return REGISTRY.serialize(activation);
    }

    /**
     * Makes a custom activation known by name, so that layers can name it and models that use it
     * can be saved and loaded.
     *
     * @throws IllegalArgumentException if the name is blank or a built-in name
     */
    public static void register(String name, Activation activation) {
        REGISTRY.register(name, activation);
    }

    /** Whether {@code name} is one of the built-in activations (not a registered custom one). */
    public static boolean isBuiltIn(String name) {
        return REGISTRY.isBuiltIn(name);
    }

    /** Every name {@link #get} accepts, sorted. */
    public static Set<String> names() {
        return REGISTRY.names();
    }
}
