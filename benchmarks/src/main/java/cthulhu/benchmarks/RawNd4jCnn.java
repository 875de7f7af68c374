package cthulhu.benchmarks;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * The {@link ConvBenchmark} network written directly on libnd4j's operations, channels-last with
 * Keras's kernel layout {@code (kh, kw, in, out)}: {@code conv2d}, {@code relu},
 * {@code maxpool2d}, a BLAS dense layer and an in-place softmax forward; {@code dz = (softmax - y) /
 * batch}, {@code maxpool2d_bp}, {@code relu_bp} and {@code conv2d_bp} backward; Keras 2.2.4's Adam
 * ({@link Nd4jMlp#adam}). Every activation and gradient is preallocated and written in place.
 */
final class RawNd4jCnn implements Trainer {

    private static final int B = ConvBenchmark.BATCH;
    /** kh, kw, sh, sw, ph, pw, dh, dw, explicit padding, NHWC, kernel (kh, kw, in, out). */
    private static final int[] CONV = {3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0};
    /** kh, kw, sh, sw, ph, pw, dh, dw, explicit padding, unused, NHWC. */
    private static final int[] POOL = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 1};

    private final INDArray[] xs = new INDArray[ConvBenchmark.EPOCH_BATCHES];
    private final INDArray[] ys = new INDArray[ConvBenchmark.EPOCH_BATCHES];
    private final INDArray[] params;
    private final INDArray[] grads;
    private final INDArray[] firstMoments;
    private final INDArray[] secondMoments;
    private final INDArray a1 = Nd4j.create(DataType.FLOAT, B, 32, 32, 32);
    private final INDArray p1 = Nd4j.create(DataType.FLOAT, B, 16, 16, 32);
    private final INDArray a2 = Nd4j.create(DataType.FLOAT, B, 16, 16, 64);
    private final INDArray p2 = Nd4j.create(DataType.FLOAT, B, 8, 8, 64);
    private final INDArray z = Nd4j.create(DataType.FLOAT, B, 10);
    private final INDArray dFlat = Nd4j.create(DataType.FLOAT, B, 8 * 8 * 64);
    private final INDArray dA2 = Nd4j.create(DataType.FLOAT, B, 16, 16, 64);
    private final INDArray dP1 = Nd4j.create(DataType.FLOAT, B, 16, 16, 32);
    private final INDArray dA1 = Nd4j.create(DataType.FLOAT, B, 32, 32, 32);
    private final INDArray dX = Nd4j.create(DataType.FLOAT, B, 32, 32, 3);
    private int iterations;

    RawNd4jCnn(float[] input, float[] labels) {
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Nd4j.create(ConvBenchmark.inputBatch(input, i), new long[] {B, 32, 32, 3}, 'c');
            ys[i] = Nd4j.create(ConvBenchmark.labelBatch(labels, i), new long[] {B, 10}, 'c');
        }
        int layers = ConvBenchmark.KERNEL_SHAPES.length;
        params = new INDArray[2 * layers];
        grads = new INDArray[2 * layers];
        firstMoments = new INDArray[2 * layers];
        secondMoments = new INDArray[2 * layers];
        for (int p = 0; p < params.length; p++) {
            int[] kernel = ConvBenchmark.KERNEL_SHAPES[p / 2];
            long[] shape = p % 2 == 0 ? Arrays.stream(kernel).asLongStream().toArray() : new long[] {kernel[kernel.length - 1]};
            params[p] = p % 2 == 0 ? Nd4j.create(ConvBenchmark.initialKernel(p / 2), shape, 'c') : Nd4j.create(DataType.FLOAT, shape);
            grads[p] = Nd4j.create(DataType.FLOAT, shape);
            firstMoments[p] = Nd4j.create(DataType.FLOAT, shape);
            secondMoments[p] = Nd4j.create(DataType.FLOAT, shape);
        }
    }

    @Override
    public int batches() {
        return xs.length;
    }

    @Override
    public float step(int i) {
        INDArray x = xs[i];
        INDArray y = ys[i];
        exec("conv2d", CONV, new INDArray[] {x, params[0], params[1]}, a1);
        Transforms.relu(a1, false);
        exec("maxpool2d", POOL, new INDArray[] {a1}, p1);
        exec("conv2d", CONV, new INDArray[] {p1, params[2], params[3]}, a2);
        Transforms.relu(a2, false);
        exec("maxpool2d", POOL, new INDArray[] {a2}, p2);
        INDArray flat = p2.reshape(B, 8 * 8 * 64);
        Nd4j.gemm(flat, params[4], z, false, false, 1, 0);
        z.addiRowVector(params[5]);
        Transforms.softmax(z, false);
        INDArray logs = Transforms.log(z, true).muli(y);
        float loss = -logs.sumNumber().floatValue() / B;
        logs.close();

        INDArray dz = z.subi(y).divi(B);
        Nd4j.gemm(flat, dz, grads[4], true, false, 1, 0);
        INDArray biasGrad = dz.sum(0);
        grads[5].assign(biasGrad);
        biasGrad.close();
        Nd4j.gemm(dz, params[4], dFlat, false, true, 1, 0);
        exec("maxpool2d_bp", POOL, new INDArray[] {a2, dFlat.reshape(B, 8, 8, 64)}, dA2);
        reluBackward(a2, dA2);
        exec("conv2d_bp", CONV, new INDArray[] {p1, params[2], params[3], dA2}, dP1, grads[2], grads[3]);
        exec("maxpool2d_bp", POOL, new INDArray[] {a1, dP1}, dA1);
        reluBackward(a1, dA1);
        exec("conv2d_bp", CONV, new INDArray[] {x, params[0], params[1], dA1}, dX, grads[0], grads[1]);

        iterations++;
        double lrT = MlpSpec.LEARNING_RATE * Math.sqrt(1 - Math.pow(MlpSpec.BETA2, iterations))
                / (1 - Math.pow(MlpSpec.BETA1, iterations));
        for (int p = 0; p < params.length; p++) {
            Nd4jMlp.adam(params[p], grads[p], firstMoments[p], secondMoments[p], lrT);
        }
        return loss;
    }

    /** {@code grad ← grad · [activation > 0]}, in place; the relu's output has its input's sign. */
    private static void reluBackward(INDArray activation, INDArray grad) {
        Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(activation, grad).addOutputs(grad)
                .addFloatingPointArguments(0.0).build());
    }

    private static void exec(String op, int[] args, INDArray[] inputs, INDArray... outputs) {
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(inputs).addOutputs(outputs).addIntegerArguments(args).build());
    }

    @Override
    public void close() {
        for (INDArray[] group : new INDArray[][] {params, grads, firstMoments, secondMoments, xs, ys,
            {a1, p1, a2, p2, z, dFlat, dA2, dP1, dA1, dX}}) {
            for (INDArray a : group) {
                a.close();
            }
        }
    }
}
