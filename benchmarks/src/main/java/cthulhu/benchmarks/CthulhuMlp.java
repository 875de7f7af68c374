package cthulhu.benchmarks;

import cthulhu.autodiff.GradientTape;
import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.backend.Variable;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link MlpSpec} problem through cthulhu's {@code K} on one backend: the forward pass of
 * {@code K.dense}, {@code K.relu} and {@code K.softmax}, Keras's categorical crossentropy
 * (probabilities clipped to {@code [ε, 1 - ε]}), gradients from a {@link GradientTape}, and
 * Keras 2.2.4's Adam update written with {@code K} on {@link Variable}s. Each step runs in a
 * {@link TensorScope}; only the new weights and moments are kept.
 */
final class CthulhuMlp implements MlpTrainer {

    private final Backend backend;
    private final MlpSpec spec;
    private final List<Variable> params = new ArrayList<>();
    private final List<Variable> firstMoments = new ArrayList<>();
    private final List<Variable> secondMoments = new ArrayList<>();
    private final List<Tensor> xs = new ArrayList<>();
    private final List<Tensor> ys = new ArrayList<>();
    private int iterations;

    CthulhuMlp(Backend backend, MlpSpec spec) {
        this.backend = backend;
        this.spec = spec;
        int[] units = spec.units();
        Bench.on(backend, () -> {
            for (int l = 0; l < spec.layers(); l++) {
                addParam("kernel" + l, K.constant(spec.kernel(l), units[l], units[l + 1]));
                addParam("bias" + l, K.zeros(units[l + 1]));
            }
            for (int i = 0; i < spec.batches(); i++) {
                xs.add(K.constant(spec.x(i), spec.batchSize(), spec.inputs()));
                ys.add(K.constant(spec.y(i), spec.batchSize(), spec.classes()));
            }
            return null;
        });
    }

    private void addParam(String name, Tensor value) {
        params.add(new Variable(name, value, true));
        firstMoments.add(new Variable(name + "_m", K.zerosLike(value), false));
        secondMoments.add(new Variable(name + "_v", K.zerosLike(value), false));
    }

    @Override
    public int batches() {
        return spec.batches();
    }

    @Override
    public float step(int i) {
        return Bench.on(backend, () -> {
            try (TensorScope scope = TensorScope.open()) {
                List<Tensor> values = new ArrayList<>(params.size());
                params.forEach(p -> values.add(p.value()));
                Tensor loss;
                List<Tensor> grads;
                try (GradientTape tape = GradientTape.open()) {
                    tape.watch(values);
                    loss = crossentropy(forward(xs.get(i), values), ys.get(i));
                    grads = tape.gradient(loss, values);
                }
                adam(scope, grads);
                return loss.toFloatArray()[0];
            }
        });
    }

    private Tensor forward(Tensor x, List<Tensor> values) {
        Tensor h = x;
        int layers = spec.layers();
        for (int l = 0; l < layers; l++) {
            Tensor z = K.dense(h, values.get(2 * l), values.get(2 * l + 1));
            h = l < layers - 1 ? K.relu(z) : K.softmax(z, -1);
        }
        return h;
    }

    /** Keras's categorical crossentropy of probabilities, averaged over the batch. */
    private static Tensor crossentropy(Tensor probabilities, Tensor labels) {
        double eps = K.epsilon();
        Tensor logp = K.log(K.clip(probabilities, eps, 1 - eps));
        return K.negate(K.mean(K.sum(K.multiply(labels, logp), -1, false)));
    }

    /** Keras 2.2.4's Adam: bias correction folded into the step size. */
    private void adam(TensorScope scope, List<Tensor> grads) {
        iterations++;
        double lrT = MlpSpec.LEARNING_RATE * Math.sqrt(1 - Math.pow(MlpSpec.BETA2, iterations))
                / (1 - Math.pow(MlpSpec.BETA1, iterations));
        for (int p = 0; p < params.size(); p++) {
            Tensor g = grads.get(p);
            Variable m = firstMoments.get(p);
            Variable v = secondMoments.get(p);
            Tensor mT = K.add(K.multiply(m.value(), MlpSpec.BETA1), K.multiply(g, 1 - MlpSpec.BETA1));
            Tensor vT = K.add(K.multiply(v.value(), MlpSpec.BETA2), K.multiply(K.square(g), 1 - MlpSpec.BETA2));
            Tensor update = K.divide(K.multiply(mT, lrT), K.add(K.sqrt(vT), MlpSpec.EPSILON));
            Tensor pT = K.subtract(params.get(p).value(), update);
            m.assign(scope.keep(mT));
            v.assign(scope.keep(vT));
            params.get(p).assign(scope.keep(pT));
        }
    }

    @Override
    public void close() {
        params.forEach(Variable::close);
        firstMoments.forEach(Variable::close);
        secondMoments.forEach(Variable::close);
        xs.forEach(Tensor::close);
        ys.forEach(Tensor::close);
    }
}
