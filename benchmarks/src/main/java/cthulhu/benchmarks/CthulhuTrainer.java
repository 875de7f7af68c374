package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A training problem as a cthulhu user writes it, on one backend: a compiled {@link Sequential}
 * trained with {@link Sequential#fit} (no shuffling, no progress output). A step is {@code fit}
 * on one batch; an epoch is one {@code fit} over the whole data set.
 */
final class CthulhuTrainer implements Trainer {

    private final Backend backend;
    private final Sequential model;
    private final List<Tensor> xs = new ArrayList<>();
    private final List<Tensor> ys = new ArrayList<>();
    private final Tensor allX;
    private final Tensor allY;
    private final FitOptions options;

    /**
     * @param model builds the compiled model with its initial weights; runs with {@code backend} active
     * @param sampleShape the shape of one input sample
     * @param xs the inputs of each batch, row-major {@code (batch, sampleShape…)}
     * @param ys the one-hot labels of each batch, row-major {@code (batch, classes)}
     */
    CthulhuTrainer(Backend backend, Supplier<Sequential> model, int[] sampleShape, int classes, List<float[]> xs,
                   List<float[]> ys) {
        this.backend = backend;
        int batchSize = ys.get(0).length / classes;
        this.options = new FitOptions().epochs(1).batchSize(batchSize).shuffle(false).verbose(0);
        int[] xShape = IntStream.concat(IntStream.of(batchSize), IntStream.of(sampleShape)).toArray();
        this.model = Bench.on(backend, () -> {
            for (int i = 0; i < xs.size(); i++) {
                this.xs.add(K.constant(xs.get(i), xShape));
                this.ys.add(K.constant(ys.get(i), batchSize, classes));
            }
            return model.get();
        });
        allX = Bench.on(backend, () -> K.concatenate(this.xs, 0));
        allY = Bench.on(backend, () -> K.concatenate(this.ys, 0));
    }

    /**
     * Sets the weights of {@code model}, whose layers with weights each have a kernel and a bias:
     * layer {@code l}'s kernel to {@code kernel.apply(l)} of shape {@code kernelShapes[l]}, its
     * bias to zeros.
     */
    static void setInitialWeights(Sequential model, int[][] kernelShapes, IntFunction<float[]> kernel) {
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> weights = new ArrayList<>();
            for (int l = 0; l < kernelShapes.length; l++) {
                int[] shape = kernelShapes[l];
                weights.add(K.constant(kernel.apply(l), shape));
                weights.add(K.zeros(shape[shape.length - 1]));
            }
            model.setWeights(weights);
        }
    }

    @Override
    public int batches() {
        return xs.size();
    }

    @Override
    public float step(int i) {
        return fit(xs.get(i), ys.get(i));
    }

    /** One {@code fit} over the data set; returns the epoch's mean loss, as {@code fit} reports it. */
    @Override
    public float epoch() {
        return fit(allX, allY);
    }

    private float fit(Tensor x, Tensor y) {
        return Bench.on(backend, () -> {
            List<Double> losses = model.fit(x, y, options).history().get("loss");
            return losses.get(losses.size() - 1).floatValue();
        });
    }

    @Override
    public void close() {
        model.close();
        xs.forEach(Tensor::close);
        ys.forEach(Tensor::close);
        allX.close();
        allY.close();
    }
}
