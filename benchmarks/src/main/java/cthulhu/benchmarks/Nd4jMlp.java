package cthulhu.benchmarks;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The {@link MlpSpec} problem written by hand against ND4J, as a user without a framework would:
 * forward with {@code mmul}, {@code addiRowVector} and in-place relu/softmax; backward from
 * {@code dz = (softmax - y) / batch}, kernel gradients by BLAS into preallocated arrays; and
 * Keras 2.2.4's Adam update with in-place ops on preallocated moments. Temporaries are closed
 * as soon as they are used.
 */
final class Nd4jMlp implements Trainer {

    private final MlpSpec spec;
    private final INDArray[] kernels;
    private final INDArray[] biases;
    private final INDArray[] kernelGrads;
    private final INDArray[] biasGrads;
    private final INDArray[] firstMoments;
    private final INDArray[] secondMoments;
    private final INDArray[] xs;
    private final INDArray[] ys;
    private int iterations;

    Nd4jMlp(MlpSpec spec) {
        this.spec = spec;
        int[] units = spec.units();
        int layers = spec.layers();
        kernels = new INDArray[layers];
        biases = new INDArray[layers];
        kernelGrads = new INDArray[layers];
        biasGrads = new INDArray[layers];
        firstMoments = new INDArray[2 * layers];
        secondMoments = new INDArray[2 * layers];
        for (int l = 0; l < layers; l++) {
            kernels[l] = Nd4j.create(spec.kernel(l), new long[] {units[l], units[l + 1]}, 'c');
            biases[l] = Nd4j.zeros(kernels[l].dataType(), 1, units[l + 1]);
            kernelGrads[l] = Nd4j.create(kernels[l].dataType(), new long[] {units[l], units[l + 1]}, 'c');
            biasGrads[l] = Nd4j.create(kernels[l].dataType(), 1, units[l + 1]);
            firstMoments[2 * l] = Nd4j.zeros(kernels[l].dataType(), units[l], units[l + 1]);
            secondMoments[2 * l] = Nd4j.zeros(kernels[l].dataType(), units[l], units[l + 1]);
            firstMoments[2 * l + 1] = Nd4j.zeros(kernels[l].dataType(), 1, units[l + 1]);
            secondMoments[2 * l + 1] = Nd4j.zeros(kernels[l].dataType(), 1, units[l + 1]);
        }
        xs = new INDArray[spec.batches()];
        ys = new INDArray[spec.batches()];
        for (int i = 0; i < spec.batches(); i++) {
            xs[i] = Nd4j.create(spec.x(i), new long[] {spec.batchSize(), spec.inputs()}, 'c');
            ys[i] = Nd4j.create(spec.y(i), new long[] {spec.batchSize(), spec.classes()}, 'c');
        }
    }

    @Override
    public int batches() {
        return spec.batches();
    }

    @Override
    public float step(int i) {
        int layers = spec.layers();
        INDArray[] activations = new INDArray[layers + 1];
        activations[0] = xs[i];
        for (int l = 0; l < layers; l++) {
            INDArray z = activations[l].mmul(kernels[l]);
            z.addiRowVector(biases[l]);
            activations[l + 1] = l < layers - 1 ? Transforms.relu(z, false) : Transforms.softmax(z, false);
        }
        INDArray probabilities = activations[layers];
        INDArray y = ys[i];
        INDArray logp = Transforms.log(Transforms.max(probabilities, MlpSpec.EPSILON, true), false);
        float loss = -logp.muli(y).sumNumber().floatValue() / spec.batchSize();
        logp.close();

        INDArray dz = probabilities.subi(y).divi(spec.batchSize());
        for (int l = layers - 1; l >= 0; l--) {
            Nd4j.gemm(activations[l], dz, kernelGrads[l], true, false, 1.0, 0.0);
            dz.sum(biasGrads[l], 0);
            if (l > 0) {
                INDArray da = Nd4j.gemm(dz, kernels[l], false, true);
                INDArray mask = Transforms.sign(activations[l], true);
                da.muli(mask);
                mask.close();
                dz.close();
                activations[l].close();
                dz = da;
            }
        }
        dz.close();
        iterations++;
        double lrT = MlpSpec.LEARNING_RATE * Math.sqrt(1 - Math.pow(MlpSpec.BETA2, iterations))
                / (1 - Math.pow(MlpSpec.BETA1, iterations));
        for (int l = 0; l < layers; l++) {
            adam(kernels[l], kernelGrads[l], firstMoments[2 * l], secondMoments[2 * l], lrT);
            adam(biases[l], biasGrads[l], firstMoments[2 * l + 1], secondMoments[2 * l + 1], lrT);
        }
        return loss;
    }

    /** {@code m ← β1·m + (1-β1)·g}, {@code v ← β2·v + (1-β2)·g²}, {@code p ← p - lrT·m / (√v + ε)}. */
    static void adam(INDArray p, INDArray g, INDArray m, INDArray v, double lrT) {
        INDArray scaled = g.mul(1 - MlpSpec.BETA1);
        m.muli(MlpSpec.BETA1).addi(scaled);
        scaled.close();
        INDArray squared = g.mul(g).muli(1 - MlpSpec.BETA2);
        v.muli(MlpSpec.BETA2).addi(squared);
        squared.close();
        INDArray denominator = Transforms.sqrt(v, true).addi(MlpSpec.EPSILON);
        INDArray update = m.mul(lrT).divi(denominator);
        p.subi(update);
        denominator.close();
        update.close();
    }

    @Override
    public void close() {
        for (INDArray[] group : new INDArray[][] {kernels, biases, kernelGrads, biasGrads, firstMoments, secondMoments, xs, ys}) {
            for (INDArray a : group) {
                a.close();
            }
        }
    }
}
