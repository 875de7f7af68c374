package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static cthulhu.benchmarks.DenseBenchmark.BATCH;
import static cthulhu.benchmarks.DenseBenchmark.IN;
import static cthulhu.benchmarks.DenseBenchmark.OUT;

/**
 * The dense forward and backward of {@link DenseBenchmark} on the same data, written directly
 * against DJL (PyTorch autograd through a {@code GradientCollector}) and ND4J (the backward pass
 * by hand: {@code dz = 1[y > 0]}, {@code dW = xᵀ · dz} by BLAS into a preallocated array,
 * {@code db = Σ_rows dz}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class DenseBaselineBenchmark {

    /** DJL arrays; the kernel and bias record gradients. */
    @State(Scope.Thread)
    public static class DjlLayer {
        NDManager manager;
        Engine engine;
        NDArray x;
        NDArray kernel;
        NDArray bias;

        @Setup
        public void setUp() {
            engine = Engine.getEngine("PyTorch");
            manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            x = manager.create(Bench.uniform(BATCH * IN, 0, 1, 5), new Shape(BATCH, IN));
            kernel = manager.create(Bench.glorotUniform(IN, OUT, 6), new Shape(IN, OUT));
            bias = manager.create(Bench.uniform(OUT, -0.1, 0.1, 7), new Shape(OUT));
            kernel.setRequiresGradient(true);
            bias.setRequiresGradient(true);
        }

        @TearDown
        public void tearDown() {
            manager.close();
        }
    }

    /** ND4J arrays and preallocated gradients. */
    @State(Scope.Thread)
    public static class Nd4jLayer {
        INDArray x;
        INDArray kernel;
        INDArray bias;
        INDArray kernelGrad;
        INDArray biasGrad;

        @Setup
        public void setUp() {
            x = Nd4j.create(Bench.uniform(BATCH * IN, 0, 1, 5), new long[] {BATCH, IN}, 'c');
            kernel = Nd4j.create(Bench.glorotUniform(IN, OUT, 6), new long[] {IN, OUT}, 'c');
            bias = Nd4j.create(Bench.uniform(OUT, -0.1, 0.1, 7), new long[] {1, OUT}, 'c');
            kernelGrad = Nd4j.create(x.dataType(), new long[] {IN, OUT}, 'f');
            biasGrad = Nd4j.create(x.dataType(), 1, OUT);
        }

        @TearDown
        public void tearDown() {
            for (INDArray a : new INDArray[] {x, kernel, bias, kernelGrad, biasGrad}) {
                a.close();
            }
        }
    }

    /** Forward under a gradient collector, backward from {@code sum(y)}; all in a sub-manager. */
    @Benchmark
    public float djl(DjlLayer l) {
        try (NDManager step = l.manager.newSubManager()) {
            l.x.tempAttach(step);
            try (GradientCollector collector = l.engine.newGradientCollector()) {
                NDArray y = Activation.relu(l.x.matMul(l.kernel).add(l.bias));
                collector.backward(y);
            }
            NDArray kernelGrad = l.kernel.getGradient();
            NDArray biasGrad = l.bias.getGradient();
            kernelGrad.attach(step);
            biasGrad.attach(step);
            float probe = biasGrad.getFloat(0);
            // PyTorch accumulates gradients across backward passes; clear them as a training loop would.
            kernelGrad.subi(kernelGrad);
            biasGrad.subi(biasGrad);
            return probe;
        }
    }

    @Benchmark
    public float nd4j(Nd4jLayer l) {
        INDArray y = l.x.mmul(l.kernel);
        y.addiRowVector(l.bias);
        Transforms.relu(y, false);
        INDArray dz = Transforms.sign(y, true);
        Nd4j.gemm(l.x, dz, l.kernelGrad, true, false, 1.0, 0.0);
        dz.sum(l.biasGrad, 0);
        y.close();
        dz.close();
        return l.biasGrad.getFloat(0);
    }
}
