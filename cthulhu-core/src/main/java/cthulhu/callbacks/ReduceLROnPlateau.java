package cthulhu.callbacks;

import cthulhu.config.Requirements;
import cthulhu.optimizers.Optimizer;

import java.io.PrintStream;
import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when a monitored quantity has not improved for
 * {@code patience} epochs (Keras 2.2.4's {@code ReduceLROnPlateau}): an epoch improves when its
 * value beats the best by more than {@code minDelta}; after a reduction, {@code cooldown} epochs
 * pass before counting again; the rate never goes below {@code minLr}. The rate is logged as
 * {@code lr} at each epoch's end. Defaults: monitor {@code val_loss}, factor 0.1, patience 10,
 * mode auto, minDelta 1e-4, cooldown 0, minLr 0.
 */
public final class ReduceLROnPlateau extends ModelCallback {

    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final double minDelta;
    private final int cooldown;
    private final double minLr;
    private final int verbose;
    private final PrintStream out;
    private double best;
    private int wait;
    private int cooldownCounter;

    /** Keras's defaults. */
    public ReduceLROnPlateau() {
        this("val_loss", 0.1, 10, "auto", 1e-4, 0, 0);
    }

    /**
     * A silent reducer.
     *
     * @param factor the multiplier of the rate, in {@code [0, 1)}
     * @param patience epochs without improvement before a reduction, {@code >= 0}
     * @param mode {@code "auto"}, {@code "min"} or {@code "max"}
     * @param minDelta the least change that counts as an improvement, {@code >= 0}
     * @param cooldown epochs to wait after a reduction, {@code >= 0}
     * @param minLr the lower bound of the rate, {@code >= 0}
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public ReduceLROnPlateau(String monitor, double factor, int patience, String mode, double minDelta, int cooldown,
            double minLr) {
        this(monitor, factor, patience, mode, minDelta, cooldown, minLr, 0, System.out);
    }

    /** As the silent form, printing each reduction to {@code out} when {@code verbose > 0}. */
    public ReduceLROnPlateau(String monitor, double factor, int patience, String mode, double minDelta, int cooldown,
            double minLr, int verbose, PrintStream out) {
        this.monitor = new Monitor("ReduceLROnPlateau", monitor, mode);
        this.factor = Requirements.fraction("ReduceLROnPlateau", "factor", factor);
        if (patience < 0 || cooldown < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: patience and cooldown must be >= 0, got " + patience
                    + " and " + cooldown);
        }
        this.patience = patience;
        this.minDelta = Requirements.nonNegative("ReduceLROnPlateau", "min_delta", minDelta);
        this.cooldown = cooldown;
        this.minLr = Requirements.nonNegative("ReduceLROnPlateau", "min_lr", minLr);
        this.verbose = verbose;
        this.out = out;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        best = monitor.worst();
        wait = 0;
        cooldownCounter = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Optimizer optimizer = model().getOptimizer();
        double lr = LearningRates.current(optimizer);
        logs.put("lr", lr);
        double current = monitor.read("ReduceLROnPlateau", logs);
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (monitor.improves(current, best, minDelta)) {
            best = current;
            wait = 0;
        } else if (cooldownCounter == 0 && ++wait >= patience && lr > minLr) {
            double reduced = Math.max(lr * factor, minLr);
            optimizer.setLearningRate(reduced);
            if (verbose > 0) {
                out.println("Epoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to " + reduced + ".");
            }
            cooldownCounter = cooldown;
            wait = 0;
        }
    }
}
