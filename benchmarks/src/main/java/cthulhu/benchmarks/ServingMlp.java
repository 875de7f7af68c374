package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The two MLPs of the serving benchmarks, {@code 64-64-10} (the digits network) and
 * {@code 784-512-512-10}: relu hidden layers and a softmax output, Glorot-uniform kernels and
 * small uniform biases from fixed seeds, so that cthulhu and every raw implementation hold the
 * same weights and see the same inputs.
 */
final class ServingMlp {

    /** The networks measured, by their layer widths. */
    static final String[] NAMES = {"64-64-10", "784-512-512-10"};

    private final int[] units;

    /**
     * @param name layer widths joined by {@code -}, input first
     * @throws IllegalArgumentException for fewer than two widths or a width below 1
     */
    ServingMlp(String name) {
        units = Arrays.stream(name.split("-")).mapToInt(Integer::parseInt).toArray();
        if (units.length < 2 || Arrays.stream(units).anyMatch(u -> u < 1)) {
            throw new IllegalArgumentException("An MLP is named by two or more positive widths, e.g. 64-64-10; got " + name);
        }
    }

    /** The widths, input first. */
    int[] units() {
        return units.clone();
    }

    /** The number of dense layers. */
    int layers() {
        return units.length - 1;
    }

    /** Layer {@code l}'s kernel, {@code units[l] × units[l + 1]}, row-major. */
    float[] kernel(int l) {
        return Bench.glorotUniform(units[l], units[l + 1], 100 + l);
    }

    /** Layer {@code l}'s bias, uniform in {@code [-0.1, 0.1)}. */
    float[] bias(int l) {
        return Bench.uniform(units[l + 1], -0.1, 0.1, 200 + l);
    }

    /** {@code batch} input rows, uniform in {@code [0, 1)}, row-major. */
    float[] inputs(int batch) {
        return Bench.uniform(batch * units[0], 0, 1, 7);
    }

    /** The network as a cthulhu model on {@code backend}, in float32, holding these weights. */
    Sequential cthulhu(Backend backend) {
        return Bench.on(backend, () -> {
            Sequential model = new Sequential();
            for (int l = 0; l < layers(); l++) {
                Daoloth dense = new Daoloth(units[l + 1], l < layers() - 1 ? "relu" : "softmax");
                model.add(l == 0 ? dense.inputDim(units[0]) : dense);
            }
            List<Tensor> weights = new ArrayList<>();
            for (int l = 0; l < layers(); l++) {
                weights.add(Bench.tensor(backend, kernel(l), units[l], units[l + 1]));
                weights.add(Bench.tensor(backend, bias(l), units[l + 1]));
            }
            model.setWeights(weights);
            weights.forEach(Tensor::close);
            return model;
        });
    }

    /** {@code batch} input rows as a tensor of {@code backend}. */
    Tensor input(Backend backend, int batch) {
        return Bench.on(backend, () -> K.constant(inputs(batch), batch, units[0]));
    }
}
