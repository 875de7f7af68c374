package cthulhu.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import cthulhu.backend.Backend;
import cthulhu.backend.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
 * The forward pass of {@link PredictBenchmark} written directly in each library, same weights,
 * same inputs: ND4J with every output preallocated ({@code Nd4j.gemm} into it, bias added,
 * relu and softmax in place — no allocation per call); DJL {@code NDArray}s
 * ({@code matMul}, {@code add}, relu, {@code softmax}), the call's arrays in a sub-manager closed
 * after it; and, for the pure backend, which has no library beneath it, the backend's own
 * kernels called through its SPI ({@code dense}, {@code relu}, {@code softmax}) without the
 * model, {@code K} or the gradient machinery.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.HEAP, Bench.ADD_VECTOR_MODULE, Bench.VECTOR_MODULE})
public class PredictBaselineBenchmark {

    /** ND4J weights, input and one preallocated output per layer. */
    @State(Scope.Thread)
    public static class Nd4jNet {
        @Param({"64-64-10", "784-512-512-10"})
        public String mlp;
        @Param({"1", "32"})
        public int batch;
        INDArray x;
        INDArray[] kernels;
        INDArray[] biases;
        INDArray[] outputs;

        @Setup
        public void setUp() {
            ServingMlp spec = new ServingMlp(mlp);
            int[] u = spec.units();
            x = Nd4j.create(spec.inputs(batch), new long[] {batch, u[0]}, 'c');
            kernels = new INDArray[spec.layers()];
            biases = new INDArray[spec.layers()];
            outputs = new INDArray[spec.layers()];
            for (int l = 0; l < spec.layers(); l++) {
                kernels[l] = Nd4j.create(spec.kernel(l), new long[] {u[l], u[l + 1]}, 'c');
                biases[l] = Nd4j.create(spec.bias(l), new long[] {1, u[l + 1]}, 'c');
                outputs[l] = Nd4j.create(x.dataType(), batch, u[l + 1]);
            }
        }

        @TearDown
        public void tearDown() {
            x.close();
            for (int l = 0; l < kernels.length; l++) {
                kernels[l].close();
                biases[l].close();
                outputs[l].close();
            }
        }
    }

    /** DJL weights and input, owned by a base manager. */
    @State(Scope.Thread)
    public static class DjlNet {
        @Param({"64-64-10", "784-512-512-10"})
        public String mlp;
        @Param({"1", "32"})
        public int batch;
        NDManager manager;
        NDArray x;
        NDArray[] kernels;
        NDArray[] biases;

        @Setup
        public void setUp() {
            ServingMlp spec = new ServingMlp(mlp);
            int[] u = spec.units();
            manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            x = manager.create(spec.inputs(batch), new Shape(batch, u[0]));
            kernels = new NDArray[spec.layers()];
            biases = new NDArray[spec.layers()];
            for (int l = 0; l < spec.layers(); l++) {
                kernels[l] = manager.create(spec.kernel(l), new Shape(u[l], u[l + 1]));
                biases[l] = manager.create(spec.bias(l), new Shape(u[l + 1]));
            }
        }

        @TearDown
        public void tearDown() {
            manager.close();
        }
    }

    /** Pure-backend weights and input, for direct SPI calls. */
    @State(Scope.Thread)
    public static class PureNet {
        @Param({"64-64-10", "784-512-512-10"})
        public String mlp;
        @Param({"1", "32"})
        public int batch;
        Backend backend;
        Tensor x;
        Tensor[] kernels;
        Tensor[] biases;

        @Setup
        public void setUp() {
            ServingMlp spec = new ServingMlp(mlp);
            int[] u = spec.units();
            backend = Bench.backend("pure");
            x = spec.input(backend, batch);
            kernels = new Tensor[spec.layers()];
            biases = new Tensor[spec.layers()];
            for (int l = 0; l < spec.layers(); l++) {
                kernels[l] = Bench.tensor(backend, spec.kernel(l), u[l], u[l + 1]);
                biases[l] = Bench.tensor(backend, spec.bias(l), u[l + 1]);
            }
        }
    }

    @Benchmark
    public INDArray nd4j(Nd4jNet n) {
        INDArray h = n.x;
        int last = n.kernels.length - 1;
        for (int l = 0; l <= last; l++) {
            INDArray z = n.outputs[l];
            Nd4j.gemm(h, n.kernels[l], z, false, false, 1.0, 0.0);
            z.addiRowVector(n.biases[l]);
            if (l < last) {
                Transforms.relu(z, false);
            } else {
                Nd4j.exec(new SoftMax(z, z, -1));
            }
            h = z;
        }
        return h;
    }

    @Benchmark
    public long djl(DjlNet n) {
        try (NDManager call = n.manager.newSubManager()) {
            return djlForward(n, call).size();
        }
    }

    /** The forward pass in DJL, its arrays (the input attached for the call) in {@code call}. */
    static NDArray djlForward(DjlNet n, NDManager call) {
        n.x.tempAttach(call);
        NDArray h = n.x;
        int last = n.kernels.length - 1;
        for (int l = 0; l <= last; l++) {
            h = h.matMul(n.kernels[l]).add(n.biases[l]);
            h = l < last ? Activation.relu(h) : h.softmax(-1);
        }
        return h;
    }

    @Benchmark
    public long pureSpi(PureNet n) {
        // Pure tensors are garbage-collected: there is nothing to release.
        Backend b = n.backend;
        Tensor h = n.x;
        int last = n.kernels.length - 1;
        for (int l = 0; l <= last; l++) {
            Tensor z = b.dense(h, n.kernels[l], n.biases[l]);
            h = l < last ? b.relu(z, 0, null, 0) : b.softmax(z, 1);
        }
        return h.size();
    }
}
