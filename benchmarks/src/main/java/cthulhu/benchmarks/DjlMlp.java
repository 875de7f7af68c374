package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The {@link MlpSpec} problem written directly against DJL with the PyTorch engine: the
 * forward pass under a {@code GradientCollector}, the loss as {@code -mean(Σ y · logSoftmax(z))},
 * PyTorch autograd for the backward pass, and DJL's fused {@link Adam} update. Each step's
 * arrays live in a sub-manager closed at the end of the step.
 */
final class DjlMlp implements Trainer {

    private final MlpSpec spec;
    private final Engine engine = Engine.getEngine("PyTorch");
    private final NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    private final NDArray[] params;
    private final String[] ids;
    private final NDArray[] xs;
    private final NDArray[] ys;
    private final Adam adam;

    DjlMlp(MlpSpec spec) {
        this.spec = spec;
        int[] units = spec.units();
        int layers = spec.layers();
        params = new NDArray[2 * layers];
        ids = new String[2 * layers];
        for (int l = 0; l < layers; l++) {
            params[2 * l] = manager.create(spec.kernel(l), new Shape(units[l], units[l + 1]));
            params[2 * l + 1] = manager.zeros(new Shape(units[l + 1]));
            ids[2 * l] = "kernel" + l;
            ids[2 * l + 1] = "bias" + l;
        }
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        xs = new NDArray[spec.batches()];
        ys = new NDArray[spec.batches()];
        for (int i = 0; i < spec.batches(); i++) {
            xs[i] = manager.create(spec.x(i), new Shape(spec.batchSize(), spec.inputs()));
            ys[i] = manager.create(spec.y(i), new Shape(spec.batchSize(), spec.classes()));
        }
        adam = adam();
    }

    /** DJL's Adam with Keras 2.2.4's hyper-parameters ({@link MlpSpec}). */
    static Adam adam() {
        return Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed((float) MlpSpec.LEARNING_RATE))
                .optBeta1((float) MlpSpec.BETA1)
                .optBeta2((float) MlpSpec.BETA2)
                .optEpsilon((float) MlpSpec.EPSILON)
                .build();
    }

    @Override
    public int batches() {
        return spec.batches();
    }

    @Override
    public float step(int i) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = xs[i];
            NDArray y = ys[i];
            x.tempAttach(step);
            y.tempAttach(step);
            float loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray h = x;
                int layers = spec.layers();
                for (int l = 0; l < layers; l++) {
                    h = h.matMul(params[2 * l]).add(params[2 * l + 1]);
                    if (l < layers - 1) {
                        h = Activation.relu(h);
                    }
                }
                NDArray lossArray = h.logSoftmax(1).mul(y).sum(new int[] {1}).mean().neg();
                collector.backward(lossArray);
                loss = lossArray.getFloat();
            }
            for (int p = 0; p < params.length; p++) {
                NDArray grad = params[p].getGradient();
                grad.attach(step);
                adam.update(ids[p], params[p], grad);
                // PyTorch accumulates gradients across backward passes; clear them for the next step.
                grad.subi(grad);
            }
            return loss;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
