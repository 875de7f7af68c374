package cthulhu.callbacks;

import cthulhu.optimizers.Optimizer;

import java.io.PrintStream;
import java.util.Map;

/**
 * Sets the optimizer's learning rate at the start of each epoch from a function of the epoch and
 * the current rate (Keras's {@code LearningRateScheduler}), and logs it as {@code lr} at the
 * epoch's end. With {@code verbose > 0} it prints
 * {@code "Epoch 3: LearningRateScheduler setting learning rate to 0.001."}.
 */
public final class LearningRateScheduler extends ModelCallback {

    /** The new rate for an epoch (from 0) given the current one. */
    @FunctionalInterface
    public interface Schedule {
        /** The learning rate of {@code epoch}. */
        double apply(int epoch, double lr);
    }

    private final Schedule schedule;
    private final int verbose;
    private final PrintStream out;

    /** A silent scheduler. */
    public LearningRateScheduler(Schedule schedule) {
        this(schedule, 0, System.out);
    }

    /** A scheduler that reports each change to {@code out} when {@code verbose > 0}. */
    public LearningRateScheduler(Schedule schedule, int verbose, PrintStream out) {
        this.schedule = schedule;
        this.verbose = verbose;
        this.out = out;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        Optimizer optimizer = model().getOptimizer();
        double lr = schedule.apply(epoch, LearningRates.current(optimizer));
        if (!Double.isFinite(lr) || lr < 0) {
            throw new IllegalArgumentException("LearningRateScheduler: the schedule gave " + lr + " for epoch " + epoch
                    + "; it must return a finite learning rate >= 0");
        }
        optimizer.setLearningRate(lr);
        if (verbose > 0) {
            out.println("Epoch " + (epoch + 1) + ": LearningRateScheduler setting learning rate to " + lr + ".");
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        logs.put("lr", LearningRates.current(model().getOptimizer()));
    }
}
