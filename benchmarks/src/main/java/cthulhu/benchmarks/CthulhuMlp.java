package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.layers.Daoloth;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link MlpSpec} problem as a cthulhu user writes it, on one backend: a {@link Sequential}
 * of {@link Daoloth} layers (relu, softmax at the end) compiled with {@code "adam"} and
 * {@code "categorical_crossentropy"}, its weights set to the spec's initial values, trained with
 * {@link Sequential#fit} (no shuffling, no progress output). A step is {@code fit} on one batch;
 * an epoch is one {@code fit} over the whole data set.
 */
final class CthulhuMlp implements MlpTrainer {

    private final Backend backend;
    private final MlpSpec spec;
    private final Sequential model;
    private final List<Tensor> xs = new ArrayList<>();
    private final List<Tensor> ys = new ArrayList<>();
    private final Tensor allX;
    private final Tensor allY;
    private final FitOptions options;

    CthulhuMlp(Backend backend, MlpSpec spec) {
        this.backend = backend;
        this.spec = spec;
        this.options = new FitOptions().epochs(1).batchSize(spec.batchSize()).shuffle(false).verbose(0);
        int[] units = spec.units();
        this.model = Bench.on(backend, () -> {
            Sequential m = new Sequential("mlp");
            for (int l = 0; l < spec.layers(); l++) {
                Daoloth dense = new Daoloth(units[l + 1], l < spec.layers() - 1 ? "relu" : "softmax");
                m.add(l == 0 ? dense.inputDim(units[0]) : dense);
            }
            m.compile("adam", "categorical_crossentropy");
            try (TensorScope scope = TensorScope.open()) {
                List<Tensor> weights = new ArrayList<>();
                for (int l = 0; l < spec.layers(); l++) {
                    weights.add(K.constant(spec.kernel(l), units[l], units[l + 1]));
                    weights.add(K.zeros(units[l + 1]));
                }
                m.setWeights(weights);
            }
            for (int i = 0; i < spec.batches(); i++) {
                xs.add(K.constant(spec.x(i), spec.batchSize(), spec.inputs()));
                ys.add(K.constant(spec.y(i), spec.batchSize(), spec.classes()));
            }
            return m;
        });
        allX = Bench.on(backend, () -> K.concatenate(xs, 0));
        allY = Bench.on(backend, () -> K.concatenate(ys, 0));
    }

    @Override
    public int batches() {
        return spec.batches();
    }

    @Override
    public float step(int i) {
        return fit(xs.get(i), ys.get(i));
    }

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
