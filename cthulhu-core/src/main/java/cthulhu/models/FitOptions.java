package cthulhu.models;

import cthulhu.backend.Tensor;
import cthulhu.callbacks.Callback;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@link Model#fit(Tensor, Tensor, FitOptions)}, with Keras 2.2.4's defaults:
 * 1 epoch, batch size 32, verbosity 1, shuffling each epoch, no validation, no callbacks.
 *
 * <pre>{@code
 * model.fit(x, y, new FitOptions().epochs(60).batchSize(32).validationSplit(0.2).seed(42).verbose(2));
 * }</pre>
 *
 * Every setter returns {@code this}; the object is read when {@code fit} starts. The getters
 * serve other trainers of the same options (such as a data-parallel one).
 */
public final class FitOptions {

    private int epochs = 1;
    private int batchSize = 32;
    private int verbose = 1;
    private boolean shuffle = true;
    private Long seed;
    private double validationSplit;
    private List<Tensor> validationX;
    private List<Tensor> validationY;
    private int initialEpoch;
    private Boolean dynamicDisplay;
    private int validationFreq = 1;
    private double[] sampleWeight;
    private Map<Integer, Double> classWeight;
    private Set<Integer> validationEpochs;
    private final List<Callback> callbacks = new ArrayList<>();

    /**
     * The number of epochs to train up to (an index, as Keras: with {@code initialEpoch} k,
     * epochs k … epochs − 1 run), {@code >= 1}.
     */
    public FitOptions epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /** The samples per gradient step, {@code >= 1}; default 32. The last batch may be smaller. */
    public FitOptions batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** 0 = silent, 1 = progress bar (default), 2 = one line per epoch; see {@link cthulhu.callbacks.ProgbarLogger}. */
    public FitOptions verbose(int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch), got " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    /** Whether to shuffle the training samples before each epoch; default true. */
    public FitOptions shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** Seeds the shuffling, so that two runs see the batches in the same order; default unseeded. */
    public FitOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Holds out the last {@code fraction} of the samples (before any shuffling, as Keras) for
     * validation; in {@code [0, 1)}, default 0. Ignored when {@link #validationData} is given.
     */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validationSplit must be in [0, 1), got " + fraction);
        }
        this.validationSplit = fraction;
        return this;
    }

    /** Validation samples and targets, evaluated after each epoch; take precedence over {@link #validationSplit}. */
    public FitOptions validationData(Tensor x, Tensor y) {
        if (x == null || y == null) {
            throw new IllegalArgumentException("validationData needs both x and y");
        }
        return validationData(List.of(x), List.of(y));
    }

    /**
     * Validation samples and targets of a model with several inputs or outputs: one tensor per
     * input and one per output, in order; evaluated after each epoch.
     */
    public FitOptions validationData(List<Tensor> xs, List<Tensor> ys) {
        if (xs == null || ys == null || xs.isEmpty() || ys.isEmpty()) {
            throw new IllegalArgumentException("validationData needs both inputs and targets, got " + xs + " and " + ys);
        }
        this.validationX = List.copyOf(xs);
        this.validationY = List.copyOf(ys);
        return this;
    }

    /** The epoch to start from (to resume training), {@code >= 0}; default 0. */
    public FitOptions initialEpoch(int initialEpoch) {
        if (initialEpoch < 0) {
            throw new IllegalArgumentException("initialEpoch must be >= 0, got " + initialEpoch);
        }
        this.initialEpoch = initialEpoch;
        return this;
    }

    /**
     * Keras's {@code validation_freq} as a number: validate after every {@code n}-th epoch
     * (epochs counted from 1, so {@code n = 2} validates after epochs 2, 4, …); default 1, every epoch.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public FitOptions validationFreq(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("validationFreq must be >= 1 (validate every n-th epoch), got " + n);
        }
        this.validationFreq = n;
        this.validationEpochs = null;
        return this;
    }

    /**
     * Keras's {@code validation_freq} as a collection: validate after exactly these epochs,
     * counted from 1.
     *
     * @throws IllegalArgumentException if an epoch is below 1 or the collection is empty
     */
    public FitOptions validationFreq(Collection<Integer> epochs) {
        if (epochs == null || epochs.isEmpty() || epochs.stream().anyMatch(e -> e == null || e < 1)) {
            throw new IllegalArgumentException("validationFreq needs epochs counted from 1, got " + epochs);
        }
        this.validationEpochs = Set.copyOf(epochs);
        return this;
    }

    /**
     * Keras's {@code sample_weight}: one weight per training sample, {@code >= 0}, multiplying its
     * loss; the batch loss is {@code mean(loss · w) / mean(w ≠ 0)} (Keras 2.2.4). Overrides
     * {@link #classWeight}. Checked against the data when {@code fit} starts.
     */
    public FitOptions sampleWeight(double... weights) {
        this.sampleWeight = weights == null ? null : weights.clone();
        return this;
    }

    /**
     * Keras's {@code class_weight}: the weight of each class index, applied to every sample of
     * that class (the argmax of a one-hot target, or the integer label) as a sample weight. Every
     * class present in the targets must have a weight. Checked against the data when {@code fit} starts.
     */
    public FitOptions classWeight(Map<Integer, Double> weights) {
        this.classWeight = weights == null ? null : Map.copyOf(weights);
        return this;
    }

    /** Adds callbacks, called in the order given. */
    public FitOptions callbacks(Callback... callbacks) {
        Collections.addAll(this.callbacks, callbacks);
        return this;
    }

    /**
     * Whether verbosity 1 redraws its bar in place with {@code \r}; default: when the model prints
     * to {@code System.out} and a console is attached ({@code System.console() != null}).
     */
    public FitOptions dynamicDisplay(boolean dynamic) {
        this.dynamicDisplay = dynamic;
        return this;
    }

    /** The epoch to train up to. */
    public int epochs() {
        return epochs;
    }

    /** The samples per gradient step. */
    public int batchSize() {
        return batchSize;
    }

    /** The verbosity: 0, 1 or 2. */
    public int verbose() {
        return verbose;
    }

    /** Whether to shuffle before each epoch. */
    public boolean shuffle() {
        return shuffle;
    }

    /** The shuffling seed, or null when unseeded. */
    public Long seed() {
        return seed;
    }

    /** The fraction of samples held out for validation. */
    public double validationSplit() {
        return validationSplit;
    }

    /** The validation inputs, one tensor per model input, or null. */
    public List<Tensor> validationX() {
        return validationX;
    }

    /** The validation targets, one tensor per model output, or null. */
    public List<Tensor> validationY() {
        return validationY;
    }

    /** The epoch to start from. */
    public int initialEpoch() {
        return initialEpoch;
    }

    /** Whether the progress bar redraws in place, or null for the default. */
    public Boolean dynamicDisplay() {
        return dynamicDisplay;
    }

    /** Whether to validate after the 0-based {@code epoch}. */
    boolean validatesAfter(int epoch) {
        return validationEpochs != null ? validationEpochs.contains(epoch + 1) : (epoch + 1) % validationFreq == 0;
    }

    double[] sampleWeight() {
        return sampleWeight;
    }

    Map<Integer, Double> classWeight() {
        return classWeight;
    }

    /** The callbacks, in order; a copy. */
    public List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }
}
