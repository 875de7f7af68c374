package cthulhu.spark;

import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.models.BatchGradients;
import cthulhu.models.Sequential;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.List;

/**
 * What a task does with its shard, through the model's own single-machine steps: the gradients
 * of one batch ({@link Sequential#computeGradients}), a run of local optimizer steps
 * ({@link Sequential#trainOnBatch}), or the loss and metrics ({@link Sequential#evaluate}).
 * Each borrows a model from {@link ExecutorModels}, sets the shipped state, and returns
 * sample-weighted {@link Sums}.
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
    static Sums gradients(Shard shard, Broadcast<byte[]> saved, double[][] weights, Batches batches, int epoch, int step) {
        int[] idx = shard.batch(batches.shuffle(), batches.seed(), epoch, step, batches.batchSize());
        if (idx.length == 0) {
            return Sums.none();
        }
        Sequential model = ExecutorModels.borrow(saved);
        try (TensorScope scope = TensorScope.open()) {
            ModelState.restore(model, weights, false);
            BatchGradients g = model.computeGradients(shard.features(idx, model.inputShape()), shard.labels(idx, batches.labelShape()));
            return Sums.of(g.gradients(), g.logs(), idx.length, 1);
        } finally {
            ExecutorModels.giveBack(saved, model);
        }
    }

    /**
     * Up to {@code count} optimizer steps on the shard's batches {@code firstStep, firstStep + 1, …}
     * of {@code epoch}, starting from the shipped weights, optimizer state and step count; returns
     * the resulting weights and state, and the mean loss and metrics of the batches, all weighted
     * by the samples trained on.
     */
    static Sums localSteps(Shard shard, Broadcast<byte[]> saved, double[][] state, long iterations, Batches batches,
                           int epoch, int firstStep, int count) {
        if (firstStep >= shard.steps(batches.batchSize())) {
            return Sums.none();
        }
        Sequential model = ExecutorModels.borrow(saved);
        try (TensorScope scope = TensorScope.open()) {
            ModelState.restore(model, state, true);
            model.getOptimizer().setIterations(iterations);
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
            for (int i = 0; i < logs.length; i++) {
                logs[i] /= samples;
            }
            return Sums.of(ModelState.values(model, true), logs, samples, steps);
        } finally {
            ExecutorModels.giveBack(saved, model);
        }
    }

    /** The shard's mean loss and metrics in inference mode, at the model's saved weights. */
    static Sums evaluate(Shard shard, Broadcast<byte[]> saved, Batches batches) {
        if (shard.rows() == 0) {
            return Sums.none();
        }
        Sequential model = ExecutorModels.borrow(saved);
        try (TensorScope scope = TensorScope.open()) {
            int[] idx = shard.batch(false, 0, 0, 0, shard.rows());
            Tensor x = shard.features(idx, model.inputShape());
            Tensor y = shard.labels(idx, batches.labelShape());
            return Sums.of(List.of(), model.evaluate(x, y, batches.batchSize()), idx.length, 0);
        } finally {
            ExecutorModels.giveBack(saved, model);
        }
    }
}
