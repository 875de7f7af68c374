package cthulhu.models;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.callbacks.Callback;
import cthulhu.callbacks.History;
import cthulhu.callbacks.ProgbarLogger;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerNames;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.metrics.Metric;
import cthulhu.metrics.Metrics;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.Optimizers;
import cthulhu.saving.ModelFiles;
import cthulhu.saving.ModelIO;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * {@code dense_2}, …. Each training step runs in one {@link TensorScope} (its intermediates,
 * native memory included, are released when the step ends) and one {@link GradientTape} over the
 * trainable variables; the optimizer writes the new weights with {@link Variable#assign}, which
 * takes them out of the step's scope.
 *
 * <p>The model owns its layers' weights and its optimizer's state; {@link #close()} releases them.
 * A model is used by one thread at a time.
 */
public class Sequential implements AutoCloseable {

    /** Keras's default batch size for {@link #predict} and {@link #evaluate}. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private static final AtomicInteger MODELS = new AtomicInteger();

    private final String name;
    private final List<Layer> layers = new ArrayList<>();
    private final LayerNames names = new LayerNames();
    /** The per-sample output shape of each layer, once built. */
    private final List<int[]> outputShapes = new ArrayList<>();
    private boolean built;
    private Optimizer optimizer;
    private Loss loss;
    private List<String> metricNames = List.of();
    private List<Metric> metrics;
    private boolean stopTraining;
    private PrintStream out = System.out;

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

    /** Where {@link #summary()} and the progress of {@link #fit} print; default {@code System.out}. */
    public void setOutput(PrintStream out) {
        this.out = out;
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

    // ---- compiling --------------------------------------------------------------------------

    /**
     * Configures training by names (Keras's {@code compile}).
     *
     * @param optimizer {@code "sgd"}, {@code "rmsprop"}, {@code "adam"} or a registered name, with default hyper-parameters
     * @param loss a loss name, e.g. {@code "categorical_crossentropy"}
     * @param metrics metric names, e.g. {@code "accuracy"}, reported in this order
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public void compile(String optimizer, String loss, String... metrics) {
        compile(Optimizers.get(optimizer), Losses.get(loss), metrics);
    }

    /**
     * Configures training with objects: an optimizer with chosen hyper-parameters, any loss.
     *
     * @param metrics metric names, e.g. {@code "accuracy"} (resolved for the loss as Keras does)
     * @throws IllegalArgumentException for an unknown metric name, listing the valid ones
     */
    public void compile(Optimizer optimizer, Loss loss, String... metrics) {
        if (optimizer == null || loss == null) {
            throw new IllegalArgumentException("compile needs an optimizer and a loss, got " + optimizer + " and " + loss);
        }
        Set<String> known = Metrics.names();
        for (String m : metrics) {
            if (!known.contains(m)) {
                throw new IllegalArgumentException("Unknown metric: " + m + ". Valid names: " + String.join(", ", known));
            }
        }
        if (this.optimizer != null && this.optimizer != optimizer) {
            this.optimizer.close();
        }
        this.optimizer = optimizer;
        this.loss = loss;
        this.metricNames = List.of(metrics);
        this.metrics = null;
    }

    /** The optimizer, or null before {@link #compile}. */
    public Optimizer getOptimizer() {
        return optimizer;
    }

    /** The loss, or null before {@link #compile}. */
    public Loss getLoss() {
        return loss;
    }

    /** The metric names given to {@link #compile}, in order. */
    public List<String> getMetricNames() {
        return metricNames;
    }

    private void requireCompiled(String method) {
        if (loss == null) {
            throw new IllegalStateException("You must compile model " + name + " before calling " + method
                    + ", e.g. model.compile(\"adam\", \"categorical_crossentropy\", \"accuracy\")");
        }
    }

    private List<Metric> metrics() {
        if (metrics == null) {
            int units = (int) Shapes.size(outputShape());
            List<Metric> resolved = new ArrayList<>();
            for (String m : metricNames) {
                resolved.add(Metrics.get(m, loss, units));
            }
            metrics = resolved;
        }
        return metrics;
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

    /** The outputs for {@code x}, in batches of {@value #DEFAULT_BATCH_SIZE}; see {@link #predict(Tensor, int)}. */
    public Tensor predict(Tensor x) {
        return predict(x, DEFAULT_BATCH_SIZE);
    }

    /**
     * The outputs for {@code x} in inference mode, computed batch by batch.
     *
     * @param x samples, axis 0 the batch axis
     * @param batchSize the samples per batch, {@code >= 1}
     * @return the outputs, of shape {@code [samples] + outputShape()}, owned by the caller
     * @throws IllegalArgumentException naming the expected and given shapes when {@code x} does not fit
     */
    public Tensor predict(Tensor x, int batchSize) {
        requirePositive("batchSize", batchSize);
        checkInput("predict", x);
        int n = x.dim(0);
        try (TensorScope all = TensorScope.open()) {
            List<Tensor> parts = new ArrayList<>();
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                try (TensorScope step = TensorScope.open()) {
                    Tensor batch = start == 0 && end == n ? x : K.slice(x, 0, start, end);
                    parts.add(step.keep(forward(batch, false)));
                }
            }
            if (parts.isEmpty()) {
                int[] shape = new int[outputShape().length + 1];
                System.arraycopy(outputShape(), 0, shape, 1, shape.length - 1);
                return all.keep(K.zeros(x.dtype(), shape));
            }
            return all.keep(parts.size() == 1 ? parts.get(0) : K.concatenate(parts, 0));
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
        requireCompiled("evaluate");
        requirePositive("batchSize", batchSize);
        checkData("evaluate", x, y);
        return evaluateIndices(x, y, range(0, x.dim(0)), batchSize);
    }

    private double[] evaluateIndices(Tensor x, Tensor y, int[] indices, int batchSize) {
        List<Metric> ms = metrics();
        double[] sums = new double[1 + ms.size()];
        for (int start = 0; start < indices.length; start += batchSize) {
            int[] idx = Arrays.copyOfRange(indices, start, Math.min(indices.length, start + batchSize));
            try (TensorScope scope = TensorScope.open()) {
                Tensor xb = rows(x, idx);
                Tensor yb = rows(y, idx);
                Tensor outb = forward(xb, false);
                sums[0] += scalar(K.mean(loss.apply(yb, outb))) * idx.length;
                for (int m = 0; m < ms.size(); m++) {
                    sums[m + 1] += scalar(K.mean(ms.get(m).apply(yb, outb))) * idx.length;
                }
            }
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] /= indices.length;
        }
        return sums;
    }

    private static double scalar(Tensor t) {
        return t.toDoubleArray()[0];
    }

    /**
     * Trains for {@code epochs} epochs with batches of {@code batchSize}, shuffling each epoch and
     * showing the progress bar (Keras's defaults otherwise); see {@link #fit(Tensor, Tensor, FitOptions)}.
     */
    public History fit(Tensor x, Tensor y, int epochs, int batchSize) {
        return fit(x, y, new FitOptions().epochs(epochs).batchSize(batchSize));
    }

    /**
     * Trains the model (Keras's {@code fit}). Each epoch shuffles the training samples (unless
     * disabled), takes one optimizer step per batch, reports progress, evaluates the validation
     * data if any, and calls the callbacks; training stops early when a callback calls
     * {@link #setStopTraining(boolean)}.
     *
     * @param x the samples, axis 0 the batch axis, of the model's input shape
     * @param y the targets: of the output's shape, or integer labels {@code [samples]} /
     *     {@code [samples, 1]} for {@code sparse_categorical_crossentropy}
     * @return the history of each epoch's {@code loss}, metrics, {@code val_loss}, {@code val_<metric>}
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when {@code x}, {@code y} or the validation data do not fit
     *     the model, or the validation split leaves no training or no validation sample
     */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        requireCompiled("fit");
        checkData("fit", x, y);
        int n = x.dim(0);
        Tensor valX = options.validationX();
        Tensor valY = options.validationY();
        int[] trainIdx;
        int[] valIdx = null;
        if (valX != null) {
            checkData("fit (validation data)", valX, valY);
            trainIdx = range(0, n);
            valIdx = range(0, valX.dim(0));
        } else if (options.validationSplit() > 0) {
            int split = (int) (n * (1 - options.validationSplit()));
            if (split == 0 || split == n) {
                throw new IllegalArgumentException("validationSplit " + options.validationSplit() + " of " + n
                        + " samples leaves " + split + " for training and " + (n - split)
                        + " for validation; choose a split that leaves samples for both");
            }
            trainIdx = range(0, split);
            valIdx = range(split, n);
            valX = x;
            valY = y;
        } else {
            trainIdx = range(0, n);
        }
        List<Metric> ms = metrics();
        List<String> keys = new ArrayList<>();
        keys.add("loss");
        keys.addAll(metricNames);
        if (valIdx != null) {
            for (String k : List.copyOf(keys)) {
                keys.add("val_" + k);
            }
        }
        int batchSize = options.batchSize();
        int steps = (trainIdx.length + batchSize - 1) / batchSize;
        History history = new History();
        List<Callback> callbacks = new ArrayList<>();
        if (options.verbose() > 0) {
            boolean dynamic = options.dynamicDisplay() != null ? options.dynamicDisplay()
                    : out == System.out && System.console() != null;
            callbacks.add(new ProgbarLogger(out, options.verbose(), dynamic));
        }
        callbacks.addAll(options.callbacks());
        callbacks.add(history);
        Map<String, Object> params = new HashMap<>();
        params.put("epochs", options.epochs());
        params.put("steps", steps);
        params.put("samples", trainIdx.length);
        params.put("validation_samples", valIdx == null ? 0 : valIdx.length);
        params.put("batch_size", batchSize);
        params.put("verbose", options.verbose());
        params.put("metrics", List.copyOf(keys));
        for (Callback c : callbacks) {
            c.setModel(this);
            c.setParams(params);
        }
        Random random = options.seed() != null ? new Random(options.seed()) : new Random();
        stopTraining = false;
        callbacks.forEach(c -> c.onTrainBegin(new LinkedHashMap<>()));
        for (int epoch = options.initialEpoch(); epoch < options.epochs() && !stopTraining; epoch++) {
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch, new LinkedHashMap<>());
            }
            int[] order = trainIdx.clone();
            if (options.shuffle()) {
                shuffle(order, random);
            }
            double[] sums = new double[1 + ms.size()];
            int seen = 0;
            for (int b = 0; b < steps && !stopTraining; b++) {
                int[] idx = Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
                Map<String, Double> batchLogs = new LinkedHashMap<>();
                batchLogs.put("batch", (double) b);
                batchLogs.put("size", (double) idx.length);
                for (Callback c : callbacks) {
                    c.onBatchBegin(b, batchLogs);
                }
                double[] values = trainStep(x, y, idx, ms);
                for (int i = 0; i < values.length; i++) {
                    batchLogs.put(keys.get(i), values[i]);
                    sums[i] += values[i] * idx.length;
                }
                seen += idx.length;
                for (Callback c : callbacks) {
                    c.onBatchEnd(b, batchLogs);
                }
            }
            Map<String, Double> epochLogs = new LinkedHashMap<>();
            for (int i = 0; i < sums.length; i++) {
                epochLogs.put(keys.get(i), sums[i] / Math.max(seen, 1));
            }
            if (valIdx != null) {
                double[] val = evaluateIndices(valX, valY, valIdx, batchSize);
                for (int i = 0; i < val.length; i++) {
                    epochLogs.put("val_" + keys.get(i), val[i]);
                }
            }
            for (Callback c : callbacks) {
                c.onEpochEnd(epoch, epochLogs);
            }
        }
        callbacks.forEach(c -> c.onTrainEnd(new LinkedHashMap<>()));
        return history;
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
        requireCompiled("trainOnBatch");
        checkData("trainOnBatch", x, y);
        return trainStep(x, y, range(0, x.dim(0)), metrics());
    }

    /**
     * The loss and metrics of {@code (x, y)} as a single batch, in inference mode (Keras's
     * {@code test_on_batch}).
     *
     * @throws IllegalStateException before {@link #compile}
     * @throws IllegalArgumentException when {@code x} or {@code y} does not fit the model
     */
    public double[] testOnBatch(Tensor x, Tensor y) {
        requireCompiled("testOnBatch");
        checkData("testOnBatch", x, y);
        return evaluateIndices(x, y, range(0, x.dim(0)), x.dim(0));
    }

    /**
     * One optimizer step on the samples {@code idx}: forward pass and loss under a tape, the
     * gradients of the mean loss with respect to every trainable variable, the update.
     *
     * @return the batch's loss, then its metrics
     */
    private double[] trainStep(Tensor x, Tensor y, int[] idx, List<Metric> ms) {
        List<Variable> variables = trainableVariables();
        try (TensorScope scope = TensorScope.open()) {
            Tensor xb = rows(x, idx);
            Tensor yb = rows(y, idx);
            Tensor output;
            Tensor lossValue;
            List<Tensor> grads;
            try (GradientTape tape = GradientTape.open()) {
                List<Tensor> values = variables.stream().map(Variable::value).toList();
                tape.watch(values);
                output = forward(xb, true);
                lossValue = K.mean(loss.apply(yb, output));
                grads = tape.gradient(lossValue, values);
            }
            double[] result = new double[1 + ms.size()];
            result[0] = scalar(lossValue);
            for (int m = 0; m < ms.size(); m++) {
                result[m + 1] = scalar(K.mean(ms.get(m).apply(yb, output)));
            }
            optimizer.applyGradients(variables, grads);
            return result;
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        Arrays.setAll(r, i -> from + i);
        return r;
    }

    /**
     * The samples {@code idx} of {@code x}: a slice when they are consecutive (unshuffled batches,
     * which a backend may serve without copying), else a gather.
     */
    private static Tensor rows(Tensor x, int[] idx) {
        for (int i = 1; i < idx.length; i++) {
            if (idx[i] != idx[0] + i) {
                return K.gather(x, idx);
            }
        }
        return idx.length == 0 ? K.gather(x, idx) : K.slice(x, 0, idx[0], idx[0] + idx.length);
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
    }

    /** Whether a callback has asked training to stop. */
    public boolean isStopTraining() {
        return stopTraining;
    }

    /** Asks {@link #fit} to stop after the current batch (Keras's {@code model.stop_training = True}). */
    public void setStopTraining(boolean stop) {
        this.stopTraining = stop;
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
                    + batchShape(expected, "batch") + " but got x of shape " + Arrays.toString(x.shape())
                    + "; reshape x, or declare the first layer's input shape as " + Arrays.toString(sample));
        }
    }

    /** Checks samples and targets against the model, the loss and each other. */
    private void checkData(String method, Tensor x, Tensor y) {
        checkInput(method, x);
        if (y == null || y.rank() < 1) {
            throw new IllegalArgumentException(method + ": y must be a tensor with a batch axis, got " + y);
        }
        if (x.dim(0) == 0) {
            throw new IllegalArgumentException(method + ": x " + Arrays.toString(x.shape()) + " holds no samples");
        }
        if (x.dim(0) != y.dim(0)) {
            throw new IllegalArgumentException(method + ": input arrays should have the same number of samples as target arrays."
                    + " Found " + x.dim(0) + " input samples (x " + Arrays.toString(x.shape()) + ") and " + y.dim(0)
                    + " target samples (y " + Arrays.toString(y.shape()) + ")");
        }
        String lossName = Losses.nameOf(loss).orElse(null);
        if (lossName == null) {
            return;
        }
        int[] out = outputShape();
        int[] sample = Arrays.copyOfRange(y.shape(), 1, y.rank());
        boolean sparse = lossName.equals("sparse_categorical_crossentropy");
        if (sparse) {
            int[] labels = Arrays.copyOf(out, out.length - 1);
            int[] column = out.clone();
            column[column.length - 1] = 1;
            if (!Arrays.equals(sample, labels) && !Arrays.equals(sample, column)) {
                throw new IllegalArgumentException("Error when checking target of " + method + ": the loss sparse_categorical_crossentropy"
                        + " needs integer labels y of shape " + batchShape(labels, String.valueOf(y.dim(0))) + " or "
                        + batchShape(column, String.valueOf(y.dim(0))) + " for the model's output " + batchShape(out, "None")
                        + ", but got y of shape " + Arrays.toString(y.shape())
                        + (Arrays.equals(sample, out) ? "; for one-hot targets use categorical_crossentropy" : ""));
            }
        } else if (!Arrays.equals(sample, out)) {
            String hint = lossName.equals("categorical_crossentropy") && sample.length <= 1 && (sample.length == 0 || sample[0] == 1)
                    ? "; for integer labels use sparse_categorical_crossentropy, or one-hot encode y" : "";
            throw new IllegalArgumentException("Error when checking target of " + method + ": the model's output has shape "
                    + batchShape(out, "None") + " so the loss " + lossName + " needs y of shape "
                    + batchShape(out, String.valueOf(y.dim(0))) + ", but got y of shape " + Arrays.toString(y.shape()) + hint);
        }
    }

    private static String batchShape(int[] sample, String batch) {
        StringBuilder sb = new StringBuilder("[").append(batch);
        for (int d : sample) {
            sb.append(", ").append(d);
        }
        return sb.append(']').toString();
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
        out.print(summaryText());
        out.flush();
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
        if (optimizer != null) {
            optimizer.close();
        }
    }

    @Override
    public String toString() {
        return "Sequential(" + name + ", " + layers + ")";
    }
}
