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

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Convolution: the forward pass alone, {@code (64, 32, 32, 32) ⊛ (3, 3, 32, 64)} with same
 * padding ({@value #FORWARD_FLOPS} floating-point operations a call, two per multiply-add), and
 * training (Adam, categorical crossentropy, batch {@value #BATCH}) of
 * {@code Conv2D(32, 3, same, relu) → MaxPooling2D(2) → Conv2D(64, 3, same, relu) →
 * MaxPooling2D(2) → Flatten → Daoloth(10, softmax)} on a synthetic data set of
 * {@value #EPOCH_SAMPLES} samples of 32 × 32 × 3 with 10 classes: one step a call
 * ({@link #step}, through the data set's {@value #EPOCH_BATCHES} batches in turn) and one epoch a
 * call ({@link #epoch}).
 *
 * <p>Forward implementations: the three cthulhu backends through {@code K.conv}; {@code raw-nd4j},
 * libnd4j's {@code conv2d} op (channels-last, Keras's kernel layout) into a preallocated output;
 * {@code raw-djl}, DJL's {@code Conv2d.conv2d} on PyTorch's own {@code NCHW} layout, the result
 * closed after each call. Training implementations: the three cthulhu backends through
 * {@code Sequential.fit} ({@link CthulhuTrainer}: one batch for a step, the data set for an
 * epoch); the others take the same steps, an epoch being their loop over the batches in order: {@code raw-djl}, the same network on DJL's functional operations
 * ({@code conv2d}, {@code maxPool2d}, {@code linear}) in {@code NCHW} under a
 * {@code GradientCollector}, PyTorch's autograd and DJL's fused Adam; {@code raw-nd4j}, the same
 * network on libnd4j's conv and pooling ops and their backward ops ({@link RawNd4jCnn});
 * {@code dl4j} and {@code dl4j-nhwc}, the same network as DL4J's {@code MultiLayerNetwork}
 * ({@code ConvolutionLayer}, {@code SubsamplingLayer}, an MCXENT softmax {@code OutputLayer},
 * same Adam, Xavier-uniform kernels, float32) on channels-first and channels-last input, one
 * {@code fit(DataSet)} a step.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class ConvBenchmark {

    /** Batch of both workloads. */
    public static final int BATCH = 64;
    /** Floating-point operations of one forward call: {@code 2 · 64·32·32 · 64 · 3·3·32}. */
    public static final long FORWARD_FLOPS = 2L * BATCH * 32 * 32 * 64 * 3 * 3 * 32;
    /** Samples of the training data set, so of one epoch. */
    public static final int EPOCH_SAMPLES = 1024;
    /** Batches of one epoch. */
    public static final int EPOCH_BATCHES = EPOCH_SAMPLES / BATCH;
    /** Floats of one 32 × 32 × 3 sample. */
    private static final int PIXELS = 32 * 32 * 3;
    private static final int CLASSES = 10;
    /**
     * Kernel shapes in Keras's layout: {@code (kh, kw, in, out)} for the two convolutions,
     * {@code (in, out)} for the dense layer, whose rows run over the last pooling's output
     * flattened in {@code (h, w, c)} order.
     */
    static final int[][] KERNEL_SHAPES = {{3, 3, 3, 32}, {3, 3, 32, 64}, {8 * 8 * 64, CLASSES}};

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

    /** The network and its data set for one implementation. */
    @State(Scope.Thread)
    public static class Training {
        @Param({"pure", "nd4j", "djl", "raw-djl", "raw-nd4j", "dl4j", "dl4j-nhwc"})
        public String impl;
        Trainer trainer;
        int next;

        @Setup
        public void setUp() {
            trainer = trainer(impl);
        }

        /** One step on the batch after the previous step's, round the data set. */
        float nextStep() {
            float loss = trainer.step(next);
            next = (next + 1) % trainer.batches();
            return loss;
        }

        @TearDown
        public void tearDown() {
            trainer.close();
        }
    }

    /**
     * The network of {@link Training} for {@code impl}, over the data set's inputs (uniform in
     * {@code [0, 1)}) and one-hot labels, drawn from fixed seeds.
     *
     * @throws IllegalArgumentException for an unknown implementation
     */
    static Trainer trainer(String impl) {
        float[] input = inputs();
        float[] labels = labels();
        return switch (impl) {
            case "pure", "nd4j", "djl" -> new CthulhuTrainer(Bench.backend(impl), ConvBenchmark::cthulhuModel,
                    new int[] {32, 32, 3}, CLASSES, batches(input, PIXELS), batches(labels, CLASSES));
            case "raw-djl" -> new RawDjlCnn(input, labels);
            case "raw-nd4j" -> new RawNd4jCnn(input, labels);
            case "dl4j" -> new Dl4jCnn(input, labels, CNN2DFormat.NCHW);
            case "dl4j-nhwc" -> new Dl4jCnn(input, labels, CNN2DFormat.NHWC);
            default -> throw new IllegalArgumentException("Unknown CNN implementation '" + impl
                    + "'; use pure, nd4j, djl, raw-djl, raw-nd4j, dl4j or dl4j-nhwc");
        };
    }

    /** The data set's inputs, row-major {@code (EPOCH_SAMPLES, 32, 32, 3)}, uniform in {@code [0, 1)}. */
    static float[] inputs() {
        return Bench.uniform(EPOCH_SAMPLES * PIXELS, 0, 1, 3);
    }

    /** The data set's one-hot labels, row-major {@code (EPOCH_SAMPLES, 10)}. */
    static float[] labels() {
        return Bench.oneHot(EPOCH_SAMPLES, CLASSES, 4);
    }

    /**
     * The initial kernel of layer {@code l} (0 and 1 the convolutions, 2 the dense layer),
     * row-major in {@link #KERNEL_SHAPES}: Glorot-uniform, uniform in
     * {@code ±sqrt(6 / (fanIn + fanOut))} with Keras's fans ({@code kh·kw·in} and
     * {@code kh·kw·out} for a convolution), from seed {@code 5 + l}. Every implementation but
     * DL4J, which draws its own, starts from these kernels and zero biases.
     */
    static float[] initialKernel(int l) {
        int[] shape = KERNEL_SHAPES[l];
        int receptive = shape.length == 4 ? shape[0] * shape[1] : 1;
        int fanIn = receptive * shape[shape.length - 2];
        int fanOut = receptive * shape[shape.length - 1];
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        return Bench.uniform(Arrays.stream(shape).reduce(1, Math::multiplyExact), -limit, limit, 5 + l);
    }

    /**
     * The row-major array {@code a} of {@code shape} with its axes reordered: axis {@code k} of
     * the result is axis {@code axes[k]} of {@code a}.
     */
    static float[] permute(float[] a, int[] shape, int... axes) {
        int[] strides = new int[shape.length];
        for (int k = shape.length - 1, stride = 1; k >= 0; stride *= shape[k], k--) {
            strides[k] = stride;
        }
        float[] out = new float[a.length];
        int[] index = new int[axes.length];
        for (int i = 0; i < out.length; i++) {
            int source = 0;
            for (int k = 0; k < axes.length; k++) {
                source += index[k] * strides[axes[k]];
            }
            out[i] = a[source];
            for (int k = axes.length - 1; k >= 0 && ++index[k] == shape[axes[k]]; k--) {
                index[k] = 0;
            }
        }
        return out;
    }

    /** Batch {@code i} of {@code all}, whose samples are {@code width} floats each. */
    static float[] batch(float[] all, int i, int width) {
        return Arrays.copyOfRange(all, i * BATCH * width, (i + 1) * BATCH * width);
    }

    /** The batches of {@code all}, whose samples are {@code width} floats each. */
    static List<float[]> batches(float[] all, int width) {
        return IntStream.range(0, EPOCH_BATCHES).mapToObj(i -> batch(all, i, width)).toList();
    }

    /** Batch {@code i} of the data set's inputs. */
    static float[] inputBatch(float[] input, int i) {
        return batch(input, i, PIXELS);
    }

    /** Batch {@code i} of the data set's labels. */
    static float[] labelBatch(float[] labels, int i) {
        return batch(labels, i, CLASSES);
    }

    /** The network as a cthulhu {@link Sequential}, compiled with {@code "adam"}, from {@link #initialKernel}. */
    private static Sequential cthulhuModel() {
        Sequential model = new Sequential();
        model.add(new Conv2D(32, 3, "relu").padding("same").inputShape(32, 32, 3));
        model.add(new MaxPooling2D(2));
        model.add(new Conv2D(64, 3, "relu").padding("same"));
        model.add(new MaxPooling2D(2));
        model.add(new Flatten());
        model.add(new Daoloth(CLASSES, "softmax"));
        model.compile("adam", "categorical_crossentropy");
        CthulhuTrainer.setInitialWeights(model, KERNEL_SHAPES, ConvBenchmark::initialKernel);
        return model;
    }

    /** The network of {@link Training} on DJL's functional operations, {@code NCHW}, Keras's Adam. */
    static final class RawDjlCnn implements Trainer {
        private final Engine engine = Engine.getEngine("PyTorch");
        private final NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        private final NDArray[] params;
        private final String[] ids = {"w1", "b1", "w2", "b2", "w3", "b3"};
        private final NDArray[] xs = new NDArray[EPOCH_BATCHES];
        private final NDArray[] ys = new NDArray[EPOCH_BATCHES];
        private final Adam adam = DjlMlp.adam();

        RawDjlCnn(float[] input, float[] labels) {
            // Keras's (kh, kw, in, out) kernels as PyTorch's (out, in, kh, kw), and the dense
            // kernel's rows from (h, w, c) to the (c, h, w) order of an NCHW flatten.
            params = new NDArray[] {
                manager.create(permute(initialKernel(0), KERNEL_SHAPES[0], 3, 2, 0, 1), new Shape(32, 3, 3, 3)),
                manager.zeros(new Shape(32)),
                manager.create(permute(initialKernel(1), KERNEL_SHAPES[1], 3, 2, 0, 1), new Shape(64, 32, 3, 3)),
                manager.zeros(new Shape(64)),
                manager.create(permute(initialKernel(2), new int[] {8, 8, 64, CLASSES}, 3, 2, 0, 1), new Shape(CLASSES, 64 * 8 * 8)),
                manager.zeros(new Shape(CLASSES))};
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            for (int i = 0; i < EPOCH_BATCHES; i++) {
                try (NDManager batch = manager.newSubManager()) {
                    NDArray nhwc = batch.create(inputBatch(input, i), new Shape(BATCH, 32, 32, 3));
                    xs[i] = nhwc.transpose(0, 3, 1, 2).duplicate();
                    xs[i].attach(manager);
                }
                ys[i] = manager.create(labelBatch(labels, i), new Shape(BATCH, CLASSES));
            }
        }

        @Override
        public int batches() {
            return EPOCH_BATCHES;
        }

        @Override
        public float step(int i) {
            NDArray x = xs[i];
            NDArray y = ys[i];
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

    /** The network of {@link Training} as a DL4J {@code MultiLayerNetwork} in the given data format. */
    static final class Dl4jCnn implements Trainer {
        private final MultiLayerNetwork network;
        private final DataSet[] data = new DataSet[EPOCH_BATCHES];

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
            for (int i = 0; i < EPOCH_BATCHES; i++) {
                INDArray nhwc = Nd4j.create(inputBatch(input, i), new long[] {BATCH, 32, 32, 3}, 'c');
                INDArray features = nhwc;
                if (format == CNN2DFormat.NCHW) {
                    features = nhwc.permute(0, 3, 1, 2).dup('c');
                    nhwc.close();
                }
                data[i] = new DataSet(features, Nd4j.create(labelBatch(labels, i), new long[] {BATCH, CLASSES}, 'c'));
            }
        }

        @Override
        public int batches() {
            return EPOCH_BATCHES;
        }

        @Override
        public float step(int i) {
            network.fit(data[i]);
            return (float) network.score();
        }

        @Override
        public void close() {
            network.close();
            for (DataSet d : data) {
                d.getFeatures().close();
                d.getLabels().close();
            }
        }
    }

    /** One forward convolution; the result is released (or, for raw ND4J, written in place). */
    @Benchmark
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

    /** One training step of the network, on the next batch of the data set. */
    @Benchmark
    @Warmup(iterations = 3, time = 3)
    @Measurement(iterations = 3, time = 3)
    public float step(Training t) {
        return t.nextStep();
    }

    /**
     * One epoch: every batch of the data set once, in order. Throughput with timed iterations
     * rather than single shots, so that a fast implementation warms up over several epochs while
     * a slow one still completes at least one epoch an iteration.
     */
    @Benchmark
    @Warmup(iterations = 2, time = 5)
    @Measurement(iterations = 3, time = 5)
    public float epoch(Training t) {
        return t.trainer.epoch();
    }
}
