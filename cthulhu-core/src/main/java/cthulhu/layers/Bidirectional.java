package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.config.KerasObjects;
import cthulhu.config.KerasVersion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras's {@code Bidirectional}: runs a recurrent layer over the sequence forwards and a copy of
 * it (same configuration, its own weights) backwards, and merges the two outputs.
 *
 * <p>With {@link Recurrent#returnSequences}, the backward output is put back in the input's step
 * order before merging, so that step {@code t} of the result sees the whole sequence. Merge
 * modes: {@code "concat"} (default; features side by side, forward first), {@code "sum"},
 * {@code "mul"}, {@code "ave"} (their mean), or null (none: the two outputs separately, through
 * {@link #callWithStates}). Weights: the forward layer's, then the backward layer's. The mask
 * reaches both; the output mask is the input mask with {@code returnSequences}, none otherwise.
 *
 * <pre>{@code
 * model.add(new Bidirectional(new LSTM(32).returnSequences(true)).inputShape(20, 8));
 * }</pre>
 */
public final class Bidirectional extends Layer {

    private static final Set<String> MODES = Set.of("concat", "sum", "mul", "ave");

    private final Recurrent<?> forward;
    private final Recurrent<?> backward;
    private String mergeMode = "concat";

    /**
     * @param layer a {@link SimpleRNN}, {@link LSTM} or {@link GRU}, which runs forwards (backwards
     *     when it {@link Recurrent#goBackwards goes backwards}: the copy then goes forwards)
     * @throws IllegalArgumentException naming the layer when it is not recurrent
     */
    public Bidirectional(Layer layer) {
        if (!(layer instanceof Recurrent<?> recurrent)) {
            throw new IllegalArgumentException("Bidirectional wraps a recurrent layer (SimpleRNN, LSTM or GRU), but got "
                    + (layer == null ? "null" : layer.className() + " " + layer.getName())
                    + "; wrap the recurrent layer instead, or use TimeDistributed to apply a layer to every step");
        }
        if (layer.isBuilt()) {
            throw new IllegalArgumentException("Bidirectional needs a layer that is not built yet, so that its backward copy gets the same"
                    + " shapes; " + layer.getName() + " is already built. Pass a new " + layer.className());
        }
        this.forward = recurrent;
        Map<String, Object> config = new LinkedHashMap<>(layer.getConfig());
        config.remove("batch_input_shape");
        config.put("go_backwards", !recurrent.isGoBackwards());
        this.backward = (Recurrent<?>) Layers.fromConfig(layer.className(), config);
        // Keras names the wrapped layer's two runs forward_<name> and backward_<name>; a name read
        // back from Keras's own config already has the prefix.
        String name = layer.getName().startsWith("forward_") ? layer.getName().substring("forward_".length()) : layer.getName();
        forward.setName("forward_" + name);
        backward.setName("backward_" + name);
    }

    /**
     * How the two outputs combine: {@code "concat"} (default), {@code "sum"}, {@code "mul"},
     * {@code "ave"}, or null for none.
     *
     * @throws IllegalArgumentException for another value, listing the valid ones
     */
    public Bidirectional mergeMode(String mergeMode) {
        if (mergeMode != null && !MODES.contains(mergeMode)) {
            throw new IllegalArgumentException("Bidirectional " + getName() + ": invalid merge mode \"" + mergeMode
                    + "\"; valid modes are \"concat\", \"sum\", \"mul\", \"ave\" and null (none)");
        }
        this.mergeMode = mergeMode;
        return this;
    }

    /** Declares the shape of one input sample, {@code [steps, features]}. */
    public Bidirectional inputShape(int... shape) {
        declareInputShape(shape);
        return this;
    }

    /** The merge mode, or null for none. */
    public String mergeMode() {
        return mergeMode;
    }

    /** The layer that runs in the wrapped layer's own direction. */
    public Recurrent<?> forwardLayer() {
        return forward;
    }

    /** The copy that runs the other way. */
    public Recurrent<?> backwardLayer() {
        return backward;
    }

    @Override
    public String className() {
        return "Bidirectional";
    }

    /** The merged output's shape; without a merge mode, the shape of each of the two outputs. */
    @Override
    public int[] computeOutputShape(int[] inputShape) {
        int[] out = forward.computeOutputShape(inputShape);
        if ("concat".equals(mergeMode)) {
            out[out.length - 1] *= 2;
        }
        return out;
    }

    @Override
    protected int[] acceptedInputShape(int[] builtShape) {
        return forward.acceptedInputShape(builtShape);
    }

    /**
     * The sequence, optionally followed by the initial states of the forward layer and then of
     * the backward one; gives the merged output (or, without a merge mode, both outputs) and,
     * when the wrapped layer returns its states, the forward and then the backward final states.
     */
    @Override
    public List<int[]> computeOutputShapes(List<int[]> inputShapes) {
        int half = (inputShapes.size() - 1) / 2;
        List<int[]> forwardShapes = forward.computeOutputShapes(
                new ArrayList<>(inputShapes.subList(0, 1 + half)));
        List<int[]> shapes = new ArrayList<>();
        shapes.add(computeOutputShape(inputShapes.get(0)));
        if (mergeMode == null) {
            shapes.add(computeOutputShape(inputShapes.get(0)));
        }
        List<int[]> states = forwardShapes.subList(1, forwardShapes.size());
        shapes.addAll(states);
        shapes.addAll(states);
        return shapes;
    }

    @Override
    protected void buildAll(List<int[]> inputShapes) {
        computeOutputShapes(inputShapes);
        build(inputShapes.get(0));
    }

    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, boolean training) {
        return callWithStates(inputs.get(0), null, inputs.subList(1, inputs.size()), training);
    }

    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, List<Tensor> masks, boolean training) {
        return callWithStates(inputs.get(0), masks.get(0), inputs.subList(1, inputs.size()), training);
    }

    /** The input mask for the output with {@code returnSequences}; none for the states. */
    @Override
    public List<Tensor> computeMasks(List<Tensor> inputs, List<Tensor> masks) {
        Tensor mask = computeMask(inputs.get(0), masks == null ? null : masks.get(0));
        return mergeMode == null ? Arrays.asList(mask, mask) : Collections.singletonList(mask);
    }

    @Override
    protected void build(int[] inputShape) {
        forward.ensureBuilt(inputShape);
        backward.ensureBuilt(inputShape);
        adoptWeights(forward);
        adoptWeights(backward);
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        return callWithStates(inputs, null, null, training).get(0);
    }

    @Override
    public Tensor computeMask(Tensor inputs, Tensor mask) {
        return forward.isReturnSequences() ? mask : null;
    }

    /**
     * Runs both directions: the merged output (or, without a merge mode, the forward and the
     * backward output), followed, when the wrapped layer {@linkplain Recurrent#returnState returns
     * its states}, by the forward layer's final states and then the backward layer's.
     *
     * @param initialState null or empty for zeros, else the forward layer's states followed by the backward layer's
     * @throws IllegalArgumentException as {@link Recurrent#callWithStates}, or for an odd number of initial states
     */
    public List<Tensor> callWithStates(Tensor inputs, Tensor mask, List<Tensor> initialState, boolean training) {
        List<Tensor> forwardState = null;
        List<Tensor> backwardState = null;
        if (initialState != null && !initialState.isEmpty()) {
            if (initialState.size() % 2 != 0) {
                throw new IllegalArgumentException("Bidirectional " + getName() + " takes the forward layer's initial states followed by"
                        + " the backward layer's, an even number, but got " + initialState.size());
            }
            int half = initialState.size() / 2;
            forwardState = initialState.subList(0, half);
            backwardState = initialState.subList(half, initialState.size());
        }
        ensureBuilt(Arrays.copyOfRange(inputs.shape(), 1, inputs.rank()));
        List<Tensor> f = forward.callWithStates(inputs, mask, forwardState, training);
        List<Tensor> b = backward.callWithStates(inputs, mask, backwardState, training);
        Tensor fOut = f.get(0);
        Tensor bOut = b.get(0);
        if (forward.isReturnSequences()) {
            bOut = reversedSteps(bOut);
        }
        List<Tensor> out = new ArrayList<>();
        if (mergeMode == null) {
            out.add(fOut);
            out.add(bOut);
        } else {
            out.add(switch (mergeMode) {
                case "concat" -> K.concatenate(List.of(fOut, bOut), -1);
                case "sum" -> K.add(fOut, bOut);
                case "mul" -> K.multiply(fOut, bOut);
                default -> K.multiply(K.add(fOut, bOut), 0.5);
            });
        }
        out.addAll(f.subList(1, f.size()));
        out.addAll(b.subList(1, b.size()));
        return out;
    }

    private static Tensor reversedSteps(Tensor x) {
        int steps = x.dim(1);
        int[] order = new int[steps];
        for (int t = 0; t < steps; t++) {
            order[t] = steps - 1 - t;
        }
        return K.transpose(K.gather(K.transpose(x, 1, 0, 2), order), 1, 0, 2);
    }

    /**
     * Keras 3 keeps the two layers' weights under {@code forward_layer/} and
     * {@code backward_layer/}: {@code forward_layer/cell/vars/0}, ….
     */
    @Override
    public List<String> kerasWeightPaths() {
        List<String> paths = new ArrayList<>();
        forward.kerasWeightPaths().forEach(p -> paths.add("forward_layer/" + p));
        backward.kerasWeightPaths().forEach(p -> paths.add("backward_layer/" + p));
        return paths;
    }

    /**
     * Checks Keras 3's {@code backward_layer}, which it writes even when it is the forward layer's
     * mirror: cthulhu makes that mirror itself, and takes no other.
     *
     * @param backwardLayer the backward layer as read from the config
     * @throws IllegalArgumentException naming both configs when it is not the mirror
     */
    void checkBackwardLayer(Layer backwardLayer) {
        Map<String, Object> expected = mirrorConfig(backward);
        Map<String, Object> given = mirrorConfig(backwardLayer);
        if (!given.equals(expected)) {
            throw new IllegalArgumentException("The config of layer Bidirectional " + getName() + " has a backward_layer that is"
                    + " not the mirror of its forward layer: expected " + expected + ", got " + given + "; cthulhu's"
                    + " Bidirectional runs a copy of the forward layer backwards, so remove backward_layer or make it that copy");
        }
    }

    /** What makes a layer the mirror of another: its class and config, but for its name and initializers. */
    private static Map<String, Object> mirrorConfig(Layer layer) {
        Map<String, Object> config = new LinkedHashMap<>(layer.getConfig());
        config.keySet().removeAll(List.of("name", "batch_input_shape", "kernel_initializer", "recurrent_initializer",
                "bias_initializer"));
        config.put("class_name", layer.className());
        return config;
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("layer", wrappedLayer(KerasVersion.CTHULHU), "merge_mode", mergeMode);
    }

    /** The config with the wrapped layer's under that Keras version's keys. */
    @Override
    public Map<String, Object> getConfig(KerasVersion version) {
        Map<String, Object> config = getConfig();
        config.put("layer", wrappedLayer(version));
        return config;
    }

    /** The wrapped layer as the user made it: the forward layer without its {@code forward_} prefix. */
    private Map<String, Object> wrappedLayer(KerasVersion version) {
        Map<String, Object> config = new LinkedHashMap<>(forward.getConfig(version));
        config.put("name", ((String) config.get("name")).substring("forward_".length()));
        return KerasObjects.serialize(forward.className(), config);
    }
}
