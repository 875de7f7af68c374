package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.layers.Daoloth;
import cthulhu.layers.LSTM;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A sequence classifier: {@code LSTM(128)} over {@value #STEPS} steps of {@value #FEATURES}
 * features, batch {@value #BATCH}, then a dense softmax layer of {@value #CLASSES} units,
 * categorical cross-entropy, Adam (lr 0.001). {@code step} is one training step, {@code predict}
 * one forward pass. Implementations: cthulhu's {@link LSTM} in a {@link Sequential} on
 * {@code pure}, {@code nd4j} and {@code djl} (Keras 2.2.4's {@code hard_sigmoid} gates, the
 * loop over steps in core); {@code raw-djl}, PyTorch's fused {@code lstm} through DJL with
 * autograd and DJL's Adam; {@code dl4j}, DL4J's {@code LSTM} layer (last step) and an output
 * layer in a {@link MultiLayerNetwork}, NCW input. Samples/s = {@value #BATCH} × calls/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class LstmBenchmark {

    /** Samples per batch. */
    public static final int BATCH = 64;
    /** Steps per sequence. */
    public static final int STEPS = 50;
    /** Features per step. */
    public static final int FEATURES = 32;
    /** LSTM units. */
    public static final int UNITS = 128;
    /** Output classes. */
    public static final int CLASSES = 10;

    @Param({"pure", "nd4j", "djl", "raw-djl", "dl4j"})
    public String impl;

    private float[] x;
    private float[] y;
    private Runner runner;

    /** One implementation: a training step and a prediction on the fixed batch. */
    private interface Runner extends AutoCloseable {
        void step();

        float predict();

        @Override
        void close();
    }

    @Setup
    public void setUp() {
        Random random = new Random(7);
        x = new float[BATCH * STEPS * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        y = new float[BATCH * CLASSES];
        for (int n = 0; n < BATCH; n++) {
            y[n * CLASSES + random.nextInt(CLASSES)] = 1;
        }
        runner = switch (impl) {
            case "raw-djl" -> new RawDjl();
            case "dl4j" -> new Dl4j();
            default -> new Cthulhu(impl);
        };
    }

    @TearDown
    public void tearDown() {
        runner.close();
    }

    @Benchmark
    public void step() {
        runner.step();
    }

    @Benchmark
    public float predict() {
        return runner.predict();
    }

    private final class Cthulhu implements Runner {
        private final String backend;
        private final Sequential model;
        private final Tensor xs;
        private final Tensor ys;
        private final FitOptions once = new FitOptions().epochs(1).batchSize(BATCH).shuffle(false).verbose(0);

        Cthulhu(String backend) {
            this.backend = backend;
            model = K.withBackend(backend, () -> {
                Sequential m = new Sequential();
                m.add(new LSTM(UNITS).inputShape(STEPS, FEATURES));
                m.add(new Daoloth(CLASSES, "softmax"));
                m.compile("adam", "categorical_crossentropy");
                return m;
            });
            xs = K.withBackend(backend, () -> TensorScope.detach(K.constant(x, BATCH, STEPS, FEATURES)));
            ys = K.withBackend(backend, () -> TensorScope.detach(K.constant(y, BATCH, CLASSES)));
        }

        @Override
        public void step() {
            K.withBackend(backend, () -> model.fit(xs, ys, once));
        }

        @Override
        public float predict() {
            return K.withBackend(backend, () -> {
                try (TensorScope scope = TensorScope.open()) {
                    return (float) model.predict(xs, BATCH).toDoubleArray()[0];
                }
            });
        }

        @Override
        public void close() {
            K.withBackend(backend, () -> {
                model.close();
                xs.close();
                ys.close();
            });
        }
    }

    /** PyTorch's fused LSTM through DJL: weights in PyTorch's layout, gates i, f, g, o. */
    private final class RawDjl implements Runner {
        private final Engine engine = Engine.getEngine("PyTorch");
        private final NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        private final NDArray[] params;
        private final NDArray xs;
        private final NDArray ys;
        private final Adam adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build();

        RawDjl() {
            Random random = new Random(11);
            params = new NDArray[] {
                uniform(random, 4 * UNITS, FEATURES), uniform(random, 4 * UNITS, UNITS),
                manager.zeros(new Shape(4 * UNITS)), manager.zeros(new Shape(4 * UNITS)),
                uniform(random, UNITS, CLASSES), manager.zeros(new Shape(CLASSES))
            };
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            xs = manager.create(x, new Shape(BATCH, STEPS, FEATURES));
            ys = manager.create(y, new Shape(BATCH, CLASSES));
        }

        private NDArray uniform(Random random, int rows, int cols) {
            float[] v = new float[rows * cols];
            double limit = Math.sqrt(6.0 / (rows + cols));
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
            return manager.create(v, new Shape(rows, cols));
        }

        private NDArray logits(NDManager step) {
            NDList hx = new NDList(step.zeros(new Shape(1, BATCH, UNITS)), step.zeros(new Shape(1, BATCH, UNITS)));
            NDList weights = new NDList(params[0], params[1], params[2], params[3]);
            NDList out = xs.getNDArrayInternal().lstm(xs, hx, weights, true, 1, 0, true, false, true);
            NDArray last = out.get(1).reshape(BATCH, UNITS);
            return last.matMul(params[4]).add(params[5]);
        }

        @Override
        public void step() {
            try (NDManager step = manager.newSubManager()) {
                xs.tempAttach(step);
                ys.tempAttach(step);
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray loss = logits(step).logSoftmax(1).mul(ys).sum(new int[] {1}).mean().neg();
                    collector.backward(loss);
                }
                for (int p = 0; p < params.length; p++) {
                    NDArray grad = params[p].getGradient();
                    grad.attach(step);
                    adam.update("p" + p, params[p], grad);
                    grad.subi(grad);
                }
            }
        }

        @Override
        public float predict() {
            try (NDManager step = manager.newSubManager()) {
                xs.tempAttach(step);
                return logits(step).softmax(1).getFloat(0, 0);
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** DL4J's LSTM layer, its last step into a softmax output layer; input NCW. */
    private final class Dl4j implements Runner {
        private final MultiLayerNetwork network;
        private final DataSet data;

        Dl4j() {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                    .seed(7)
                    .dataType(DataType.FLOAT)
                    .updater(new org.nd4j.linalg.learning.config.Adam(0.001))
                    .weightInit(WeightInit.XAVIER_UNIFORM)
                    .list()
                    .layer(new LastTimeStep(new org.deeplearning4j.nn.conf.layers.LSTM.Builder()
                            .nIn(FEATURES).nOut(UNITS).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                            .build()))
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nIn(UNITS).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                    .build();
            network = new MultiLayerNetwork(conf);
            network.init();
            INDArray features = Nd4j.create(x, new long[] {BATCH, STEPS, FEATURES}, 'c').permute(0, 2, 1).dup('c');
            INDArray labels = Nd4j.create(y, new long[] {BATCH, CLASSES}, 'c');
            data = new DataSet(features, labels);
        }

        @Override
        public void step() {
            network.fit(data);
        }

        @Override
        public float predict() {
            try (INDArray out = network.output(data.getFeatures())) {
                return out.getFloat(0, 0);
            }
        }

        @Override
        public void close() {
            network.close();
            data.getFeatures().close();
            data.getLabels().close();
        }
    }
}
