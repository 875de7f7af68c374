package cthulhu.spark;

import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.models.BatchGradients;
import cthulhu.models.Sequential;
import cthulhu.optimizers.Optimizer;

import java.io.Serializable;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a task does with its shard, through the model's own single-machine steps: the gradients
 * of one batch ({@link Sequential#computeGradients}), a run of local optimizer steps
 * ({@link Sequential#trainOnBatch}), or the loss and metrics ({@link Sequential#evaluate}).
 * Each borrows a model of its source from {@link ExecutorModels}, sets the shipped state, and returns
 * sample-weighted {@link Sums} — or, for a whole epoch of parameter averaging in one task per
 * partition, each round's logs ({@link #averagingEpoch}).
 */
final class ShardSteps {

    /**
     * How a fit forms batches: from each shard's epoch order, {@code batchSize} rows per step.
     *
     * @param labelShape the shape of one label sample the loss takes
     */
    record Batches(boolean shuffle, long seed, int batchSize, int[] labelShape) implements Serializable {
    }

    private ShardSteps() {
    }

    /** The gradients, loss and metrics of the shard's batch {@code step} of {@code epoch} at the shipped weights. */
    static Sums gradients(Shard shard, ExecutorModels.Source source, Blocks weights, Batches batches, int epoch, int step) {
        int[] idx = shard.batch(batches.shuffle(), batches.seed(), epoch, step, batches.batchSize());
        if (idx.length == 0) {
            return Sums.none();
        }
        Sequential model = ExecutorModels.borrow(source);
        try (TensorScope scope = TensorScope.open()) {
            ModelState.restore(model, weights, false);
            BatchGradients g = model.computeGradients(shard.features(idx, model.inputShape()), shard.labels(idx, batches.labelShape()));
            return Sums.of(g.gradients(), g.logs(), idx.length, 1);
        } finally {
            ExecutorModels.giveBack(source, model);
        }
    }

    /**
     * Up to {@code count} optimizer steps on the shard's batches {@code firstStep, firstStep + 1, …}
     * of {@code epoch}, starting from the shipped weights, optimizer state and step count; returns
     * the resulting weights and state, and the mean loss and metrics of the batches, all weighted
     * by the samples trained on.
     */
    static Sums localSteps(Shard shard, ExecutorModels.Source source, Blocks state, long iterations, Batches batches,
                           int epoch, int firstStep, int count) {
        if (firstStep >= shard.steps(batches.batchSize())) {
            return Sums.none();
        }
        Sequential model = ExecutorModels.borrow(source);
        try (TensorScope scope = TensorScope.open()) {
            ModelState.restore(model, state, true);
            model.getOptimizer().setIterations(iterations);
            return trainSteps(model, shard, batches, epoch, firstStep, count, true);
        } finally {
            ExecutorModels.giveBack(source, model);
        }
    }

    /**
     * Up to {@code count} optimizer steps of {@code model} on the shard's batches {@code firstStep, …}
     * of {@code epoch}: the mean loss and metrics of the batches and, when {@code withState}, the
     * resulting weights and optimizer state, weighted by the samples trained on; none past the
     * shard's last batch.
     */
    private static Sums trainSteps(Sequential model, Shard shard, Batches batches, int epoch, int firstStep, int count,
                                   boolean withState) {
        double[] logs = null;
        int samples = 0;
        int steps = 0;
        for (int s = firstStep; s < firstStep + count; s++) {
            int[] idx = shard.batch(batches.shuffle(), batches.seed(), epoch, s, batches.batchSize());
            if (idx.length == 0) {
                break;
            }
            try (TensorScope step = TensorScope.open()) {
                double[] values = model.trainOnBatch(shard.features(idx, model.inputShape()), shard.labels(idx, batches.labelShape()));
                if (logs == null) {
                    logs = new double[values.length];
                }
                for (int i = 0; i < values.length; i++) {
                    logs[i] += values[i] * idx.length;
                }
            }
            samples += idx.length;
            steps++;
        }
        if (samples == 0) {
            return Sums.none();
        }
        for (int i = 0; i < logs.length; i++) {
            logs[i] /= samples;
        }
        return Sums.of(withState ? ModelState.values(model, true) : List.of(), logs, samples, steps);
    }

    /**
     * The rounds {@code 0 … rounds − 1} of parameter averaging in {@code epoch}, all in one task:
     * from the shipped weights, optimizer state and step count, round {@code r} takes
     * {@link #localSteps}' {@code frequency} steps from batch {@code r · frequency}. Alone (a
     * single partition, {@code together} null) the average of the one state is that state, so the
     * model goes on from it; in a barrier stage {@code together} turns the task's round result
     * into the sum of every partition's ({@link AveragingServer.Client#exchange}), and each task
     * sets its model to the same sample-weighted average, as the driver does between the jobs of
     * {@link #localSteps}.
     *
     * @return each round's logs (loss and metrics, averaged over the round's samples), the
     *     optimizer's step count after the last round, and the weights and optimizer state then
     */
    static AveragingServer.Finished averagingEpoch(Shard shard, ExecutorModels.Source source, Blocks state, long iterations, Batches batches,
                                int epoch, int frequency, int rounds, UnaryOperator<Sums> together) {
        Sequential model = ExecutorModels.borrow(source);
        try (TensorScope scope = TensorScope.open()) {
            ModelState.restore(model, state, true);
            Optimizer optimizer = model.getOptimizer();
            optimizer.setIterations(iterations);
            double[][] logs = new double[rounds][];
            for (int r = 0; r < rounds; r++) {
                try (TensorScope round = TensorScope.open()) {
                    long start = optimizer.iterations();
                    Sums mine = trainSteps(model, shard, batches, epoch, r * frequency, frequency, together != null);
                    Sums all = together == null ? mine : together.apply(mine);
                    if (together != null) {
                        ModelState.restore(model, all.meanTensors(), true);
                        optimizer.setIterations(start + all.steps());
                    }
                    logs[r] = all.meanLogs();
                }
            }
            return new AveragingServer.Finished(logs, optimizer.iterations(), ModelState.capture(model, true));
        } finally {
            ExecutorModels.giveBack(source, model);
        }
    }

    /**
     * The epochs of parameter averaging the {@link AveragingServer} hands this task, one after
     * another, until it says the job is over ({@link AveragingServer.Client#next}): each run as
     * {@link #averagingEpoch}, exchanging its rounds through the server when {@code together} (a
     * barrier stage), and handed in when {@code handsIn} (the task whose logs and state the
     * driver takes).
     */
    static void averagingEpochs(Shard shard, ExecutorModels.Source source, Batches batches, int frequency, int rounds,
                                AveragingServer.Client server, boolean together, boolean handsIn) {
        for (AveragingServer.Start start = server.next(-1, source.digest()); start != null;
             start = server.next(start.epoch(), source.digest())) {
            AveragingServer.Finished mine = averagingEpoch(shard, source, start.state(), start.iterations(), batches,
                    Math.toIntExact(start.epoch()), frequency, rounds, together ? server::exchange : null);
            if (handsIn) {
                server.handIn(start.epoch(), mine);
            }
        }
    }

    /** The shard's mean loss and metrics in inference mode, at the weights of the saved model {@code source}. */
    static Sums evaluate(Shard shard, ExecutorModels.Source source, Batches batches) {
        if (shard.rows() == 0) {
            return Sums.none();
        }
        Sequential model = ExecutorModels.borrow(source);
        try (TensorScope scope = TensorScope.open()) {
            int[] idx = shard.batch(false, 0, 0, 0, shard.rows());
            Tensor x = shard.features(idx, model.inputShape());
            Tensor y = shard.labels(idx, batches.labelShape());
            return Sums.of(List.of(), model.evaluate(x, y, batches.batchSize()), idx.length, 0);
        } finally {
            ExecutorModels.giveBack(source, model);
        }
    }
}
