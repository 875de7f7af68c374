package cthulhu.models;

import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.callbacks.History;
import cthulhu.config.Configs;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import cthulhu.layers.MultiTensorLayer;
import cthulhu.layers.Node;
import cthulhu.layers.Symbol;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.metrics.Metrics;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.Optimizers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model (Keras's {@code Model}): layers connected from input symbols to output symbols, which
 * compiles, trains, evaluates, predicts, summarizes, saves and loads.
 *
 * <pre>{@code
 * Symbol pixels = Input.of("pixels", 64);
 * Symbol ink = Input.of("ink", 1);
 * Symbol hidden = new Daoloth(32, "relu").apply(new Concatenate().apply(pixels, ink));
 * Daoloth cls = new Daoloth(10, "softmax");
 * cls.setName("cls");
 * try (Model model = new Model(List.of(pixels, ink), List.of(cls.apply(hidden)))) {
 *     model.compile("adam", "categorical_crossentropy", "accuracy");
 *     model.fit(List.of(x, inkX), List.of(y), new FitOptions().epochs(20));
 * }
 * }</pre>
 *
 * <p>A model is a layer: applied to symbols inside another model, it runs its graph there with
 * its own weights. Training, evaluation and prediction run in the one loop every model shares
 * ({@link TrainingLoop}); {@link Sequential} is the model whose graph is a stack of layers.
 * Unnamed layers get Keras-style names unique within the model ({@code dense_1}, …), the model
 * itself {@code model_<n>}.
 *
 * <p>With several outputs, {@link #compile} takes one loss for all outputs or one per output (a
 * list in output order, or a map by output name, the name of the layer that gives the output), and
 * optional loss weights; training minimises {@code Σ_k w_k · loss_k}. History keys are Keras's:
 * {@code loss}, {@code <output>_loss}, {@code <output>_<metric>}, and {@code val_} of each.
 *
 * <p>The model owns its layers' weights and its optimizer's state; {@link #close()} releases them.
 * A model is used by one thread at a time.
 */
public class Model extends MultiTensorLayer {

    /** Keras's default batch size for {@link #predict} and {@link #evaluate}. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private static final AtomicInteger MODELS = new AtomicInteger();

    /**
     * The model files, from {@code cthulhu.saving}, found through the service registry so that
     * this package does not depend on the package that depends on it.
     */
    static final ModelStorage STORAGE = ServiceLoader.load(ModelStorage.class, Model.class.getClassLoader())
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("No " + ModelStorage.class.getName()
                    + " on the class path: cthulhu-core's META-INF/services entry for it is missing; rebuild cthulhu-core"));

    static {
        Layers.register("Model", STORAGE::functionalFromConfig);
        Layers.register("Functional", STORAGE::functionalFromConfig);
        Layers.register("Sequential", STORAGE::sequentialFromConfig);
    }

    private final TrainingLoop loop = new TrainingLoop(this);
    private Graph graph;
    private Optimizer optimizer;
    /** The losses as compiled: one for every output, a list in output order, or a map by output name. */
    private Object lossSpec;
    private Object lossWeightSpec;
    private Object metricSpec = List.of();
    private Objective objective;
    private boolean stopTraining;
    private PrintStream out = System.out;

    /** A model from one input symbol to one output symbol; see {@link #Model(List, List)}. */
    public Model(Symbol input, Symbol output) {
        this(List.of(input), List.of(output));
    }

    /**
     * A model from input symbols (each made by {@link cthulhu.layers.Input#of}) to output symbols,
     * named {@code model_<n>}.
     *
     * @throws IllegalArgumentException when an input is not an {@code Input} symbol or is given
     *     twice, an output depends on an input not given (a symbol of another graph), an input is
     *     used by no output, or two layers have the same name — naming the layers and shapes involved
     */
    public Model(List<Symbol> inputs, List<Symbol> outputs) {
        this(inputs, outputs, "model_" + MODELS.incrementAndGet());
    }

    /**
     * A named model from input symbols to output symbols; see {@link #Model(List, List)}.
     *
     * @throws IllegalArgumentException as {@link #Model(List, List)}, or for a blank name
     */
    public Model(List<Symbol> inputs, List<Symbol> outputs, String name) {
        setName(name);
        setGraph(new Graph(name, inputs, outputs));
        ensureBuilt(inputs.stream().map(Symbol::sampleShape).toList());
    }

    /** For {@link Sequential}, whose graph is made when its input shape is known. */
    Model(String name) {
        setName(name);
    }

    /** Takes {@code g} as the model's graph and builds the model, as a layer, for its inputs. */
    final void setGraph(Graph g) {
        this.graph = g;
        this.objective = null;
    }

    /** The graph, or null while a {@link Sequential} has no input shape. */
    final Graph graph() {
        return graph;
    }

    /** {@code "Model"}, Keras 2's class name of a functional model. */
    @Override
    public String className() {
        return "Model";
    }

    /** Keras names models {@code model_1}, …. */
    @Override
    protected String namePrefix() {
        return "model";
    }

    // ---- structure --------------------------------------------------------------------------

    /** The layers in running order, the input layers first (Keras's {@code model.layers}); unmodifiable. */
    public List<Layer> getLayers() {
        return graph == null ? List.of() : graph.layers();
    }

    /**
     * The layer of a name.
     *
     * @throws IllegalArgumentException naming the layers there are when none has that name
     */
    public Layer getLayer(String layerName) {
        for (Layer l : getLayers()) {
            if (l.getName().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("Model " + getName() + " has no layer named '" + layerName + "'; its layers are "
                + getLayers().stream().map(Layer::getName).toList());
    }

    /** The input symbols, in order. */
    public List<Symbol> inputs() {
        return graph.inputs();
    }

    /** The output symbols, in order. */
    public List<Symbol> outputs() {
        return graph.outputs();
    }

    /** The shape of one output sample of the first output, or null before the model is built. */
    public int[] outputShape() {
        return isBuilt() ? outputShapes().get(0).clone() : null;
    }

    /** Each output's per-sample shape, in the order of the outputs; the model must be built. */
    List<int[]> outputShapes() {
        return graph.outputs().stream().map(Symbol::sampleShape).toList();
    }

    /** The names of the outputs (the names of the layers that give them), in order. */
    List<String> outputNames() {
        return graph.outputs().stream().map(s -> s.layer().getName()).toList();
    }

    /**
     * Runs the model on one batch per input, without checks.
     *
     * @param training whether layers such as dropout act as in training
     * @return one batch per output, in the order of the outputs
     */
    List<Tensor> forward(List<Tensor> inputs, boolean training) {
        return graph.run(inputs, training);
    }

    /**
     * Builds the model from the inputs if it is not built yet, and checks that they fit it: one
     * tensor per input, each with a batch axis and samples of the input's shape, all with the
     * same number of samples.
     *
     * @return the number of samples
     * @throws IllegalArgumentException naming the model, the inputs, the expected and the given shapes
     */
    int prepareInputs(String method, List<Tensor> xs) {
        List<Symbol> ins = graph.inputs();
        List<String> names = ins.stream().map(s -> s.layer().getName()).toList();
        if (xs == null || xs.size() != ins.size()) {
            throw new IllegalArgumentException(method + ": model " + getName() + " has " + ins.size() + " input(s) " + names
                    + " but " + (xs == null ? "no" : String.valueOf(xs.size())) + " input array(s) were given;"
                    + " pass one tensor per input, in the order of the inputs");
        }
        for (int i = 0; i < xs.size(); i++) {
            Tensor x = xs.get(i);
            if (x == null || x.rank() < 1) {
                throw new IllegalArgumentException(method + ": the input " + names.get(i) + " must be a tensor with a batch axis, got " + x);
            }
            int[] expected = ins.get(i).sampleShape();
            if (!Shapes.fits(expected, Arrays.copyOfRange(x.shape(), 1, x.rank()))) {
                throw new IllegalArgumentException("Error when checking input " + names.get(i) + " of " + method + ": model "
                        + getName() + " expects x of shape " + Objective.batchShape(expected, "batch") + " but got x of shape "
                        + Arrays.toString(x.shape()) + "; reshape x, or change the shape of Input " + names.get(i));
            }
            if (x.dim(0) != xs.get(0).dim(0)) {
                throw new IllegalArgumentException(method + ": all input arrays should have the same number of samples, but "
                        + names.get(0) + " has " + xs.get(0).dim(0) + " and " + names.get(i) + " has " + x.dim(0));
            }
        }
        return xs.get(0).dim(0);
    }

    // ---- as a layer -------------------------------------------------------------------------

    /**
     * The output shapes of the model for inputs of the given shapes, which must fit its inputs.
     *
     * @throws IllegalArgumentException naming the model's inputs and the shapes given
     */
    @Override
    public List<int[]> computeOutputShapes(List<int[]> inputShapes) {
        List<Symbol> ins = graph.inputs();
        boolean fits = inputShapes.size() == ins.size();
        for (int i = 0; fits && i < ins.size(); i++) {
            fits = Shapes.fits(ins.get(i).sampleShape(), inputShapes.get(i));
        }
        if (!fits) {
            throw new IllegalArgumentException("Model " + getName() + " takes inputs of shape "
                    + ins.stream().map(s -> Arrays.toString(s.sampleShape())).toList() + " but was given "
                    + inputShapes.stream().map(Arrays::toString).toList());
        }
        return outputShapes();
    }

    /** Runs the model's graph. */
    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, boolean training) {
        return forward(inputs, training);
    }

    /** Runs the model's graph with the inputs' step masks, which its layers propagate. */
    @Override
    protected List<Tensor> computeAll(List<Tensor> inputs, List<Tensor> masks, boolean training) {
        return graph.run(inputs, masks, training);
    }

    /**
     * No masks on the outputs: a model used as a layer takes its inputs' masks but gives none,
     * since its layers' masks live only while its graph runs.
     */
    @Override
    public List<Tensor> computeMasks(List<Tensor> inputs, List<Tensor> masks) {
        return List.of();
    }

    /** Checks the shapes: the layers were built when the graph was made. */
    @Override
    protected void buildAll(List<int[]> inputShapes) {
        computeOutputShapes(inputShapes);
    }

    /**
     * Keras's functional configuration: {@code layers} (each with {@code name},
     * {@code class_name}, {@code config} and {@code inbound_nodes}, lists of
     * {@code [layer, node index, output index, {}]}), {@code input_layers} and
     * {@code output_layers} (lists of {@code [layer, node index, output index]}).
     */
    @Override
    protected Map<String, Object> layerConfig() {
        List<Object> layers = new ArrayList<>();
        for (Layer l : graph.layers()) {
            Map<String, Object> entry = Configs.of("name", l.getName());
            entry.putAll(Layers.serialize(l));
            List<Object> inbound = new ArrayList<>();
            for (Node n : graph.nodesOf(l)) {
                if (!n.inputs().isEmpty()) {
                    List<Object> node = new ArrayList<>();
                    for (Symbol s : n.inputs()) {
                        node.add(List.of(s.layer().getName(), graph.nodeIndex(s.node()), s.index(), Map.of()));
                    }
                    inbound.add(node);
                }
            }
            entry.put("inbound_nodes", inbound);
            layers.add(entry);
        }
        return Configs.of(
                "layers", layers,
                "input_layers", endpoints(graph.inputs()),
                "output_layers", endpoints(graph.outputs()));
    }

    private List<Object> endpoints(List<Symbol> symbols) {
        List<Object> out = new ArrayList<>();
        for (Symbol s : symbols) {
            out.add(List.of(s.layer().getName(), graph.nodeIndex(s.node()), s.index()));
        }
        return out;
    }

    // ---- weights ----------------------------------------------------------------------------

    /** Every variable of every layer, in layer order then creation order. */
    @Override
    public List<Variable> variables() {
        List<Variable> all = new ArrayList<>();
        getLayers().forEach(l -> all.addAll(l.variables()));
        return all;
    }

    /** The variables the optimizer updates: the trainable ones of trainable layers, none when the model is frozen. */
    @Override
    public List<Variable> trainableVariables() {
        List<Variable> all = new ArrayList<>();
        if (isTrainable()) {
            getLayers().forEach(l -> all.addAll(l.trainableVariables()));
        }
        return all;
    }

    /**
     * Copies of every weight, in the order of {@link #variables()} (Keras's {@code get_weights}).
     * The caller owns the copies and closes them when done.
     */
    @Override
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
     * @throws IllegalStateException before the model is built
     * @throws IllegalArgumentException when the count or a shape differs, naming the layer
     */
    @Override
    public void setWeights(List<Tensor> weights) {
        requireBuilt("its weights");
        int expected = variables().size();
        if (weights.size() != expected) {
            throw new IllegalArgumentException("Model " + getName() + " has " + expected + " weights but " + weights.size()
                    + " were given");
        }
        int offset = 0;
        for (Layer l : getLayers()) {
            int count = l.variables().size();
            if (count > 0) {
                l.setWeights(weights.subList(offset, offset + count));
            }
            offset += count;
        }
    }

    /**
     * Throws before the model is built.
     *
     * @throws IllegalStateException saying how to build it
     */
    void requireBuilt(String what) {
        if (!isBuilt()) {
            throw new IllegalStateException("Model " + getName() + " has not been built yet, so " + what + " is unknown."
                    + " Declare the input shape on the first layer (e.g. inputShape(64)), call build(...), or fit it on some data first");
        }
    }

    /**
     * Reads a model from a file, recognising the format by its content
     * ({@link cthulhu.saving.ModelFiles}): cthulhu's archive, a Keras 3 {@code .keras} zip, or a
     * legacy HDF5 model written by Keras 2.x, tf.keras or Keras 3, compiled when the file holds a
     * training configuration (with the optimizer's state, so that training resumes where it
     * stopped). Keras's functional graphs load as functional models — shared layers, several
     * inputs and outputs, nested models — and a Functional chain as a {@link Sequential}.
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file and the problem
     */
    public static Model load(Path path) throws IOException {
        return STORAGE.load(path, true, Model.class);
    }

    /**
     * Reads a model as {@link #load(Path)}; with {@code compile = false} a Keras file's
     * optimizer, loss and metrics are not restored.
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file and the problem
     */
    public static Model load(Path path, boolean compile) throws IOException {
        return STORAGE.load(path, compile, Model.class);
    }

    /**
     * Sets the weights from a Keras weights file: Keras 3's {@code .weights.h5}, a legacy
     * {@code .h5} weights file, or the weights of an {@code .h5} model; layers are matched by
     * name (legacy) or by position in Keras's order (Keras 3).
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file, layer and weight when one is
     *     missing or its shape differs; the weights are then unchanged
     * @throws IllegalStateException before the model is built
     */
    public void loadWeights(Path path) throws IOException {
        requireBuilt("its weights");
        STORAGE.loadWeights(this, path);
    }

    /**
     * Saves the weights only: Keras 3's layout for {@code *.weights.h5}, the legacy one for other
     * {@code *.h5} names.
     *
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException for a name not ending in {@code .h5}
     * @throws IllegalStateException before the model is built
     */
    public void saveWeights(Path path) throws IOException {
        requireBuilt("its weights");
        STORAGE.saveWeights(this, path);
    }

    // ---- compiling --------------------------------------------------------------------------

    /**
     * Configures training by names (Keras's {@code compile}).
     *
     * @param optimizer {@code "sgd"}, {@code "rmsprop"}, {@code "adam"} or a registered name, with default hyper-parameters
     * @param loss a loss name, e.g. {@code "categorical_crossentropy"}, applied to every output
     * @param metrics metric names, e.g. {@code "accuracy"}, reported for every output in this order
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public void compile(String optimizer, String loss, String... metrics) {
        compile(Optimizers.get(optimizer), Losses.get(loss), metrics);
    }

    /**
     * Configures training with objects: an optimizer with chosen hyper-parameters, any loss,
     * applied to every output.
     *
     * @param metrics metric names, e.g. {@code "accuracy"} (resolved for the loss as Keras does)
     * @throws IllegalArgumentException for an unknown metric name, listing the valid ones
     */
    public void compile(Optimizer optimizer, Loss loss, String... metrics) {
        if (loss == null) {
            throw new IllegalArgumentException("compile needs an optimizer and a loss, got " + optimizer + " and " + loss);
        }
        configure(optimizer, loss, null, List.of(metrics));
    }

    /**
     * Configures training with one loss per output, in the order of the outputs, and their weights.
     *
     * @param losses loss names, one per output
     * @param lossWeights one weight per output, or null for 1 each
     * @param metrics metric names, reported for every output
     * @throws IllegalArgumentException for an unknown name, or lists whose length is not the number of outputs
     */
    public void compile(String optimizer, List<String> losses, List<Double> lossWeights, String... metrics) {
        compile(Optimizers.get(optimizer), losses.stream().map(Losses::get).toList(), lossWeights, metrics);
    }

    /**
     * Configures training with one loss per output, in the order of the outputs, and their weights.
     *
     * @param lossWeights one weight per output, or null for 1 each
     * @param metrics metric names, reported for every output
     * @throws IllegalArgumentException for an unknown metric, or lists whose length is not the number of outputs
     */
    public void compile(Optimizer optimizer, List<Loss> losses, List<Double> lossWeights, String... metrics) {
        configure(optimizer, List.copyOf(losses), lossWeights == null ? null : List.copyOf(lossWeights), List.of(metrics));
    }

    /**
     * Configures training by output name (Keras's dictionaries): a loss for each output, optional
     * weights (1 for an output not named) and optional metrics per output.
     *
     * @throws IllegalArgumentException for a name that is not an output's, an output without a
     *     loss, or an unknown metric, listing the outputs
     */
    public void compile(Optimizer optimizer, Map<String, Loss> losses, Map<String, Double> lossWeights,
                        Map<String, List<String>> metrics) {
        configure(optimizer, Map.copyOf(losses), lossWeights == null ? null : Map.copyOf(lossWeights),
                metrics == null ? List.of() : Map.copyOf(metrics));
    }

    private void configure(Optimizer optimizer, Object losses, Object lossWeights, Object metrics) {
        if (optimizer == null) {
            throw new IllegalArgumentException("compile needs an optimizer and a loss, got " + optimizer + " and " + losses);
        }
        Set<String> known = Metrics.names();
        List<String> all = new ArrayList<>();
        if (metrics instanceof Map<?, ?> byOutput) {
            byOutput.values().forEach(l -> ((List<?>) l).forEach(m -> all.add((String) m)));
        } else {
            ((List<?>) metrics).forEach(m -> all.add((String) m));
        }
        for (String m : all) {
            if (!known.contains(m)) {
                throw new IllegalArgumentException("Unknown metric: " + m + ". Valid names: " + String.join(", ", known));
            }
        }
        Object previousLosses = lossSpec;
        Object previousWeights = lossWeightSpec;
        Object previousMetrics = metricSpec;
        lossSpec = losses;
        lossWeightSpec = lossWeights;
        metricSpec = metrics;
        objective = null;
        if (isBuilt()) {
            try {
                objective();
            } catch (IllegalArgumentException e) {
                lossSpec = previousLosses;
                lossWeightSpec = previousWeights;
                metricSpec = previousMetrics;
                objective = null;
                throw e;
            }
        }
        if (this.optimizer != null && this.optimizer != optimizer) {
            this.optimizer.close();
        }
        this.optimizer = optimizer;
    }

    /** The optimizer, or null before {@link #compile}. */
    public Optimizer getOptimizer() {
        return optimizer;
    }

    /** The loss of the first output, or null before {@link #compile}. */
    public Loss getLoss() {
        if (lossSpec == null || lossSpec instanceof Loss) {
            return (Loss) lossSpec;
        }
        return lossSpec instanceof List<?> list ? (Loss) list.get(0) : objective().loss(0);
    }

    /**
     * The losses as compiled: a {@link Loss} for every output, a {@code List<Loss>} in output
     * order, or a {@code Map<String, Loss>} by output name; null before {@link #compile}.
     */
    public Object getLossSpec() {
        return lossSpec;
    }

    /** The loss weights as compiled: null, a {@code List<Double>} or a {@code Map<String, Double>}. */
    public Object getLossWeightSpec() {
        return lossWeightSpec;
    }

    /** The metric names given to {@link #compile} for every output, in order (empty when given by output). */
    public List<String> getMetricNames() {
        return metricSpec instanceof List<?> l ? l.stream().map(String.class::cast).toList() : List.of();
    }

    /** The metrics as compiled: a {@code List<String>} for every output or a {@code Map<String, List<String>>} by output. */
    public Object getMetricSpec() {
        return metricSpec;
    }

    /**
     * Checks that the model is compiled.
     *
     * @throws IllegalStateException before {@link #compile}, naming {@code method}
     */
    void requireCompiled(String method) {
        if (lossSpec == null) {
            throw new IllegalStateException("You must compile model " + getName() + " before calling " + method
                    + ", e.g. model.compile(\"adam\", \"categorical_crossentropy\", \"accuracy\")");
        }
    }

    /**
     * The compiled objective, resolved for the outputs of the built model on first use.
     *
     * @throws IllegalArgumentException when the losses, weights or metrics do not fit the outputs, listing them
     */
    Objective objective() {
        if (objective == null) {
            objective = Objective.resolve(getName(), outputNames(), outputShapes(), lossSpec, lossWeightSpec, metricSpec);
        }
        return objective;
    }

    // ---- running ----------------------------------------------------------------------------

    /** The outputs for {@code x}, in batches of {@value #DEFAULT_BATCH_SIZE}; see {@link #predict(Tensor, int)}. */
    public Tensor predict(Tensor x) {
        return predict(x, DEFAULT_BATCH_SIZE);
    }

    /**
     * The outputs for {@code x} in inference mode, computed batch by batch, for a model with one
     * input and one output.
     *
     * @param x samples, axis 0 the batch axis
     * @param batchSize the samples per batch, {@code >= 1}
     * @return the outputs, of shape {@code [samples] + outputShape()}, owned by the caller
     * @throws IllegalArgumentException naming the expected and given shapes when {@code x} does not
     *     fit, or when the model has several outputs ({@link #predict(List, int)} gives them)
     */
    public Tensor predict(Tensor x, int batchSize) {
        return predict(x, batchSize, 0);
    }

    /**
     * {@link #predict(Tensor, int)} showing its progress on the model's output as Keras does:
     * verbosity 1 a progress bar over the samples ({@code 360/360 [====…====] - 0s 50us/step}),
     * 2 one line at the end, 0 nothing (the default of the overloads without it, as Keras 2.2.4's
     * {@code predict}).
     *
     * @throws IllegalArgumentException for a verbosity other than 0, 1 or 2, and as {@link #predict(Tensor, int)}
     */
    public Tensor predict(Tensor x, int batchSize, int verbose) {
        requireSingleOutput("predict");
        return predict(List.of(x), batchSize, verbose).get(0);
    }

    /** The outputs for {@code xs}, in batches of {@value #DEFAULT_BATCH_SIZE}; see {@link #predict(List, int)}. */
    public List<Tensor> predict(List<Tensor> xs) {
        return predict(xs, DEFAULT_BATCH_SIZE);
    }

    /**
     * The outputs for one tensor per input, in inference mode, computed batch by batch.
     *
     * @return one tensor per output, of shape {@code [samples] + output shape}, owned by the caller
     * @throws IllegalArgumentException for a list whose length is not the number of inputs, or an
     *     input that does not fit, naming the inputs and shapes
     */
    public List<Tensor> predict(List<Tensor> xs, int batchSize) {
        return predict(xs, batchSize, 0);
    }

    /** {@link #predict(List, int)} showing its progress at {@code verbose} as {@link #predict(Tensor, int, int)}. */
    public List<Tensor> predict(List<Tensor> xs, int batchSize, int verbose) {
        return loop.predict(xs, batchSize, verbose);
    }

    private void requireSingleOutput(String method) {
        if (graph != null && graph.outputs().size() != 1) {
            throw new IllegalArgumentException("Model " + getName() + " has " + graph.outputs().size() + " outputs "
                    + outputNames() + "; call " + method + " with lists, one tensor per input and per output");
        }
    }

    /** The loss and metrics on {@code (x, y)}, in batches of {@value #DEFAULT_BATCH_SIZE}; see {@link #evaluate(Tensor, Tensor, int)}. */
    public double[] evaluate(Tensor x, Tensor y) {
        return evaluate(x, y, DEFAULT_BATCH_SIZE);
    }

    /**
     * The loss and metrics on {@code (x, y)} in inference mode, averaged over the samples.
     *
     * @return the loss first, then each compiled metric in order
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when {@code x} or {@code y} does not fit the model
     */
    public double[] evaluate(Tensor x, Tensor y, int batchSize) {
        return evaluate(x, y, batchSize, 0);
    }

    /**
     * {@link #evaluate(Tensor, Tensor, int)} showing its progress on the model's output through
     * the progress bar {@link #fit} draws: verbosity 1 the bar over the samples, ending
     * {@code 360/360 [====…====] - 0s 50us/step - loss: 0.1123 - accuracy: 0.9667}, 2 one line
     * {@code  - 0s - loss: 0.1123 - accuracy: 0.9667}, 0 nothing (the default of the overloads
     * without it).
     *
     * @throws IllegalArgumentException for a verbosity other than 0, 1 or 2, and as {@link #evaluate(Tensor, Tensor, int)}
     */
    public double[] evaluate(Tensor x, Tensor y, int batchSize, int verbose) {
        return loop.evaluate(List.of(x), List.of(y), batchSize, "evaluate", null, verbose);
    }

    /** The logged values on one tensor per input and per output, in batches of {@value #DEFAULT_BATCH_SIZE}. */
    public double[] evaluate(List<Tensor> xs, List<Tensor> ys) {
        return evaluate(xs, ys, DEFAULT_BATCH_SIZE);
    }

    /**
     * The logged values on one tensor per input and one per output, in inference mode, averaged
     * over the samples: the total loss, each output's loss (with several outputs), then each
     * output's metrics — the order of the keys of {@link #fit}'s history.
     *
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException for lists of the wrong length or tensors that do not fit
     */
    public double[] evaluate(List<Tensor> xs, List<Tensor> ys, int batchSize) {
        return evaluate(xs, ys, batchSize, 0);
    }

    /** {@link #evaluate(List, List, int)} showing its progress at {@code verbose} as {@link #evaluate(Tensor, Tensor, int, int)}. */
    public double[] evaluate(List<Tensor> xs, List<Tensor> ys, int batchSize, int verbose) {
        return loop.evaluate(xs, ys, batchSize, "evaluate", null, verbose);
    }

    /**
     * The loss and metrics on {@code (x, y)} with Keras's {@code sample_weight}: each sample's
     * loss weighted as in {@link FitOptions#sampleWeight}; metrics unweighted, as Keras 2.2.4's.
     *
     * @throws IllegalArgumentException for weights of the wrong length, negative or not finite
     */
    public double[] evaluate(Tensor x, Tensor y, int batchSize, double[] sampleWeight) {
        return loop.evaluate(List.of(x), List.of(y), batchSize, "evaluate", sampleWeight, 0);
    }

    /**
     * Trains for {@code epochs} epochs with batches of {@code batchSize}, shuffling each epoch and
     * showing the progress bar (Keras's defaults otherwise); see {@link #fit(Tensor, Tensor, FitOptions)}.
     */
    public History fit(Tensor x, Tensor y, int epochs, int batchSize) {
        return fit(x, y, new FitOptions().epochs(epochs).batchSize(batchSize));
    }

    /**
     * Trains a model of one input and one output (Keras's {@code fit}); see {@link #fit(List, List, FitOptions)}.
     *
     * @param x the samples, axis 0 the batch axis, of the model's input shape
     * @param y the targets: of the output's shape, or integer labels {@code [samples]} /
     *     {@code [samples, 1]} for {@code sparse_categorical_crossentropy}
     */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        return fit(List.of(x), List.of(y), options);
    }

    /**
     * Trains the model (Keras's {@code fit}). Each epoch shuffles the training samples (unless
     * disabled), takes one optimizer step per batch, reports progress, evaluates the validation
     * data if any, and calls the callbacks; training stops early when a callback calls
     * {@link #setStopTraining(boolean)}.
     *
     * @param xs one tensor per input, axis 0 the batch axis
     * @param ys one target tensor per output, each of the shape its loss accepts
     * @return the history of each epoch's {@code loss}, outputs' losses, metrics, and their {@code val_} values
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when the lists' lengths, the tensors or the validation data
     *     do not fit the model, or the validation split leaves no training or no validation sample
     */
    public History fit(List<Tensor> xs, List<Tensor> ys, FitOptions options) {
        return loop.fit(xs, ys, options);
    }

    /**
     * Trains the model on steps taken elsewhere, such as a data-parallel trainer's (see
     * {@link TrainingSteps}): runs the epochs from {@code options} with the callbacks, progress,
     * epoch means, validation data and history of {@link #fit(List, List, FitOptions)}, asking
     * {@code steps} for each step. Of {@code options}, the batch size is reported to the callbacks
     * only, and shuffling, the seed and sample or class weights are the steps' business.
     *
     * @return the history of each epoch's {@code loss}, metrics and their {@code val_} values
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when the validation data does not fit the model, or a
     *     validation split is asked for (pass the held-out samples as validation data instead)
     */
    public History fit(TrainingSteps steps, FitOptions options) {
        return loop.fit(steps, options);
    }

    /**
     * One optimizer step on the whole of {@code (x, y)} as a single batch (Keras's
     * {@code train_on_batch}).
     *
     * @return the batch's loss (before the step), then each compiled metric
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when {@code x} or {@code y} does not fit the model
     */
    public double[] trainOnBatch(Tensor x, Tensor y) {
        return trainOnBatch(List.of(x), List.of(y));
    }

    /** One optimizer step on one tensor per input and per output as a single batch; see {@link #trainOnBatch(Tensor, Tensor)}. */
    public double[] trainOnBatch(List<Tensor> xs, List<Tensor> ys) {
        return loop.trainOnBatch(xs, ys);
    }

    /**
     * The first half of a training step, without the update: one batch's loss and metrics in
     * training mode (as {@link #trainOnBatch} reports them), and the gradients of its loss with
     * respect to {@link #trainableVariables()}. A step is this followed by
     * {@code getOptimizer().applyGradients(trainableVariables(), gradients)}; data-parallel
     * trainers compute it on each shard and apply a combined gradient.
     *
     * @return the logs and the gradients, which belong to the open {@code TensorScope} if any, else to the caller
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when {@code x} or {@code y} does not fit the model
     */
    public BatchGradients computeGradients(Tensor x, Tensor y) {
        return loop.computeGradients(List.of(x), List.of(y));
    }

    /**
     * The loss and metrics of {@code (x, y)} as a single batch, in inference mode (Keras's
     * {@code test_on_batch}).
     *
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when {@code x} or {@code y} does not fit the model
     */
    public double[] testOnBatch(Tensor x, Tensor y) {
        return loop.evaluate(List.of(x), List.of(y), Math.max(1, x.rank() > 0 ? x.dim(0) : 1), "testOnBatch");
    }

    /** Whether a callback has asked training to stop. */
    public boolean isStopTraining() {
        return stopTraining;
    }

    /** Asks {@link #fit} to stop after the current batch (Keras's {@code model.stop_training = True}). */
    public void setStopTraining(boolean stop) {
        this.stopTraining = stop;
    }

    /** Where {@link #summary()} and the progress of {@link #fit} print; default {@code System.out}. */
    public void setOutput(PrintStream out) {
        this.out = out;
    }

    /** Where the model prints. */
    PrintStream output() {
        return out;
    }

    // ---- summary ----------------------------------------------------------------------------

    /** Prints {@link #summaryText()} to the model's output stream. */
    public void summary() {
        out.print(summaryText());
        out.flush();
    }

    /**
     * Keras 2.2.4's summary of a functional model, 98 characters wide: each layer's name and
     * class, output shape ({@code None} for the batch axis; {@code multiple} for a shared layer
     * whose calls give different shapes), parameter count and the layers it is connected to
     * ({@code dense_1[0][0]}: layer, node index, output index), then the parameter counts.
     */
    public String summaryText() {
        requireBuilt("its output shapes");
        int[] positions = {32, 53, 65, 98};
        StringBuilder sb = new StringBuilder();
        SummaryTable.header(sb, positions, "Layer (type)", "Output Shape", "Param #", "Connected to");
        List<Layer> layers = getLayers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            List<String> connections = new ArrayList<>();
            List<String> shapes = new ArrayList<>();
            for (Node n : graph.nodesOf(l)) {
                for (Symbol s : n.inputs()) {
                    connections.add(s.layer().getName() + "[" + graph.nodeIndex(s.node()) + "][" + s.index() + "]");
                }
                List<String> outs = n.outputs().stream().map(s -> SummaryTable.pythonShape(s.sampleShape())).toList();
                shapes.add(outs.size() == 1 ? outs.get(0) : outs.toString());
            }
            String shape = shapes.stream().distinct().count() == 1 ? shapes.get(0) : "multiple";
            sb.append(SummaryTable.row(positions, l.getName() + " (" + l.className() + ")", shape,
                    String.valueOf(l.countParams()), connections.isEmpty() ? "" : connections.get(0)));
            for (int c = 1; c < connections.size(); c++) {
                sb.append(SummaryTable.row(positions, "", "", "", connections.get(c)));
            }
            SummaryTable.rule(sb, positions, i == layers.size() - 1 ? '=' : '_');
        }
        SummaryTable.totals(sb, positions, this);
        return sb.toString();
    }

    // ---- saving -----------------------------------------------------------------------------

    /**
     * Saves the model in the format its file name asks for ({@link cthulhu.saving.ModelFiles}):
     * {@code .keras} writes Keras 3's format, which Python Keras 3's
     * {@code keras.models.load_model} reads; {@code .h5} Keras's legacy HDF5 format; any other
     * name cthulhu's own archive (conventionally {@code model.cthulhu}; see {@link cthulhu.saving.ModelIO}) with
     * the architecture, the weights, the training configuration and the optimizer's state. The
     * file is replaced atomically.
     *
     * @throws IOException when the file cannot be written
     * @throws IllegalStateException before the model is built
     * @throws IllegalArgumentException when a custom layer, activation, loss or optimizer is not
     *     registered by name, or the chosen Keras format cannot express a layer of the model
     */
    public void save(Path path) throws IOException {
        requireBuilt("its weights");
        STORAGE.save(this, path);
    }

    /**
     * The architecture and training configuration as Keras-style JSON (Keras's {@code to_json}).
     *
     * @throws IllegalArgumentException when a custom layer, activation, loss or optimizer is not registered by name
     */
    public String toJson() {
        return STORAGE.toJson(this);
    }

    /**
     * A new model, with fresh weights, from JSON written by {@link #toJson} (Keras's {@code model_from_json}).
     *
     * @throws IllegalArgumentException when the JSON is malformed or names something unknown here
     */
    public static Model fromJson(String json) {
        return STORAGE.fromJson(json, Model.class);
    }

    /** Releases the layers' weights and the optimizer's state. */
    @Override
    public void close() {
        getLayers().forEach(Layer::close);
        if (optimizer != null) {
            optimizer.close();
        }
    }

    @Override
    public String toString() {
        return "Model(" + getName() + ", inputs=" + (graph == null ? "?" : graph.inputs()) + ", outputs="
                + (graph == null ? "?" : graph.outputs()) + ")";
    }
}
