package cthulhu.models;

import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.callbacks.History;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerNames;
import cthulhu.saving.ModelFiles;
import cthulhu.saving.ModelIO;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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

    private final String name;
    private final List<Layer> layers = new ArrayList<>();
    private final LayerNames names = new LayerNames();
    /** The per-sample output shape of each layer, once built. */
    private final List<int[]> outputShapes = new ArrayList<>();
    private boolean built;

    /** An empty model named {@code sequential_<n>}. */
    public Sequential() {
        this("sequential_" + MODELS.incrementAndGet());
    }

    /** An empty model with the given name. */
    public Sequential(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A model name must not be blank");
        }
        this.name = name;
    }

    /** The model's name. */
    @Override
    public String getName() {
        return name;
    }

    /** The layers in order; unmodifiable. */
    public List<Layer> getLayers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * The layer of a name.
     *
     * @throws IllegalArgumentException naming the layers there are when none has that name
     */
    public Layer getLayer(String layerName) {
        for (Layer l : layers) {
            if (l.getName().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("Model " + name + " has no layer named '" + layerName + "'; its layers are "
                + layers.stream().map(Layer::getName).toList());
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
        if (built) {
            Layer previous = layers.get(layers.size() - 1);
            int[] shape = outputShapes.get(outputShapes.size() - 1);
            outputShapes.add(connect(previous, shape, layer));
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
    public void build(int... sampleShape) {
        if (built) {
            throw new IllegalStateException("Model " + name + " is already built for input samples of shape "
                    + Arrays.toString(inputShape()));
        }
        if (layers.isEmpty()) {
            throw new IllegalStateException("Model " + name + " has no layers; add layers before building it");
        }
        Layer first = layers.get(0);
        try {
            first.ensureBuilt(sampleShape);
            outputShapes.add(first.computeOutputShape(sampleShape));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The first layer " + first.getName() + " (" + first.className()
                    + ") cannot take input samples of shape " + Arrays.toString(sampleShape) + ": " + e.getMessage(), e);
        }
        for (int i = 1; i < layers.size(); i++) {
            outputShapes.add(connect(layers.get(i - 1), outputShapes.get(i - 1), layers.get(i)));
        }
        built = true;
    }

    /** Whether the input shape is known and every layer built. */
    public boolean isBuilt() {
        return built;
    }

    /** The shape of one input sample, or null before the model is built. */
    public int[] inputShape() {
        return built ? layers.get(0).inputShape() : null;
    }

    /** The shape of one output sample, or null before the model is built. */
    public int[] outputShape() {
        return built ? outputShapes.get(outputShapes.size() - 1).clone() : null;
    }

    private void requireBuilt(String what) {
        if (!built) {
            throw new IllegalStateException("Model " + name + " has not been built yet, so " + what + " is unknown."
                    + " Declare the input shape on the first layer (e.g. inputShape(64)), call build(...), or fit it on some data first");
        }
    }

    // ---- running ----------------------------------------------------------------------------

    /**
     * Applies the layers in order.
     *
     * @param training whether layers such as dropout act as in training
     */
    public Tensor call(Tensor x, boolean training) {
        checkInput("call", x);
        return forward(x, training);
    }

    private Tensor forward(Tensor x, boolean training) {
        Tensor h = x;
        for (Layer l : layers) {
            h = l.call(h, training);
        }
        return h;
    }

    @Override
    List<Tensor> forward(List<Tensor> inputs, boolean training) {
        return List.of(forward(inputs.get(0), training));
    }

    @Override
    int prepareInputs(String method, List<Tensor> xs) {
        if (xs.size() != 1) {
            throw new IllegalArgumentException(method + ": model " + name + " has 1 input but " + xs.size()
                    + " input arrays were given; pass one tensor");
        }
        checkInput(method, xs.get(0));
        return xs.get(0).dim(0);
    }

    @Override
    List<int[]> outputShapes() {
        return List.of(outputShape());
    }

    @Override
    List<String> outputNames() {
        return List.of(layers.get(layers.size() - 1).getName());
    }

    // ---- shape checks -----------------------------------------------------------------------

    /** Builds the model from {@code x} if needed, and checks that its samples fit the input shape. */
    private void checkInput(String method, Tensor x) {
        if (layers.isEmpty()) {
            throw new IllegalStateException("Model " + name + " has no layers; add layers before calling " + method);
        }
        if (x.rank() < 1) {
            throw new IllegalArgumentException(method + ": x must have a batch axis, got a scalar");
        }
        int[] sample = Arrays.copyOfRange(x.shape(), 1, x.rank());
        if (!built) {
            build(sample);
        }
        int[] expected = inputShape();
        if (!Shapes.fits(expected, sample)) {
            throw new IllegalArgumentException("Error when checking input of " + method + ": model " + name + " expects x of shape "
                    + Objective.batchShape(expected, "batch") + " but got x of shape " + Arrays.toString(x.shape())
                    + "; reshape x, or declare the first layer's input shape as " + Arrays.toString(sample));
        }
    }

    // ---- weights ----------------------------------------------------------------------------

    /** Every variable of every layer, in layer order then creation order. */
    public List<Variable> variables() {
        List<Variable> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.variables()));
        return all;
    }

    /** The variables the optimizer updates: those of trainable layers that are trainable. */
    public List<Variable> trainableVariables() {
        List<Variable> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.trainableVariables()));
        return all;
    }

    /**
     * Copies of every weight, in the order of {@link #variables()} (Keras's {@code get_weights}).
     * The caller owns the copies and closes them when done.
     */
    public List<Tensor> getWeights() {
        List<Tensor> copies = new ArrayList<>();
        for (Variable v : variables()) {
            copies.add(K.convert(v.value()));
        }
        return copies;
    }

    /**
     * Sets every weight from copies of {@code weights}, in the order of {@link #variables()}.
     *
     * @throws IllegalArgumentException when the count or a shape differs, naming the layer
     */
    public void setWeights(List<Tensor> weights) {
        requireBuilt("its weights");
        int expected = variables().size();
        if (weights.size() != expected) {
            throw new IllegalArgumentException("Model " + name + " has " + expected + " weights but " + weights.size()
                    + " were given");
        }
        int offset = 0;
        for (Layer l : layers) {
            int count = l.variables().size();
            if (count > 0) {
                l.setWeights(weights.subList(offset, offset + count));
            }
            offset += count;
        }
    }

    /** The number of scalars in all weights. */
    public long countParams() {
        return layers.stream().mapToLong(Layer::countParams).sum();
    }

    // ---- summary ----------------------------------------------------------------------------

    /** Prints {@link #summaryText()} to the model's output stream. */
    public void summary() {
        output().print(summaryText());
        output().flush();
    }

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
    public String summaryText() {
        requireBuilt("its output shapes");
        int lineLength = 65;
        int[] positions = {29, 55, 65};
        StringBuilder sb = new StringBuilder();
        sb.append("_".repeat(lineLength)).append('\n');
        sb.append(row(positions, "Layer (type)", "Output Shape", "Param #"));
        sb.append("=".repeat(lineLength)).append('\n');
        long trainable = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            sb.append(row(positions, l.getName() + " (" + l.className() + ")", pythonShape(outputShapes.get(i)),
                    String.valueOf(l.countParams())));
            sb.append((i == layers.size() - 1 ? "=" : "_").repeat(lineLength)).append('\n');
            for (Variable v : l.trainableVariables()) {
                trainable += Shapes.size(v.shape());
            }
        }
        long total = countParams();
        sb.append(String.format(Locale.ROOT, "Total params: %,d", total)).append('\n');
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d", trainable)).append('\n');
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d", total - trainable)).append('\n');
        sb.append("_".repeat(lineLength)).append('\n');
        return sb.toString();
    }

    /** Keras's {@code print_row}: each field cut or padded to end one column before its position. */
    private static String row(int[] positions, String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.setLength(line.length() - 1);
                line.append(' ');
            }
            line.append(fields[i]);
            if (line.length() > positions[i]) {
                line.setLength(positions[i]);
            }
            line.append(" ".repeat(positions[i] - line.length()));
        }
        return line.append('\n').toString();
    }

    /** {@code (None, 64)}: a Python tuple of the batch shape. */
    private static String pythonShape(int[] sample) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : sample) {
            sb.append(", ").append(d);
        }
        return sb.append(')').toString();
    }

    // ---- saving -----------------------------------------------------------------------------

    /**
     * Saves the model in the format its file name asks for ({@link ModelFiles}): {@code .keras}
     * writes Keras 3's format, which Python Keras 3's {@code keras.models.load_model} reads;
     * {@code .h5} Keras's legacy HDF5 format; any other name cthulhu's own archive
     * (conventionally {@code model.cthulhu}; see {@link ModelIO}) with the architecture, the
     * weights, the training configuration and the optimizer's state. The file is replaced atomically.
     *
     * @throws IOException when the file cannot be written
     * @throws IllegalStateException before the model is built
     * @throws IllegalArgumentException when a custom activation, loss or optimizer is not registered by name
     */
    public void save(Path path) throws IOException {
        requireBuilt("its weights");
        ModelFiles.save(this, path);
    }

    /**
     * Loads a model from a file, recognising the format by its content ({@link ModelFiles}):
     * cthulhu's archive, a Keras 3 {@code .keras} zip, or a legacy HDF5 model written by Keras
     * 2.x, tf.keras or Keras 3. Rebuilds the layers through the layer registry with the meanings
     * of the Keras that wrote the file, sets the weights, and compiles the model again when a
     * training configuration was saved (cthulhu's archive also restores the optimizer's step
     * count and state, so that training resumes where it stopped).
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file and the problem when it is
     *     damaged or its weights do not match its architecture
     */
    public static Sequential load(Path path) throws IOException {
        return ModelFiles.load(path);
    }

    /**
     * Loads a model as {@link #load(Path)}; with {@code compile = false} a Keras file's
     * optimizer, loss and metrics are not restored.
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file and the problem
     */
    public static Sequential load(Path path, boolean compile) throws IOException {
        return ModelFiles.load(path, compile);
    }

    /**
     * Sets the weights from a Keras weights file: Keras 3's {@code .weights.h5}, a legacy
     * {@code .h5} weights file, or the weights of an {@code .h5} model; layers are matched by
     * name (legacy) or by position (Keras 3).
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file, layer and weight when one is
     *     missing or its shape differs; the weights are then unchanged
     * @throws IllegalStateException before the model is built
     */
    public void loadWeights(Path path) throws IOException {
        requireBuilt("its weights");
        ModelFiles.loadWeights(this, path);
    }

    /**
     * Saves the weights only: Keras 3's layout for {@code *.weights.h5}, Keras 2's for other
     * {@code *.h5} names.
     *
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException for a name not ending in {@code .h5}
     * @throws IllegalStateException before the model is built
     */
    public void saveWeights(Path path) throws IOException {
        requireBuilt("its weights");
        ModelFiles.saveWeights(this, path);
    }

    /**
     * The architecture and training configuration as Keras-style JSON (Keras's {@code to_json});
     * see {@link ModelIO}.
     *
     * @throws IllegalArgumentException when a custom activation, loss or optimizer is not registered by name
     */
    public String toJson() {
        return ModelIO.toJson(this);
    }

    /**
     * A new model, with fresh weights, from JSON written by {@link #toJson} (Keras's
     * {@code model_from_json}).
     *
     * @throws IllegalArgumentException when the JSON is malformed or names something unknown here
     */
    public static Sequential fromJson(String json) {
        return ModelIO.fromJson(json);
    }

    /** Releases the weights and the optimizer's state. */
    @Override
    public void close() {
        layers.forEach(Layer::close);
        super.close();
    }

    @Override
    public String toString() {
        return "Sequential(" + name + ", " + layers + ")";
    }
}
