package cthulhu.models;

import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.callbacks.History;
import cthulhu.config.Configs;
import cthulhu.layers.Input;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerNames;
import cthulhu.layers.Layers;
import cthulhu.layers.Symbol;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A linear stack of layers (Keras 2.2.4's {@code Sequential}).
 *
 * <pre>{@code
 * try (Sequential model = new Sequential()) {
 *     model.add(new Daoloth(64, "relu").inputShape(64));
 *     model.add(new Daoloth(10, "softmax"));
 *     model.compile("adam", "categorical_crossentropy", "accuracy");
 *     History h = model.fit(x, y, 60, 32);
 *     double[] lossAndAccuracy = model.evaluate(xTest, yTest);
 * }
 * }</pre>
 *
 * <p>The model is built when its input shape becomes known: at {@link #add} of a first layer that
 * declares one, else at the first {@link #fit}, {@link #predict} or {@link #evaluate}. Layers
 * without a name get Keras-style names unique within the model: {@code dense_1},
 * {@code dense_2}, …. This class holds the structure; compiling, training, evaluation and
 * prediction are {@link Model}'s, run by the training loop every model shares.
 *
 * <p>The model owns its layers' weights and its optimizer's state; {@link #close()} releases them.
 * A model is used by one thread at a time.
 */
public class Sequential extends Model {

    private static final AtomicInteger MODELS = new AtomicInteger();

    private final List<Layer> layers = new ArrayList<>();
    private final LayerNames names = new LayerNames();
    /** The per-sample output shape of each layer, once built. */
    private final List<int[]> layerOutputShapes = new ArrayList<>();

    /** An empty model named {@code sequential_<n>}. */
    public Sequential() {
        this("sequential_" + MODELS.incrementAndGet());
    }

    /**
     * An empty model with the given name.
     *
     * @throws IllegalArgumentException for a blank name
     */
    public Sequential(String name) {
        super(checkName(name));
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A model name must not be blank");
        }
        return name;
    }

    /** {@code "Sequential"}. */
    @Override
    public String className() {
        return "Sequential";
    }

    /** Keras names these models {@code sequential_1}, …. */
    @Override
    protected String namePrefix() {
        return "sequential";
    }

    /** The layers in order; unmodifiable. */
    @Override
    public List<Layer> getLayers() {
        return Collections.unmodifiableList(layers);
    }

    // ---- building ---------------------------------------------------------------------------

    /**
     * Appends a layer. A layer without a name is named {@code <snake_case class>_<k>} with the
     * next {@code k ≥ 1} of its prefix in this model ({@link LayerNames}). When the model's input shape is known,
     * the layer is built for the previous layer's output shape.
     *
     * @return this model
     * @throws IllegalArgumentException when the name is taken, or when the layer cannot take the
     *     previous layer's output (naming both layers, both shapes and the fix)
     */
    public Sequential add(Layer layer) {
        names.assign(layer);
        if (layers.isEmpty()) {
            layers.add(layer);
            if (layer.inputShape() != null) {
                build(layer.inputShape());
            }
            return this;
        }
        if (isBuilt()) {
            Layer previous = layers.get(layers.size() - 1);
            int[] shape = layerOutputShapes.get(layerOutputShapes.size() - 1);
            layerOutputShapes.add(connect(previous, shape, layer));
            Graph g = graph();
            setGraph(new Graph(getName(), g.inputs(), List.of(layer.apply(g.outputs().get(0)))));
        }
        layers.add(layer);
        return this;
    }

    /** Builds {@code layer} for the output of {@code previous} and returns its output shape. */
    private static int[] connect(Layer previous, int[] shape, Layer layer) {
        int[] declared = layer.inputShape();
        if (declared != null && !Shapes.fits(declared, shape)) {
            throw new IllegalArgumentException("Layer " + layer.getName() + " (" + layer.className() + ") expects samples of shape "
                    + Arrays.toString(declared) + " but the previous layer " + previous.getName() + " ("
                    + previous.className() + ") outputs samples of shape " + Arrays.toString(shape) + ". Declare an input shape"
                    + " only on the first layer, or change " + previous.getName() + " to output " + Arrays.toString(declared));
        }
        try {
            layer.ensureBuilt(shape);
            return layer.computeOutputShape(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Layer " + layer.getName() + " (" + layer.className()
                    + ") cannot take the output of the previous layer " + previous.getName() + " (" + previous.className()
                    + "), samples of shape " + Arrays.toString(shape) + ": " + e.getMessage()
                    + ". Change one of the two layers so that their shapes agree", e);
        }
    }

    /**
     * Builds every layer for input samples of {@code sampleShape} (batch axis excluded).
     *
     * @throws IllegalStateException if the model is already built or has no layers
     * @throws IllegalArgumentException when consecutive layers do not fit
     */
    @Override
    public void build(int... sampleShape) {
        if (isBuilt()) {
            throw new IllegalStateException("Model " + getName() + " is already built for input samples of shape "
                    + Arrays.toString(inputShape()));
        }
        ensureBuilt(sampleShape);
    }

    /**
     * Builds the layers in order for the one input's shape, then the graph through them, whose
     * input layer is named after the first layer ({@code dense_1_input}) as Keras names it.
     */
    @Override
    protected void buildAll(List<int[]> inputShapes) {
        if (layers.isEmpty()) {
            throw new IllegalStateException("Model " + getName() + " has no layers; add layers before building it");
        }
        if (inputShapes.size() != 1) {
            throw new IllegalArgumentException("Model " + getName() + " takes one input but was given " + inputShapes.size());
        }
        int[] sampleShape = inputShapes.get(0);
        Layer first = layers.get(0);
        try {
            first.ensureBuilt(sampleShape);
            layerOutputShapes.add(first.computeOutputShape(sampleShape));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The first layer " + first.getName() + " (" + first.className()
                    + ") cannot take input samples of shape " + Arrays.toString(sampleShape) + ": " + e.getMessage(), e);
        }
        for (int i = 1; i < layers.size(); i++) {
            layerOutputShapes.add(connect(layers.get(i - 1), layerOutputShapes.get(i - 1), layers.get(i)));
        }
        Symbol input = Input.of(first.getName() + "_input", sampleShape);
        Symbol h = input;
        for (Layer l : layers) {
            h = l.apply(h);
        }
        setGraph(new Graph(getName(), List.of(input), List.of(h)));
    }

    @Override
    int prepareInputs(String method, List<Tensor> xs) {
        if (xs.size() != 1) {
            throw new IllegalArgumentException(method + ": model " + getName() + " has 1 input but " + xs.size()
                    + " input arrays were given; pass one tensor");
        }
        checkInput(method, xs.get(0));
        return xs.get(0).dim(0);
    }

    /** Builds the model from {@code x} if needed, and checks that its samples fit the input shape. */
    private void checkInput(String method, Tensor x) {
        if (layers.isEmpty()) {
            throw new IllegalStateException("Model " + getName() + " has no layers; add layers before calling " + method);
        }
        if (x.rank() < 1) {
            throw new IllegalArgumentException(method + ": x must have a batch axis, got a scalar");
        }
        if (!isBuilt()) {
            build(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        }
        int[] expected = inputShape();
        if (!Shapes.fits(expected, x, 1)) {
            throw new IllegalArgumentException("Error when checking input of " + method + ": model " + getName() + " expects x of shape "
                    + Objective.batchShape(expected, "batch") + " but got x of shape " + Arrays.toString(x.shape())
                    + "; reshape x, or declare the first layer's input shape as "
                    + Arrays.toString(Arrays.copyOfRange(x.shape(), 1, x.rank())));
        }
    }

    /** Keras's Sequential configuration: {@code layers} and, once built, {@code build_input_shape}. */
    @Override
    protected Map<String, Object> layerConfig() {
        List<Object> serialized = new ArrayList<>();
        for (Layer l : layers) {
            serialized.add(Layers.serialize(l));
        }
        Map<String, Object> config = Configs.of("layers", serialized);
        if (isBuilt()) {
            List<Integer> shape = new ArrayList<>();
            shape.add(null);
            for (int d : inputShape()) {
                shape.add(d < 0 ? null : d);
            }
            config.put("build_input_shape", shape);
        }
        return config;
    }

    // ---- summary ----------------------------------------------------------------------------

    /**
     * Keras 2.2.4's summary table, 65 characters wide: each layer's name and class, output shape
     * with {@code None} for the batch axis, and parameter count, then the total, trainable and
     * non-trainable parameter counts with thousands separators.
     *
     * <pre>
     * _________________________________________________________________
     * Layer (type)                 Output Shape              Param #
     * =================================================================
     * dense_1 (Dense)              (None, 64)                4160
     * _________________________________________________________________
     * dense_2 (Dense)              (None, 10)                650
     * =================================================================
     * Total params: 4,810
     * Trainable params: 4,810
     * Non-trainable params: 0
     * _________________________________________________________________
     * </pre>
     *
     * @throws IllegalStateException before the model is built
     */
    @Override
    public String summaryText() {
        requireBuilt("its output shapes");
        int[] positions = {29, 55, 65};
        StringBuilder sb = new StringBuilder();
        SummaryTable.header(sb, positions, "Layer (type)", "Output Shape", "Param #");
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            sb.append(SummaryTable.row(positions, l.getName() + " (" + l.className() + ")",
                    SummaryTable.pythonShape(layerOutputShapes.get(i)), String.valueOf(l.countParams())));
            SummaryTable.rule(sb, positions, i == layers.size() - 1 ? '=' : '_');
        }
        SummaryTable.totals(sb, positions, this);
        return sb.toString();
    }

    // ---- saving -----------------------------------------------------------------------------

    /**
     * Saves the model in the format its file name asks for ({@link cthulhu.saving.ModelFiles}): {@code .keras}
     * writes Keras 3's format, which Python Keras 3's {@code keras.models.load_model} reads;
     * {@code .h5} Keras's legacy HDF5 format; any other name cthulhu's own archive
     * (conventionally {@code model.cthulhu}; see {@link cthulhu.saving.ModelIO}) with the architecture, the
     * weights, the training configuration and the optimizer's state. The file is replaced atomically.
     *
     * @throws IOException when the file cannot be written
     * @throws IllegalStateException before the model is built
     * @throws IllegalArgumentException when a custom activation, loss or optimizer is not registered by name
     */
    @Override
    public void save(Path path) throws IOException {
        requireBuilt("its weights");
        STORAGE.save(this, path);
    }

    /**
     * Loads a model from a file, recognising the format by its content ({@link cthulhu.saving.ModelFiles}):
     * cthulhu's archive, a Keras 3 {@code .keras} zip, or a legacy HDF5 model written by Keras
     * 2.x, tf.keras or Keras 3. Rebuilds the layers through the layer registry with the meanings
     * of the Keras that wrote the file, sets the weights, and compiles the model again when a
     * training configuration was saved (cthulhu's archive also restores the optimizer's step
     * count and state, so that training resumes where it stopped).
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file and the problem when it is
     *     damaged, its weights do not match its architecture, or it holds another kind of model
     */
    public static Sequential load(Path path) throws IOException {
        return load(path, true);
    }

    /**
     * Loads a model as {@link #load(Path)}; with {@code compile = false} a Keras file's
     * optimizer, loss and metrics are not restored.
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file and the problem
     */
    public static Sequential load(Path path, boolean compile) throws IOException {
        return STORAGE.load(path, compile, Sequential.class);
    }

    /**
     * A new Sequential model, with fresh weights, from JSON written by {@link #toJson} (Keras's
     * {@code model_from_json}).
     *
     * @throws IllegalArgumentException when the JSON is malformed, names something unknown here or
     *     holds another kind of model
     */
    public static Sequential fromJson(String json) {
        return STORAGE.fromJson(json, Sequential.class);
    }

    @Override
    public String toString() {
        return "Sequential(" + getName() + ", " + layers + ")";
    }
}
