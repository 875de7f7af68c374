package cthulhu.models;

import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.callbacks.History;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.metrics.Metrics;
import cthulhu.optimizers.Optimizer;
import cthulhu.optimizers.Optimizers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A model (Keras's {@code Model}): layers connected from inputs to outputs that compile, train,
 * evaluate and predict. The structure belongs to the subclass; training, evaluation and
 * prediction run in the one loop every model shares ({@link TrainingLoop}).
 *
 * <p>The model owns its layers' weights and its optimizer's state; {@link #close()} releases them.
 * A model is used by one thread at a time.
 */
public abstract class Model implements AutoCloseable {

    /** Keras's default batch size for {@link #predict} and {@link #evaluate}. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final TrainingLoop loop = new TrainingLoop(this);
    private Optimizer optimizer;
    private List<Loss> losses;
    private List<String> metricNames = List.of();
    private Objective objective;
    private boolean stopTraining;
    private PrintStream out = System.out;

    /** For subclasses. */
    protected Model() {
    }

    // ---- structure, given by the subclass ----------------------------------------------------

    /** The model's name. */
    public abstract String getName();

    /**
     * Runs the model on one batch of each input, without checks.
     *
     * @param training whether layers such as dropout act as in training
     * @return one batch per output, in the order of the outputs
     */
    abstract List<Tensor> forward(List<Tensor> inputs, boolean training);

    /**
     * Builds the model from the inputs if it is not built yet, and checks that they fit it: one
     * tensor per input, each with a batch axis and samples of the input's shape, all with the
     * same number of samples.
     *
     * @return the number of samples
     * @throws IllegalArgumentException naming the model, the expected and the given shapes
     */
    abstract int prepareInputs(String method, List<Tensor> xs);

    /** Each output's per-sample shape, in the order of the outputs; the model must be built. */
    abstract List<int[]> outputShapes();

    /** The names of the outputs (the names of the layers that produce them), in order. */
    abstract List<String> outputNames();

    /** The variables the optimizer updates. */
    public abstract List<Variable> trainableVariables();

    /** Copies of every weight (Keras's {@code get_weights}); the caller owns and closes them. */
    public abstract List<Tensor> getWeights();

    /**
     * Sets every weight from copies of {@code weights}, in the order of {@link #getWeights()}.
     *
     * @throws IllegalArgumentException when the count or a shape differs
     */
    public abstract void setWeights(List<Tensor> weights);

    /**
     * Saves the model to one file.
     *
     * @throws IOException when the file cannot be written
     */
    public abstract void save(Path path) throws IOException;

    /**
     * Reads a model from a file, recognising the format by its content
     * ({@link cthulhu.saving.ModelFiles}): cthulhu's archive, a Keras 3 {@code .keras} zip, or a
     * legacy HDF5 model written by Keras 2.x, tf.keras or Keras 3, compiled when the file holds a
     * training configuration. Functional Keras graphs load when they are a chain of
     * single-input layers.
     *
     * @throws IOException when the file cannot be read
     * @throws cthulhu.saving.ModelFormatException naming the file and the problem
     */
    public static Model load(Path path) throws IOException {
        return cthulhu.saving.ModelFiles.load(path);
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
        this.losses = List.of(loss);
        this.metricNames = List.of(metrics);
        this.objective = null;
    }

    /** The optimizer, or null before {@link #compile}. */
    public Optimizer getOptimizer() {
        return optimizer;
    }

    /** The loss, or null before {@link #compile}. */
    public Loss getLoss() {
        return losses == null ? null : losses.get(0);
    }

    /** The metric names given to {@link #compile}, in order. */
    public List<String> getMetricNames() {
        return metricNames;
    }

    /**
     * Checks that the model is compiled.
     *
     * @throws IllegalStateException before {@link #compile}, naming {@code method}
     */
    void requireCompiled(String method) {
        if (losses == null) {
            throw new IllegalStateException("You must compile model " + getName() + " before calling " + method
                    + ", e.g. model.compile(\"adam\", \"categorical_crossentropy\", \"accuracy\")");
        }
    }

    /** The compiled objective, resolved for the outputs of the built model on first use. */
    Objective objective() {
        if (objective == null) {
            List<String> names = outputNames();
            List<Loss> perOutput = new ArrayList<>();
            double[] weights = new double[names.size()];
            List<List<String>> metrics = new ArrayList<>();
            for (int k = 0; k < names.size(); k++) {
                perOutput.add(losses.size() == 1 ? losses.get(0) : losses.get(k));
                weights[k] = 1;
                metrics.add(metricNames);
            }
            objective = new Objective(names, outputShapes(), perOutput, weights, metrics);
        }
        return objective;
    }

    // ---- running ----------------------------------------------------------------------------

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
        return loop.predict(List.of(x), batchSize).get(0);
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
        return loop.evaluate(List.of(x), List.of(y), batchSize, "evaluate");
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
        return loop.fit(List.of(x), List.of(y), options);
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
        return loop.trainOnBatch(List.of(x), List.of(y));
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

    /** Where {@link #summary()}-style text and the progress of {@link #fit} print; default {@code System.out}. */
    public void setOutput(PrintStream out) {
        this.out = out;
    }

    /** Where the model prints. */
    PrintStream output() {
        return out;
    }

    /** Releases the optimizer's state; subclasses release their layers' weights too. */
    @Override
    public void close() {
        if (optimizer != null) {
            optimizer.close();
        }
    }
}
