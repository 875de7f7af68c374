package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.config.Configs;
import cthulhu.config.KerasVersion;
import cthulhu.initializers.Initializer;
import cthulhu.initializers.Initializers;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Keras's {@code Embedding}: turns integer ids into dense vectors by looking up rows of a
 * trainable matrix, {@code output[..., :] = embeddings[id, :]}.
 *
 * <p>Input: ids of any shape {@code [batch, ...]}, usually {@code [batch, steps]}, held as whole
 * numbers in a floatx tensor. Output: {@code [batch, ..., outputDim]}. Weights:
 * {@code [embeddings (inputDim × outputDim)]}, initialized uniformly in [-0.05, 0.05) by default.
 * With {@link #maskZero(boolean) maskZero}, id 0 is padding: {@link #computeMask} gives 0 where
 * the id is 0, so that the recurrent layers after it skip those steps.
 *
 * <pre>{@code
 * model.add(new Embedding(1000, 64).maskZero(true).inputShape(20));
 * }</pre>
 */
public final class Embedding extends Layer {

    private final int inputDim;
    private final int outputDim;
    private boolean maskZero;
    private Initializer embeddingsInitializer = Initializers.get("random_uniform");
    private Variable embeddings;

    /**
     * @param inputDim the number of ids, so the largest id is {@code inputDim - 1}; positive
     * @param outputDim the size of each vector; positive
     * @throws IllegalArgumentException if either is not positive
     */
    public Embedding(int inputDim, int outputDim) {
        if (inputDim <= 0 || outputDim <= 0) {
            throw new IllegalArgumentException("Embedding needs a positive inputDim (the number of ids) and outputDim "
                    + "(the vector size), got " + inputDim + " and " + outputDim);
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
    }

    /** Whether id 0 is padding that later layers skip (Keras's {@code mask_zero}); default false. */
    public Embedding maskZero(boolean maskZero) {
        this.maskZero = maskZero;
        return this;
    }

    /** Declares the shape of one input sample, e.g. {@code inputShape(steps)} (Keras's {@code input_shape}). */
    public Embedding inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    /** Keras's {@code input_length}: declares samples of {@code length} ids. */
    public Embedding inputLength(int length) {
        declareInputShape(length);
        return this;
    }

    /** The initializer of the embeddings by name (see {@link Initializers}); default {@code random_uniform}. */
    public Embedding embeddingsInitializer(String name) {
        return embeddingsInitializer(Initializers.get(name));
    }

    /** The initializer of the embeddings; default uniform in [-0.05, 0.05). */
    public Embedding embeddingsInitializer(Initializer initializer) {
        checkNotBuilt("embeddingsInitializer");
        this.embeddingsInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** The number of ids. */
    public int inputDim() {
        return inputDim;
    }

    /** The size of each vector. */
    public int outputDim() {
        return outputDim;
    }

    /** Whether id 0 is padding. */
    public boolean isMaskZero() {
        return maskZero;
    }

    @Override
    public String className() {
        return "Embedding";
    }

    @Override
    public int[] computeOutputShape(int[] inputShape) {
        int[] out = Arrays.copyOf(inputShape, inputShape.length + 1);
        out[inputShape.length] = outputDim;
        return out;
    }

    /** Sequences of any length: the weights do not depend on the number of ids per sample. */
    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        int[] any = new int[builtShape.length];
        Arrays.fill(any, -1);
        return any;
    }

    @Override
    protected void build(int[] inputShape) {
        embeddings = addWeight("embeddings", embeddingsInitializer, inputDim, outputDim);
    }

    /**
     * @throws IllegalArgumentException naming the layer, the id and its position when an id is not
     *     a whole number or is outside {@code [0, inputDim)}
     */
    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        int[] ids = ids(inputs);
        return K.reshape(K.gather(embeddings.value(), ids), computeOutputShape(inputs.shape()));
    }

    private int[] ids(Tensor inputs) {
        double[] values = inputs.toDoubleArray();
        int[] ids = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("Embedding " + getName() + " takes integer ids, but element " + i
                        + " of its input is " + v + "; pass whole numbers (token indices), not features or one-hot vectors");
            }
            if (v < 0 || v >= inputDim) {
                throw new IllegalArgumentException("Embedding " + getName() + " has inputDim " + inputDim + " (ids 0 to "
                        + (inputDim - 1) + "), but element " + i + " of its input is id " + (long) v
                        + "; build the layer with inputDim > " + (long) v + " or map the id into range");
            }
            ids[i] = (int) v;
        }
        return ids;
    }

    /** With {@code maskZero}: 1 where the id is not 0; otherwise the incoming mask (usually none). */
    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        if (!maskZero) {
            return mask;
        }
        return K.subtract(K.onesLike(inputs), K.equal(inputs, 0));
    }

    /** Keras 3 has no {@code input_length}: the input's shape declares the length. */
    @Override
    public Map<String, Object> getConfig(KerasVersion version) {
        Map<String, Object> config = getConfig();
        if (version.isKeras3()) {
            config.remove("input_length");
        }
        return config;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> config = Configs.of(
                "input_dim", inputDim,
                "output_dim", outputDim,
                "embeddings_initializer", Initializers.serialize(embeddingsInitializer),
                "mask_zero", maskZero);
        int[] shape = inputShape();
        config.put("input_length", shape != null && shape.length == 1 && shape[0] > 0 ? shape[0] : null);
        return config;
    }
}
