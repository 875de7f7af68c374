package cthulhu.models;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;
import cthulhu.callbacks.Callback;
import cthulhu.callbacks.History;
import cthulhu.callbacks.ProgbarLogger;

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
        Objective objective = model.objective();
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
        List<String> keys = new ArrayList<>(objective.keys());
        if (valIdx != null) {
            for (String k : objective.keys()) {
                keys.add("val_" + k);
            }
        }
        int batchSize = options.batchSize();
        int steps = (trainIdx.length + batchSize - 1) / batchSize;
        History history = new History();
        List<Callback> callbacks = new ArrayList<>();
        if (options.verbose() > 0) {
            boolean dynamic = options.dynamicDisplay() != null ? options.dynamicDisplay()
                    : model.output() == System.out && System.console() != null;
            callbacks.add(new ProgbarLogger(model.output(), options.verbose(), dynamic));
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
            c.setModel(model);
            c.setParams(params);
        }
        Random random = options.seed() != null ? new Random(options.seed()) : new Random();
        model.setStopTraining(false);
        callbacks.forEach(c -> c.onTrainBegin(new LinkedHashMap<>()));
        for (int epoch = options.initialEpoch(); epoch < options.epochs() && !model.isStopTraining(); epoch++) {
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch, new LinkedHashMap<>());
            }
            int[] order = trainIdx.clone();
            if (options.shuffle()) {
                shuffle(order, random);
            }
            EpochMeans means = new EpochMeans(objective.keys().size());
            for (int b = 0; b < steps && !model.isStopTraining(); b++) {
                int[] idx = Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
                Map<String, Double> batchLogs = new LinkedHashMap<>();
                batchLogs.put("batch", (double) b);
                batchLogs.put("size", (double) idx.length);
                for (Callback c : callbacks) {
                    c.onBatchBegin(b, batchLogs);
                }
                double[] values = trainStep(objective, xs, ys, idx);
                means.add(values, idx.length);
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
            if (valIdx != null) {
                double[] val = evaluate(objective, valXs, valYs, valIdx, batchSize);
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

    /** Keras's {@code evaluate}: the logged values averaged over the samples, in batches. */
    double[] evaluate(List<Tensor> xs, List<Tensor> ys, int batchSize, String method) {
        model.requireCompiled(method);
        requirePositive("batchSize", batchSize);
        int n = checkData(method, xs, ys);
        return evaluate(model.objective(), xs, ys, range(0, n), batchSize);
    }

    /** Keras's {@code train_on_batch}: one step on all of {@code (xs, ys)}. */
    double[] trainOnBatch(List<Tensor> xs, List<Tensor> ys) {
        model.requireCompiled("trainOnBatch");
        int n = checkData("trainOnBatch", xs, ys);
        return trainStep(model.objective(), xs, ys, range(0, n));
    }

    /**
     * The outputs for {@code xs} in inference mode, batch by batch, each of shape
     * {@code [samples] + output shape}, owned by the caller.
     */
    List<Tensor> predict(List<Tensor> xs, int batchSize) {
        requirePositive("batchSize", batchSize);
        int n = model.prepareInputs("predict", xs);
        List<int[]> outputShapes = model.outputShapes();
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
            }
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

    private double[] evaluate(Objective objective, List<Tensor> xs, List<Tensor> ys, int[] indices, int batchSize) {
        EpochMeans means = new EpochMeans(objective.keys().size());
        for (int start = 0; start < indices.length; start += batchSize) {
            int[] idx = Arrays.copyOfRange(indices, start, Math.min(indices.length, start + batchSize));
            try (TensorScope scope = TensorScope.open()) {
                List<Tensor> bx = rows(xs, idx);
                List<Tensor> by = rows(ys, idx);
                List<Tensor> outputs = model.forward(bx, false);
                List<Tensor> losses = objective.outputLosses(by, outputs);
                means.add(objective.values(objective.weightedLoss(losses), losses, by, outputs), idx.length);
            }
        }
        return means.means();
    }

    /**
     * One optimizer step on the samples {@code idx}: forward pass and loss under a tape, the
     * gradients of the minimised loss with respect to every trainable variable, the update.
     *
     * @return the batch's logged values (before the update), in the order of {@link Objective#keys}
     */
    private double[] trainStep(Objective objective, List<Tensor> xs, List<Tensor> ys, int[] idx) {
        List<Variable> variables = model.trainableVariables();
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> bx = rows(xs, idx);
            List<Tensor> by = rows(ys, idx);
            List<Tensor> outputs;
            List<Tensor> losses;
            Tensor total;
            List<Tensor> grads;
            try (GradientTape tape = GradientTape.open()) {
                List<Tensor> values = variables.stream().map(Variable::value).toList();
                tape.watch(values);
                outputs = model.forward(bx, true);
                losses = objective.outputLosses(by, outputs);
                total = objective.weightedLoss(losses);
                grads = tape.gradient(total, values);
            }
            double[] logged = objective.values(total, losses, by, outputs);
            model.getOptimizer().applyGradients(variables, grads);
            return logged;
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

    /** Sums of batch values weighted by batch size, for an epoch's or an evaluation's means. */
    private static final class EpochMeans {
        private final double[] sums;
        private int samples;

        EpochMeans(int count) {
            sums = new double[count];
        }

        void add(double[] values, int batchSamples) {
            for (int i = 0; i < values.length; i++) {
                sums[i] += values[i] * batchSamples;
            }
            samples += batchSamples;
        }

        double[] means() {
            double[] means = new double[sums.length];
            for (int i = 0; i < sums.length; i++) {
                means[i] = sums[i] / Math.max(samples, 1);
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
