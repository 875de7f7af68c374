package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Window;
import cthulhu.layers.Conv2D;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Flatten;
import cthulhu.layers.MaxPooling2D;
import cthulhu.models.Sequential;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
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

import java.util.concurrent.TimeUnit;

/**
 * Convolution: the forward pass alone, {@code (64, 32, 32, 32) ⊛ (3, 3, 32, 64)} with same
 * padding ({@value #FORWARD_FLOPS} floating-point operations a call, two per multiply-add), and
 * one training step (Adam, categorical crossentropy, batch {@value #BATCH}) of
 * {@code Conv2D(32, 3, same, relu) → MaxPooling2D(2) → Conv2D(64, 3, same, relu) →
 * MaxPooling2D(2) → Flatten → Daoloth(10, softmax)} on 32 × 32 × 3 inputs.
 *
 * <p>Forward implementations: the three cthulhu backends through {@code K.conv}; {@code raw-nd4j},
 * libnd4j's {@code conv2d} op (channels-last, Keras's kernel layout) into a preallocated output;
 * {@code raw-djl}, DJL's {@code Conv2d.conv2d} on PyTorch's own {@code NCHW} layout, the result
 * closed after each call. Step implementations: the three cthulhu backends through
 * {@code Sequential.trainOnBatch}; {@code raw-djl}, the same network on DJL's functional
 * operations ({@code conv2d}, {@code maxPool2d}, {@code linear}) in {@code NCHW} under a
 * {@code GradientCollector}, PyTorch's autograd and DJL's fused Adam; {@code raw-nd4j}, the same
 * network on libnd4j's conv and pooling ops and their backward ops ({@link RawNd4jCnn}); {@code dl4j} and
 * {@code dl4j-nhwc}, the same network as DL4J's {@code MultiLayerNetwork} ({@code ConvolutionLayer},
 * {@code SubsamplingLayer}, an MCXENT softmax {@code OutputLayer}, same Adam, Xavier-uniform
 * kernels, float32) on channels-first and channels-last input, one {@code fit(DataSet)} a step.
 */
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class ConvBenchmark {

    /** Batch of both workloads. */
    public static final int BATCH = 64;
    /** Floating-point operations of one forward call: {@code 2 · 64·32·32 · 64 · 3·3·32}. */
    public static final long FORWARD_FLOPS = 2L * BATCH * 32 * 32 * 64 * 3 * 3 * 32;

    private static final Window SAME_3X3 = new Window(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
            new int[] {1, 1}, new int[] {1, 1});

    /** Operands of the forward convolution for one implementation. */
    @State(Scope.Thread)
    public static class Forward {
        @Param({"pure", "nd4j", "djl", "raw-nd4j", "raw-djl"})
        public String impl;
        Backend backend;
        Tensor x;
        Tensor kernel;
        INDArray nx;
        INDArray nk;
        INDArray ny;
        NDManager manager;
        NDArray dx;
        NDArray dk;

        @Setup
        public void setUp() {
            float[] input = Bench.uniform(BATCH * 32 * 32 * 32, -1, 1, 1);
            float[] weights = Bench.uniform(3 * 3 * 32 * 64, -0.1, 0.1, 2);
            switch (impl) {
                case "raw-nd4j" -> {
                    nx = Nd4j.create(input, new long[] {BATCH, 32, 32, 32}, 'c');
                    nk = Nd4j.create(weights, new long[] {3, 3, 32, 64}, 'c');
                    ny = Nd4j.create(DataType.FLOAT, BATCH, 32, 32, 64);
                }
                case "raw-djl" -> {
                    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                    dx = manager.create(input, new Shape(BATCH, 32, 32, 32)).transpose(0, 3, 1, 2).toDevice(Device.cpu(), true);
                    dx = dx.duplicate();
                    dk = manager.create(weights, new Shape(3, 3, 32, 64)).transpose(3, 2, 0, 1).duplicate();
                }
                default -> {
                    backend = Bench.backend(impl);
                    x = Bench.tensor(backend, input, BATCH, 32, 32, 32);
                    kernel = Bench.tensor(backend, weights, 3, 3, 32, 64);
                }
            }
        }

        @TearDown
        public void tearDown() {
            if (manager != null) {
                manager.close();
            }
            for (INDArray a : new INDArray[] {nx, nk, ny}) {
                if (a != null) {
                    a.close();
                }
            }
            if (x != null) {
                x.close();
                kernel.close();
            }
        }
    }

    /** A network and a batch for one implementation. */
    @State(Scope.Thread)
    public static class Step {
        @Param({"pure", "nd4j", "djl", "raw-djl", "raw-nd4j", "dl4j", "dl4j-nhwc"})
        public String impl;
        Backend backend;
        Sequential model;
        Tensor x;
        Tensor y;
        RawDjlCnn raw;
        RawNd4jCnn rawNd4j;
        Dl4jCnn dl4j;

        @Setup
        public void setUp() {
            float[] input = Bench.uniform(BATCH * 32 * 32 * 3, 0, 1, 3);
            float[] labels = Bench.oneHot(BATCH, 10, 4);
            if (impl.equals("raw-djl")) {
                raw = new RawDjlCnn(input, labels);
                return;
            }
            if (impl.equals("raw-nd4j")) {
                rawNd4j = new RawNd4jCnn(input, labels);
                return;
            }
            if (impl.startsWith("dl4j")) {
                dl4j = new Dl4jCnn(input, labels, impl.equals("dl4j") ? CNN2DFormat.NCHW : CNN2DFormat.NHWC);
                return;
            }
            backend = Bench.backend(impl);
            Bench.on(backend, () -> {
                model = new Sequential();
                model.add(new Conv2D(32, 3, "relu").padding("same").inputShape(32, 32, 3));
                model.add(new MaxPooling2D(2));
                model.add(new Conv2D(64, 3, "relu").padding("same"));
                model.add(new MaxPooling2D(2));
                model.add(new Flatten());
                model.add(new Daoloth(10, "softmax"));
                model.compile("adam", "categorical_crossentropy");
                x = K.constant(input, BATCH, 32, 32, 3);
                y = K.constant(labels, BATCH, 10);
                return null;
            });
        }

        @TearDown
        public void tearDown() {
            if (raw != null) {
                raw.close();
            } else if (rawNd4j != null) {
                rawNd4j.close();
            } else if (dl4j != null) {
                dl4j.close();
            } else {
                x.close();
                y.close();
                model.close();
            }
        }
    }

    /** The network of {@link Step} on DJL's functional operations, {@code NCHW}, Glorot-uniform kernels. */
    static final class RawDjlCnn implements AutoCloseable {
        private final Engine engine = Engine.getEngine("PyTorch");
        private final NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        private final NDArray[] params;
        private final String[] ids = {"w1", "b1", "w2", "b2", "w3", "b3"};
        private final NDArray x;
        private final NDArray y;
        private final Adam adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build();

        RawDjlCnn(float[] input, float[] labels) {
            params = new NDArray[] {
                manager.create(Bench.glorotUniform(3 * 9, 32 * 9, 5), new Shape(32, 3, 3, 3)),
                manager.zeros(new Shape(32)),
                manager.create(Bench.glorotUniform(32 * 9, 64 * 9, 6), new Shape(64, 32, 3, 3)),
                manager.zeros(new Shape(64)),
                manager.create(Bench.glorotUniform(64 * 8 * 8, 10, 7), new Shape(10, 64 * 8 * 8)),
                manager.zeros(new Shape(10))};
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            x = manager.create(input, new Shape(BATCH, 32, 32, 3)).transpose(0, 3, 1, 2).duplicate();
            y = manager.create(labels, new Shape(BATCH, 10));
        }

        float step() {
            try (NDManager step = manager.newSubManager()) {
                x.tempAttach(step);
                y.tempAttach(step);
                float loss;
                try (GradientCollector collector = engine.newGradientCollector()) {
                    Shape two = new Shape(2, 2);
                    NDArray h = ai.djl.nn.Activation.relu(Conv2d.conv2d(x, params[0], params[1], new Shape(1, 1), new Shape(1, 1)).head());
                    h = Pool.maxPool2d(h, two, two, new Shape(0, 0), false);
                    h = ai.djl.nn.Activation.relu(Conv2d.conv2d(h, params[2], params[3], new Shape(1, 1), new Shape(1, 1)).head());
                    h = Pool.maxPool2d(h, two, two, new Shape(0, 0), false);
                    NDArray z = Linear.linear(h.reshape(BATCH, 64 * 8 * 8), params[4], params[5]).head();
                    NDArray lossArray = z.logSoftmax(1).mul(y).sum(new int[] {1}).mean().neg();
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                }
                for (int p = 0; p < params.length; p++) {
                    NDArray grad = params[p].getGradient();
                    grad.attach(step);
                    adam.update(ids[p], params[p], grad);
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

    /** The network of {@link Step} as a DL4J {@code MultiLayerNetwork} in the given data format. */
    static final class Dl4jCnn implements AutoCloseable {
        private final MultiLayerNetwork network;
        private final DataSet data;

        Dl4jCnn(float[] input, float[] labels, CNN2DFormat format) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                    .seed(5)
                    .dataType(DataType.FLOAT)
                    .updater(new org.nd4j.linalg.learning.config.Adam(0.001))
                    .weightInit(WeightInit.XAVIER_UNIFORM)
                    .convolutionMode(ConvolutionMode.Same)
                    .list()
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).activation(Activation.RELU).dataFormat(format).build())
                    .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).dataFormat(format).build())
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).activation(Activation.RELU).dataFormat(format).build())
                    .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).dataFormat(format).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutional(32, 32, 3, format))
                    .build();
            network = new MultiLayerNetwork(conf);
            network.init();
            INDArray nhwc = Nd4j.create(input, new long[] {BATCH, 32, 32, 3}, 'c');
            INDArray features = format == CNN2DFormat.NHWC ? nhwc : nhwc.permute(0, 3, 1, 2).dup('c');
            data = new DataSet(features, Nd4j.create(labels, new long[] {BATCH, 10}, 'c'));
        }

        double step() {
            network.fit(data);
            return network.score();
        }

        @Override
        public void close() {
            network.close();
            data.getFeatures().close();
            data.getLabels().close();
        }
    }

    /** One forward convolution; the result is released (or, for raw ND4J, written in place). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 3, time = 2)
    public long forward(Forward f) {
        switch (f.impl) {
            case "raw-nd4j" -> {
                Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(f.nx, f.nk).addOutputs(f.ny)
                        .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0).build());
                return f.ny.length();
            }
            case "raw-djl" -> {
                try (NDArray y = Conv2d.conv2d(f.dx, f.dk, null, new Shape(1, 1), new Shape(1, 1)).head()) {
                    return y.size();
                }
            }
            default -> {
                return Bench.on(f.backend, () -> {
                    try (TensorScope scope = TensorScope.open()) {
                        return K.conv(f.x, f.kernel, SAME_3X3).size();
                    }
                });
            }
        }
    }

    /** One training step of the network. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 3)
    @Measurement(iterations = 3, time = 3)
    public double step(Step s) {
        if (s.raw != null) {
            return s.raw.step();
        }
        if (s.rawNd4j != null) {
            return s.rawNd4j.step();
        }
        if (s.dl4j != null) {
            return s.dl4j.step();
        }
        return Bench.on(s.backend, () -> s.model.trainOnBatch(s.x, s.y)[0]);
    }
}
