package cthulhu.models;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.callbacks.Callback;
import cthulhu.callbacks.History;
import cthulhu.callbacks.ProgbarLogger;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerLosses;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The one training, evaluation and prediction loop of every {@link Model}: batching, shuffling,
 * validation, callbacks and progress around {@link #trainStep}, which runs one batch in one
 * {@link TensorScope} (its intermediates, native memory included, are released when the step
 * ends) under one {@link GradientTape} over the trainable variables; the optimizer writes the new
 * weights with {@link Variable#assign}, which takes them out of the step's scope.
 *
 * <p>The loop knows no loss, metric or layer by name: the model gives its outputs
 * ({@link Model#forward}) and its compiled {@link Objective} says what to minimise, how targets
 * must be shaped and what to report.
 */
final class TrainingLoop {

    private final Model model;

    TrainingLoop(Model model) {
        this.model = model;
    }

    /** Keras's {@code fit}; see {@link Model#fit(List, List, FitOptions)}. */
    History fit(List<Tensor> xs, List<Tensor> ys, FitOptions options) {
        model.requireCompiled("fit");
        int n = checkData("fit", xs, ys);
        List<Tensor> valXs = options.validationX();
        List<Tensor> valYs = options.validationY();
        int[] trainIdx;
        int[] valIdx = null;
        if (valXs != null) {
            int validation = checkData("fit (validation data)", valXs, valYs);
            trainIdx = range(0, n);
            valIdx = range(0, validation);
        } else if (options.validationSplit() > 0) {
            int split = (int) (n * (1 - options.validationSplit()));
            if (split == 0 || split == n) {
                throw new IllegalArgumentException("validationSplit " + options.validationSplit() + " of " + n
                        + " samples leaves " + split + " for training and " + (n - split)
                        + " for validation; choose a split that leaves samples for both");
            }
            trainIdx = range(0, split);
            valIdx = range(split, n);
            valXs = xs;
            valYs = ys;
        } else {
            trainIdx = range(0, n);
        }
        double[] weights = SampleWeights.of("fit", options.sampleWeight(), options.classWeight(), ys.get(0), n,
                SampleWeights.classes(model.outputShapes().get(0)));
        return run(new Batches(xs, ys, trainIdx, weights, options), options, valXs, valYs, valIdx);
    }

    /** Keras's {@code fit} over steps taken elsewhere; see {@link Model#fit(TrainingSteps, FitOptions)}. */
    History fit(TrainingSteps steps, FitOptions options) {
        model.requireCompiled("fit");
        if (options.validationSplit() > 0) {
            throw new IllegalArgumentException("fit: validationSplit " + options.validationSplit() + " needs the training"
                    + " samples, which steps taken elsewhere do not give; pass the held-out samples as FitOptions.validationData");
        }
        List<Tensor> valXs = options.validationX();
        List<Tensor> valYs = options.validationY();
        int[] valIdx = valXs == null ? null : range(0, checkData("fit (validation data)", valXs, valYs));
        return run(steps, options, valXs, valYs, valIdx);
    }

    /**
     * The epoch loop of every fit: callbacks, progress, the steps, the epoch means and the
     * validation on the samples {@code valIdx} of {@code (valXs, valYs)} (none when null).
     */
    private History run(TrainingSteps steps, FitOptions options, List<Tensor> valXs, List<Tensor> valYs, int[] valIdx) {
        Objective objective = model.objective();
        List<String> keys = new ArrayList<>(objective.keys());
        if (valIdx != null) {
            for (String k : objective.keys()) {
                keys.add("val_" + k);
            }
        }
        int batchSize = options.batchSize();
        History history = new History();
        List<Callback> callbacks = progress(options.verbose(), options.dynamicDisplay());
        callbacks.addAll(options.callbacks());
        callbacks.add(history);
        Map<String, Object> params = params(steps.samples(), options.verbose(), keys, objective);
        params.put("epochs", options.epochs());
        params.put("steps", steps.steps());
        params.put("validation_samples", valIdx == null ? 0 : valIdx.length);
        params.put("batch_size", batchSize);
        start(callbacks, params);
        model.setStopTraining(false);
        callbacks.forEach(c -> c.onTrainBegin(new LinkedHashMap<>()));
        int start = options.initialEpoch();
        for (Callback c : callbacks) {
            start = c.initialEpoch(start);
        }
        for (int epoch = start; epoch < options.epochs() && !model.isStopTraining(); epoch++) {
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch, new LinkedHashMap<>());
            }
            steps.beginEpoch(epoch);
            objective.resetStates();
            EpochMeans means = new EpochMeans(objective.accumulated());
            for (int b = 0; b < steps.steps() && !model.isStopTraining(); b++) {
                int size = steps.size(epoch, b);
                Map<String, Double> batchLogs = batchLogs(b, size);
                for (Callback c : callbacks) {
                    c.onBatchBegin(b, batchLogs);
                }
                double[] values = steps.train(epoch, b);
                means.add(values, size);
                for (int i = 0; i < values.length; i++) {
                    batchLogs.put(keys.get(i), values[i]);
                }
                for (Callback c : callbacks) {
                    c.onBatchEnd(b, batchLogs);
                }
            }
            Map<String, Double> epochLogs = new LinkedHashMap<>();
            double[] epochValues = means.means();
            for (int i = 0; i < epochValues.length; i++) {
                epochLogs.put(keys.get(i), epochValues[i]);
            }
            if (valIdx != null && options.validatesAfter(epoch)) {
                double[] val = evaluate(objective, valXs, valYs, valIdx, batchSize, null, List.of());
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
     * The steps of a fit on tensors: the training samples, in an order shuffled at each epoch's
     * start unless shuffling is off, cut into batches of the fit's batch size.
     */
    private final class Batches implements TrainingSteps {
        private final List<Tensor> xs;
        private final List<Tensor> ys;
        private final int[] samples;
        private final double[] weights;
        private final int batchSize;
        private final boolean shuffle;
        private final Random random;
        private int[] order;

        Batches(List<Tensor> xs, List<Tensor> ys, int[] samples, double[] weights, FitOptions options) {
            this.xs = xs;
            this.ys = ys;
            this.samples = samples;
            this.weights = weights;
            this.batchSize = options.batchSize();
            this.shuffle = options.shuffle();
            this.random = options.seed() != null ? new Random(options.seed()) : new Random();
            this.order = samples;
        }

        @Override
        public int samples() {
            return samples.length;
        }

        @Override
        public int steps() {
            return (samples.length + batchSize - 1) / batchSize;
        }

        @Override
        public void beginEpoch(int epoch) {
            order = samples.clone();
            if (shuffle) {
                shuffle(order, random);
            }
        }

        @Override
        public int size(int epoch, int step) {
            return Math.min(order.length, (step + 1) * batchSize) - step * batchSize;
        }

        @Override
        public double[] train(int epoch, int step) {
            int[] idx = Arrays.copyOfRange(order, step * batchSize, Math.min(order.length, (step + 1) * batchSize));
            return trainStep(model.objective(), xs, ys, idx, weights);
        }
    }

    /** Keras's {@code evaluate}: the logged values averaged over the samples, in batches, silently. */
    double[] evaluate(List<Tensor> xs, List<Tensor> ys, int batchSize, String method) {
        return evaluate(xs, ys, batchSize, method, null, 0);
    }

    /**
     * Keras's {@code evaluate} with {@code sample_weight} (null for none), weighting the losses as
     * {@code fit} does, and its progress shown at {@code verbose} as {@code fit} shows an epoch's.
     */
    double[] evaluate(List<Tensor> xs, List<Tensor> ys, int batchSize, String method, double[] sampleWeight, int verbose) {
        model.requireCompiled(method);
        requirePositive("batchSize", batchSize);
        int n = checkData(method, xs, ys);
        double[] weights = SampleWeights.of(method, sampleWeight, null, ys.get(0), n, SampleWeights.classes(model.outputShapes().get(0)));
        Objective objective = model.objective();
        List<Callback> callbacks = progress(verbose, null);
        start(callbacks, params(n, verbose, objective.keys(), objective));
        return evaluate(objective, xs, ys, range(0, n), batchSize, weights, callbacks);
    }

    /** Keras's {@code train_on_batch}: one step on all of {@code (xs, ys)}. */
    double[] trainOnBatch(List<Tensor> xs, List<Tensor> ys) {
        model.requireCompiled("trainOnBatch");
        int n = checkData("trainOnBatch", xs, ys);
        return trainStep(model.objective(), xs, ys, range(0, n), null);
    }

    /**
     * The outputs for {@code xs} in inference mode, batch by batch, each of shape
     * {@code [samples] + output shape}, owned by the caller.
     */
    List<Tensor> predict(List<Tensor> xs, int batchSize, int verbose) {
        requirePositive("batchSize", batchSize);
        int n = model.prepareInputs("predict", xs);
        if (verbose == 0 && n > 0 && n <= batchSize) {
            // A server's request: one batch and no callbacks, so one scope and no lists of parts
            // to concatenate. Threads serving one model each call this per request, and every
            // object made here is garbage to collect at their combined rate.
            try (TensorScope step = TensorScope.open()) {
                return step.keepAll(model.forward(xs, false));
            }
        }
        List<int[]> outputShapes = model.outputShapes();
        List<Callback> callbacks = progress(verbose, null);
        // A server calls predict once per request, without callbacks: their logs are made only for them.
        boolean reporting = !callbacks.isEmpty();
        if (reporting) {
            start(callbacks, params(n, verbose, List.of(), null));
            callbacks.forEach(c -> c.onPredictBegin(new LinkedHashMap<>()));
        }
        try (TensorScope all = TensorScope.open()) {
            List<List<Tensor>> parts = new ArrayList<>();
            outputShapes.forEach(s -> parts.add(new ArrayList<>()));
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                try (TensorScope step = TensorScope.open()) {
                    List<Tensor> batch = new ArrayList<>();
                    for (Tensor x : xs) {
                        batch.add(start == 0 && end == n ? x : K.slice(x, 0, start, end));
                    }
                    List<Tensor> outputs = model.forward(batch, false);
                    for (int k = 0; k < outputs.size(); k++) {
                        parts.get(k).add(step.keep(outputs.get(k)));
                    }
                }
                if (reporting) {
                    int batch = start / batchSize;
                    Map<String, Double> batchLogs = batchLogs(batch, end - start);
                    callbacks.forEach(c -> c.onPredictBatchEnd(batch, batchLogs));
                }
            }
            callbacks.forEach(c -> c.onPredictEnd(new LinkedHashMap<>()));
            List<Tensor> results = new ArrayList<>();
            for (int k = 0; k < outputShapes.size(); k++) {
                List<Tensor> p = parts.get(k);
                if (p.isEmpty()) {
                    int[] sample = outputShapes.get(k);
                    int[] shape = new int[sample.length + 1];
                    System.arraycopy(sample, 0, shape, 1, sample.length);
                    results.add(all.keep(K.zeros(xs.get(0).dtype(), shape)));
                } else {
                    results.add(all.keep(p.size() == 1 ? p.get(0) : K.concatenate(p, 0)));
                }
            }
            return results;
        }
    }

    /** The evaluation loop, telling {@code callbacks} its progress through the test hooks. */
    private double[] evaluate(Objective objective, List<Tensor> xs, List<Tensor> ys, int[] indices, int batchSize,
                              double[] weights, List<Callback> callbacks) {
        objective.resetStates();
        EpochMeans means = new EpochMeans(objective.accumulated());
        List<String> keys = objective.keys();
        callbacks.forEach(c -> c.onTestBegin(new LinkedHashMap<>()));
        for (int start = 0; start < indices.length; start += batchSize) {
            int[] idx = Arrays.copyOfRange(indices, start, Math.min(indices.length, start + batchSize));
            double[] values;
            try (TensorScope scope = TensorScope.open()) {
                List<Tensor> bx = rows(xs, idx);
                List<Tensor> by = rows(ys, idx);
                Pass pass = pass(objective, bx, by, SampleWeights.batch(weights, idx, by.get(0)), false);
                values = objective.values(pass.total(), pass.losses(), by, pass.outputs());
            }
            means.add(values, idx.length);
            int batch = start / batchSize;
            Map<String, Double> batchLogs = batchLogs(batch, idx.length);
            for (int i = 0; i < values.length; i++) {
                batchLogs.put(keys.get(i), values[i]);
            }
            callbacks.forEach(c -> c.onTestBatchEnd(batch, batchLogs));
        }
        double[] result = means.means();
        Map<String, Double> logs = new LinkedHashMap<>();
        for (int i = 0; i < result.length; i++) {
            logs.put(keys.get(i), result[i]);
        }
        callbacks.forEach(c -> c.onTestEnd(logs));
        return result;
    }

    /**
     * The progress callback of a verbosity: a {@link ProgbarLogger} on the model's output, drawing
     * a dynamic bar when {@code dynamic} says so, or when null when the output is a console; none
     * at verbosity 0.
     */
    private List<Callback> progress(int verbose, Boolean dynamic) {
        List<Callback> callbacks = new ArrayList<>();
        if (verbose > 0) {
            boolean redraw = dynamic != null ? dynamic : model.output() == System.out && System.console() != null;
            callbacks.add(new ProgbarLogger(model.output(), verbose, redraw));
        }
        return callbacks;
    }

    /**
     * The parameters every callback gets ({@link Callback#setParams}): {@code samples},
     * {@code verbose}, {@code metrics} (the keys) and {@code stateful_metrics} (those of the
     * objective's keys that are accumulated rather than averaged); {@code objective} may be null.
     */
    private static Map<String, Object> params(int samples, int verbose, List<String> keys, Objective objective) {
        Map<String, Object> params = new HashMap<>();
        params.put("samples", samples);
        params.put("verbose", verbose);
        params.put("metrics", List.copyOf(keys));
        List<String> stateful = new ArrayList<>();
        if (objective != null) {
            boolean[] accumulated = objective.accumulated();
            for (int i = 0; i < accumulated.length; i++) {
                if (accumulated[i]) {
                    stateful.add(objective.keys().get(i));
                    stateful.add("val_" + objective.keys().get(i));
                }
            }
        }
        params.put("stateful_metrics", List.copyOf(stateful));
        return params;
    }

    private void start(List<Callback> callbacks, Map<String, Object> params) {
        for (Callback c : callbacks) {
            c.setModel(model);
            c.setParams(params);
        }
    }

    private static Map<String, Double> batchLogs(int batch, int size) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("batch", (double) batch);
        logs.put("size", (double) size);
        return logs;
    }

    /**
     * One optimizer step on the samples {@code idx}: forward pass and loss under a tape, the
     * gradients of the minimised loss with respect to every trainable variable, the update.
     *
     * @return the batch's logged values (before the update), in the order of {@link Objective#keys}
     */
    private double[] trainStep(Objective objective, List<Tensor> xs, List<Tensor> ys, int[] idx, double[] weights) {
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> by = rows(ys, idx);
            BatchGradients step = gradients(objective, rows(xs, idx), by, SampleWeights.batch(weights, idx, by.get(0)));
            model.getOptimizer().applyGradients(model.trainableVariables(), step.gradients());
            model.getLayers().forEach(Layer::applyConstraints);
            return step.logs();
        }
    }

    /** The first half of a step, without the update; see {@link Model#computeGradients}. */
    BatchGradients computeGradients(List<Tensor> xs, List<Tensor> ys) {
        model.requireCompiled("computeGradients");
        checkData("computeGradients", xs, ys);
        return gradients(model.objective(), xs, ys, null);
    }

    /**
     * One batch's logged values (before any update), in the order of {@link Objective#keys}, and
     * the gradients of the minimised loss with respect to every trainable variable;
     * {@code sampleWeights} may be null.
     */
    private BatchGradients gradients(Objective objective, List<Tensor> bx, List<Tensor> by, Tensor sampleWeights) {
        List<Variable> variables = model.trainableVariables();
        Pass pass;
        List<Tensor> grads;
        try (GradientTape tape = GradientTape.open()) {
            List<Tensor> values = variables.stream().map(Variable::value).toList();
            tape.watch(values);
            pass = pass(objective, bx, by, sampleWeights, true);
            grads = tape.gradient(pass.total(), values);
        }
        return new BatchGradients(objective.values(pass.total(), pass.losses(), by, pass.outputs()), grads);
    }

    /** A forward pass's outputs, per-output losses and the total loss. */
    private record Pass(List<Tensor> outputs, List<Tensor> losses, Tensor total) {
    }

    /**
     * The forward pass and the loss that training minimises and reports, as Keras's: the
     * objective's weighted loss plus the layers' regularization penalties (their weights', and
     * the activity of the layers this pass called); {@code sampleWeights} may be null.
     */
    private Pass pass(Objective objective, List<Tensor> bx, List<Tensor> by, Tensor sampleWeights, boolean training) {
        try (LayerLosses layerLosses = LayerLosses.open()) {
            List<Tensor> outputs = model.forward(bx, training);
            List<Tensor> losses = objective.outputLosses(by, outputs, sampleWeights);
            Tensor total = objective.weightedLoss(losses);
            Tensor penalty = layerLosses.total(model.getLayers());
            return new Pass(outputs, losses, penalty == null ? total : K.add(total, penalty));
        }
    }

    /**
     * Checks inputs and targets against the model, its losses and each other, building the model
     * from the inputs when needed.
     *
     * @return the number of samples
     */
    private int checkData(String method, List<Tensor> xs, List<Tensor> ys) {
        int n = model.prepareInputs(method, xs);
        List<String> outputs = model.outputNames();
        if (ys == null || ys.size() != outputs.size()) {
            throw new IllegalArgumentException(method + ": the model has " + outputs.size() + " output(s) " + outputs
                    + " but " + (ys == null ? "no" : String.valueOf(ys.size())) + " target array(s) were given;"
                    + " pass one target per output, in the order of the outputs");
        }
        if (n == 0) {
            throw new IllegalArgumentException(method + ": x " + Arrays.toString(xs.get(0).shape()) + " holds no samples");
        }
        for (int k = 0; k < ys.size(); k++) {
            Tensor y = ys.get(k);
            String name = ys.size() > 1 ? "y for output " + outputs.get(k) : "y";
            if (y == null || y.rank() < 1) {
                throw new IllegalArgumentException(method + ": " + name + " must be a tensor with a batch axis, got " + y);
            }
            if (y.dim(0) != n) {
                throw new IllegalArgumentException(method + ": input arrays should have the same number of samples as target"
                        + " arrays. Found " + n + " input samples (x " + Arrays.toString(xs.get(0).shape()) + ") and " + y.dim(0)
                        + " target samples (" + name + " " + Arrays.toString(y.shape()) + ")");
            }
        }
        model.objective().checkTargets(method, model.outputShapes(), ys);
        return n;
    }

    /**
     * Sums of batch values weighted by batch size, for an epoch's or an evaluation's means; a
     * stateful metric's value is already accumulated, so its latest is kept instead.
     */
    private static final class EpochMeans {
        private final double[] sums;
        private final boolean[] accumulated;
        private int samples;

        EpochMeans(boolean[] accumulated) {
            this.accumulated = accumulated.clone();
            sums = new double[accumulated.length];
        }

        void add(double[] values, int batchSamples) {
            for (int i = 0; i < values.length; i++) {
                sums[i] = accumulated[i] ? values[i] : sums[i] + values[i] * batchSamples;
            }
            samples += batchSamples;
        }

        double[] means() {
            double[] means = new double[sums.length];
            for (int i = 0; i < sums.length; i++) {
                means[i] = accumulated[i] ? sums[i] : sums[i] / Math.max(samples, 1);
            }
            return means;
        }
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        Arrays.setAll(r, i -> from + i);
        return r;
    }

    private static List<Tensor> rows(List<Tensor> xs, int[] idx) {
        List<Tensor> out = new ArrayList<>(xs.size());
        for (Tensor x : xs) {
            out.add(rows(x, idx));
        }
        return out;
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

    static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
    }
}
