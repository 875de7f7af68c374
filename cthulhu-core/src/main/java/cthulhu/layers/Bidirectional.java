package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

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
        String name = layer.getName();
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

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        Map<String, Object> inner = new LinkedHashMap<>(Layers.serialize(forward));
        @SuppressWarnings("unchecked")
        Map<String, Object> innerConfig = new LinkedHashMap<>((Map<String, Object>) inner.get("config"));
        String name = (String) innerConfig.get("name");
        innerConfig.put("name", name.substring("forward_".length()));
        inner.put("config", innerConfig);
        config.put("layer", inner);
        config.put("merge_mode", mergeMode);
        return config;
    }
}
