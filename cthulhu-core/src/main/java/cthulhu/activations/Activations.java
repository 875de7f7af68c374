package cthulhu.activations;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.NameRegistry;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The Keras 2.2.4 and Keras 3 activation functions, written once against {@link K}, and the one
 * registry that resolves activation names.
 *
 * <p>Names are Keras's: {@code softmax, elu, selu, softplus, softsign, relu, tanh, sigmoid,
 * hard_sigmoid, exponential, linear} with Keras 2.2.4's meaning, and Keras 3's {@code relu6,
 * leaky_relu, gelu, silu} (alias {@code swish}), {@code mish, celu, glu, log_softmax,
 * log_sigmoid, hard_silu} (alias {@code hard_swish}), {@code hard_tanh, hard_shrink, soft_shrink,
 * tanh_shrink, squareplus, sparse_plus, sparse_sigmoid, sparsemax}, each with Keras 3's default
 * arguments. Keras 3 redefined {@code hard_sigmoid} as {@code relu6(x + 3) / 6}; that function is
 * named {@code hard_sigmoid_v3} here. Keras 3's {@code threshold} has no defaults, so it is a
 * method but not a name. At a kink the gradient is a one-sided derivative, as TensorFlow's.
 * {@link #get(String)} returns the same {@link Activation} object for a name every time, and {@link #serialize(Activation)} maps it back, so a model's
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
        builtIn("relu6", Activations::relu6);
        builtIn("leaky_relu", Activations::leakyRelu);
        builtIn("gelu", Activations::gelu);
        builtIn("silu", Activations::silu);
        alias("swish", "silu");
        builtIn("mish", Activations::mish);
        builtIn("celu", Activations::celu);
        builtIn("glu", Activations::glu);
        builtIn("log_softmax", Activations::logSoftmax);
        builtIn("log_sigmoid", Activations::logSigmoid);
        builtIn("hard_sigmoid_v3", Activations::hardSigmoidV3);
        builtIn("hard_silu", Activations::hardSilu);
        alias("hard_swish", "hard_silu");
        builtIn("hard_tanh", Activations::hardTanh);
        builtIn("hard_shrink", Activations::hardShrink);
        builtIn("soft_shrink", Activations::softShrink);
        builtIn("tanh_shrink", Activations::tanhShrink);
        builtIn("squareplus", Activations::squareplus);
        builtIn("sparse_plus", Activations::sparsePlus);
        builtIn("sparse_sigmoid", Activations::sparseSigmoid);
        builtIn("sparsemax", Activations::sparsemax);
    }

    private Activations() {
    }

    private static void builtIn(String name, Activation a) {
        REGISTRY.builtIn(name, a);
    }

    /** A second name for a built-in activation; {@link #serialize} keeps giving the first. */
    private static void alias(String name, String canonical) {
        REGISTRY.builtIn(name, REGISTRY.get(canonical));
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

    // ---- Keras 3 ------------------------------------------------------------------------------

    /** Keras 3's default negative slope of {@link #leakyRelu(Tensor)}: 0.2. */
    public static final double LEAKY_RELU_SLOPE = 0.2;
    /** Keras 3's default threshold of {@link #hardShrink(Tensor)} and {@link #softShrink(Tensor)}: 0.5. */
    public static final double SHRINK_THRESHOLD = 0.5;
    /** Keras 3's default {@code b} of {@link #squareplus(Tensor)}: 4. */
    public static final double SQUAREPLUS_B = 4;
    private static final double SQRT_2_OVER_PI = 0.79788456080286535587989211986876;
    private static final double SQRT_HALF = 0.70710678118654752440084436210485;

    /**
     * ReLU capped at 6: {@code min(max(x, 0), 6)} (Keras 3); gradient 0 at 0 and 1 at 6, as
     * {@link #relu(Tensor, double, Double, double)} with a maximum (TensorFlow's clip).
     */
    public static Tensor relu6(Tensor x) {
        return K.relu(x, 0, 6.0, 0);
    }

    /** Leaky ReLU with Keras 3's slope {@value #LEAKY_RELU_SLOPE}: {@code x} for {@code x > 0}, {@code 0.2 · x} otherwise. */
    public static Tensor leakyRelu(Tensor x) {
        return leakyRelu(x, LEAKY_RELU_SLOPE);
    }

    /**
     * Leaky ReLU: {@code x} for {@code x > 0}, {@code negativeSlope · x} otherwise (Keras 3); the
     * gradient at 0 is {@code negativeSlope}, as TensorFlow's and JAX's.
     */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return K.where(K.greater(x, 0), x, K.multiply(x, negativeSlope));
    }

    /**
     * Gaussian error linear unit, exact as Keras 3's default: {@code x · Φ(x) = x/2 · (1 + erf(x/√2))}
     * (Hendrycks and Gimpel, 2016). Finite for every finite {@code x}: 0 far left, {@code x} far right.
     */
    public static Tensor gelu(Tensor x) {
        return gelu(x, false);
    }

    /**
     * Gaussian error linear unit: exact, {@code x/2 · (1 + erf(x/√2))}, or with {@code approximate}
     * the tanh form {@code x/2 · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))}.
     */
    public static Tensor gelu(Tensor x, boolean approximate) {
        Tensor inner = approximate
                ? K.tanh(K.multiply(K.add(x, K.multiply(K.pow(x, 3), 0.044715)), SQRT_2_OVER_PI))
                : K.erf(K.multiply(x, SQRT_HALF));
        return K.multiply(K.multiply(x, 0.5), K.add(inner, 1));
    }

    /** Sigmoid linear unit, also named {@code swish}: {@code x · sigmoid(x)} (Keras 3). */
    public static Tensor silu(Tensor x) {
        return K.multiply(x, K.sigmoid(x));
    }

    /** Mish: {@code x · tanh(softplus(x))} (Misra, 2019), through the stable softplus: mish(1000) = 1000. */
    public static Tensor mish(Tensor x) {
        return K.multiply(x, K.tanh(K.softplus(x)));
    }

    /** Continuously differentiable ELU with Keras 3's α = 1: {@code max(x, 0) + (e^min(x, 0) − 1)}. */
    public static Tensor celu(Tensor x) {
        return celu(x, 1);
    }

    /**
     * Continuously differentiable ELU (Barron, 2017): {@code max(x, 0) + α · (e^(min(x, 0)/α) − 1)}.
     *
     * @throws IllegalArgumentException if {@code alpha} is zero or not finite
     */
    public static Tensor celu(Tensor x, double alpha) {
        if (alpha == 0 || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("celu's alpha must be finite and non-zero (it divides x), got " + alpha);
        }
        return K.add(K.relu(x), K.multiply(K.expm1(K.divide(K.minimum(x, 0), alpha)), alpha));
    }

    /** Gated linear unit over the last axis; see {@link #glu(Tensor, int)}. */
    public static Tensor glu(Tensor x) {
        return glu(x, -1);
    }

    /**
     * Gated linear unit (Dauphin et al., 2017): {@code x} split into halves {@code a, b} along
     * {@code axis}, then {@code a · sigmoid(b)}; the result has half the size on that axis.
     *
     * @throws IllegalArgumentException if that axis has odd size, naming the shape and the axis
     */
    public static Tensor glu(Tensor x, int axis) {
        int n = x.dim(axis);
        if (n % 2 != 0) {
            throw new IllegalArgumentException("glu splits axis " + axis + " into two halves, but it has odd size " + n
                    + " in shape " + Arrays.toString(x.shape()) + "; give that axis an even size");
        }
        return K.multiply(K.slice(x, axis, 0, n / 2), K.sigmoid(K.slice(x, axis, n / 2, n)));
    }

    /** Log-softmax over the last axis; see {@link #logSoftmax(Tensor, int)}. */
    public static Tensor logSoftmax(Tensor x) {
        return logSoftmax(x, -1);
    }

    /**
     * Logarithm of the softmax along {@code axis}: {@code x − m − ln Σ e^(x − m)} with {@code m}
     * the maximum along that axis, so no exponential overflows; any rank of at least 1 (Keras 3).
     */
    public static Tensor logSoftmax(Tensor x, int axis) {
        Tensor shifted = K.subtract(x, K.max(x, axis, true));
        return K.subtract(shifted, K.log(K.sum(K.exp(shifted), axis, true)));
    }

    /** Logarithm of the sigmoid, {@code −softplus(−x)}: finite everywhere, log_sigmoid(−1000) = −1000. */
    public static Tensor logSigmoid(Tensor x) {
        return K.negate(K.softplus(K.negate(x)));
    }

    /**
     * Keras 3's hard sigmoid, {@code relu6(x + 3) / 6}: 0 below −3, 1 above 3. Keras 3 calls it
     * {@code hard_sigmoid}; here that name keeps Keras 2.2.4's {@code clip(0.2 · x + 0.5, 0, 1)}
     * ({@link #hardSigmoid}), and this one is named {@code hard_sigmoid_v3}.
     */
    public static Tensor hardSigmoidV3(Tensor x) {
        return K.divide(relu6(K.add(x, 3)), 6);
    }

    /** Hard SiLU, also named {@code hard_swish}: {@code x · relu6(x + 3) / 6} (Keras 3). */
    public static Tensor hardSilu(Tensor x) {
        return K.multiply(x, hardSigmoidV3(x));
    }

    /** Hard tanh: {@code clip(x, −1, 1)} (Keras 3). */
    public static Tensor hardTanh(Tensor x) {
        return K.clip(x, -1, 1);
    }

    /** Hard shrink with Keras 3's threshold {@value #SHRINK_THRESHOLD}; see {@link #hardShrink(Tensor, double)}. */
    public static Tensor hardShrink(Tensor x) {
        return hardShrink(x, SHRINK_THRESHOLD);
    }

    /** Hard shrink: {@code x} where {@code |x| > threshold}, 0 elsewhere (Keras 3). */
    public static Tensor hardShrink(Tensor x, double threshold) {
        return K.multiply(x, K.greater(K.abs(x), threshold));
    }

    /** Soft shrink with Keras 3's threshold {@value #SHRINK_THRESHOLD}; see {@link #softShrink(Tensor, double)}. */
    public static Tensor softShrink(Tensor x) {
        return softShrink(x, SHRINK_THRESHOLD);
    }

    /**
     * Soft shrink: {@code x − threshold} above {@code threshold}, {@code x + threshold} below
     * {@code −threshold}, 0 between; that is {@code x − clip(x, −threshold, threshold)} (Keras 3).
     */
    public static Tensor softShrink(Tensor x, double threshold) {
        return K.subtract(x, K.clip(x, -threshold, threshold));
    }

    /** Tanh shrink: {@code x − tanh(x)} (Keras 3). */
    public static Tensor tanhShrink(Tensor x) {
        return K.subtract(x, K.tanh(x));
    }

    /** Squareplus with Keras 3's {@code b} = {@value #SQUAREPLUS_B}; see {@link #squareplus(Tensor, double)}. */
    public static Tensor squareplus(Tensor x) {
        return squareplus(x, SQUAREPLUS_B);
    }

    /**
     * Squareplus (Barron, 2021): {@code (x + √(x² + b)) / 2}, a smooth ReLU. Computed without
     * cancellation as {@code b / (2 (r + |x|))} for {@code x < 0}, and with
     * {@code r = m · √((x/m)² + b/m²)}, {@code m = max(|x|, 1)}, so that {@code x²} never
     * overflows: squareplus(−1e4) keeps its relative accuracy and squareplus(1e30) is 1e30 in float32.
     *
     * @throws IllegalArgumentException if {@code b} is not positive and finite (Keras 3 uses b = 0 for relu)
     */
    public static Tensor squareplus(Tensor x, double b) {
        if (!(b > 0) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("squareplus's b must be positive and finite, got " + b
                    + "; for b = 0 squareplus is relu");
        }
        Tensor magnitude = K.abs(x);
        Tensor m = K.maximum(magnitude, 1);
        Tensor r = K.multiply(m, K.sqrt(K.add(K.square(K.divide(x, m)), K.multiply(K.reciprocal(K.square(m)), b))));
        // Both branches are finite everywhere, so the one where discards passes no NaN to the gradient.
        Tensor left = K.divide(K.reciprocal(K.add(r, magnitude)), 2 / b);
        Tensor right = K.divide(K.add(x, r), 2);
        return K.where(K.greater(K.negate(x), 0), left, right);
    }

    /** SparsePlus: 0 up to −1, {@code (x + 1)² / 4} on {@code (−1, 1)}, {@code x} from 1 (Keras 3). */
    public static Tensor sparsePlus(Tensor x) {
        return K.add(K.divide(K.square(K.add(K.clip(x, -1, 1), 1)), 4), K.relu(K.subtract(x, 1)));
    }

    /** Sparse sigmoid: 0 up to −1, {@code (x + 1) / 2} on {@code (−1, 1)}, 1 from 1; {@code clip((x + 1)/2, 0, 1)} (Keras 3). */
    public static Tensor sparseSigmoid(Tensor x) {
        return K.clip(K.multiply(K.add(x, 1), 0.5), 0, 1);
    }

    /** Sparsemax over the last axis; see {@link #sparsemax(Tensor, int)}. */
    public static Tensor sparsemax(Tensor x) {
        return sparsemax(x, -1);
    }

    /**
     * Sparsemax (Martins and Astudillo, 2016): the Euclidean projection of {@code x} along
     * {@code axis} onto the probability simplex, {@code max(x − τ, 0)} with {@code τ} such that the
     * result sums to 1: with {@code S} the support {@code {i : 1 + kᵢ xᵢ > Σ_{xⱼ ≥ xᵢ} xⱼ}},
     * {@code kᵢ = #{j : xⱼ ≥ xᵢ}}, {@code τ = (Σ_S x − 1) / |S|}. Found by comparing every pair
     * along the axis (no sort), so it costs {@code n²} per slice of size {@code n}. Keras 3.15's
     * own sparsemax computes a wrong {@code τ} when the support has more than one element (its
     * outputs then do not sum to 1; keras-team/keras#23425); this follows the paper.
     */
    public static Tensor sparsemax(Tensor x, int axis) {
        int a = axis < 0 ? axis + x.rank() : axis;
        if (x.rank() == 0 || a < 0 || a >= x.rank()) {
            throw new IllegalArgumentException("sparsemax: axis " + axis + " is out of range for shape "
                    + Arrays.toString(x.shape()));
        }
        Tensor xi = K.reshape(x, withUnitAxis(x.shape(), a + 1));
        Tensor xj = K.reshape(x, withUnitAxis(x.shape(), a));
        Tensor atLeast = K.greaterEqual(xj, xi);
        Tensor rank = K.sum(atLeast, a + 1, false);
        Tensor above = K.sum(K.multiply(atLeast, xj), a + 1, false);
        Tensor support = K.greater(K.add(K.multiply(rank, x), 1), above);
        Tensor tau = K.divide(K.subtract(K.sum(K.multiply(support, x), a, true), 1), K.sum(support, a, true));
        return K.relu(K.subtract(x, tau));
    }

    private static int[] withUnitAxis(int[] shape, int at) {
        int[] out = new int[shape.length + 1];
        System.arraycopy(shape, 0, out, 0, at);
        out[at] = 1;
        System.arraycopy(shape, at, out, at + 1, shape.length - at);
        return out;
    }

    /**
     * Threshold (Keras 3): {@code x} where {@code x > threshold}, {@code defaultValue} elsewhere.
     * Keras 3 gives neither argument a default, so the name {@code threshold} does not resolve
     * without them; use a lambda over this method.
     */
    public static Tensor threshold(Tensor x, double threshold, double defaultValue) {
        return K.where(K.greater(x, threshold), x, K.full(x.dtype(), defaultValue));
    }

    /**
     * The activation of a Keras name, or a name registered with {@link #register}. The same name
     * always gives the same object.
     *
     * @param name a name such as {@code "relu"} or {@code "hard_sigmoid"}; null gives {@code linear}
     * @throws IllegalArgumentException {@code "Unknown activation function: foo"} listing the valid names
     */
    public static Activation get(String name) {
        String key = name == null ? "linear" : name;
        if (key.equals("threshold") && REGISTRY.find(key) == null) {
            throw new IllegalArgumentException("The activation 'threshold' has no default threshold or replacement value"
                    + " (Keras 3's threshold(x, threshold, default_value)); use x -> Activations.threshold(x, threshold,"
                    + " defaultValue), registered with Activations.register to save it by name");
        }
        return REGISTRY.get(key);
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
