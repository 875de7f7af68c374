package cthulhu.conformance.images;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Reference;
import cthulhu.layers.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds image layers with given weights and checks their gradients by central differences, in
 * the active float type: every helper makes its tensors inside itself, so it also runs under the
 * float64 of {@link GradientCheck}.
 */
final class LayerCheck {

    private LayerCheck() {
    }

    /** A fresh layer built for samples of {@code sample} with the given weights (row-major, in creation order). */
    static Layer built(Supplier<? extends Layer> factory, int[] sample, double[]... weights) {
        Layer layer = factory.get();
        layer.ensureBuilt(sample);
        List<Tensor> values = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            values.add(K.constant(weights[i], layer.variables().get(i).shape()));
        }
        layer.setWeights(values);
        return layer;
    }

    /** Seeded weights in [-1, 1) (non-trainable ones in [0.5, 1.5)) for every weight of the layer built for {@code sample}. */
    static double[][] weights(Supplier<? extends Layer> factory, int[] sample, long seed) {
        try (Layer layer = factory.get()) {
            layer.ensureBuilt(sample);
            double[][] out = new double[layer.variables().size()][];
            for (int i = 0; i < out.length; i++) {
                // Non-trainable weights are statistics such as a variance: positive.
                boolean statistic = !layer.variables().get(i).trainable();
                out[i] = Reference.stored(Reference.uniform(layer.variables().get(i).shape(), statistic ? 0.5 : -1,
                        statistic ? 1.5 : 1, seed + i));
            }
            return out;
        }
    }

    /**
     * Checks the gradient of {@code Σ layer(x) · r} (a fixed random weighting {@code r}) with
     * respect to the input and to every trainable weight, against central differences.
     */
    static void gradients(Supplier<? extends Layer> factory, int[] batchShape, boolean training, long seed) {
        int[] sample = java.util.Arrays.copyOfRange(batchShape, 1, batchShape.length);
        double[] x = Reference.uniform(batchShape, -1, 1, seed);
        double[][] w = weights(factory, sample, seed + 10);
        int[] shape;
        List<int[]> weightShapes = new ArrayList<>();
        List<Boolean> trainable = new ArrayList<>();
        try (Layer probe = factory.get()) {
            probe.ensureBuilt(sample);
            int[] out = probe.computeOutputShape(sample);
            shape = new int[out.length + 1];
            shape[0] = batchShape[0];
            System.arraycopy(out, 0, shape, 1, out.length);
            probe.variables().forEach(v -> {
                weightShapes.add(v.shape());
                trainable.add(v.trainable());
            });
        }
        double[] r = Reference.uniform(shape, -1, 1, seed + 20);
        GradientCheck.check(t -> K.multiply(built(factory, sample, w).call(t, training), K.constant(r, shape)), x, batchShape);
        for (int i = 0; i < w.length; i++) {
            int index = i;
            if (!trainable.get(i)) {
                continue;
            }
            GradientCheck.check(t -> {
                Layer l = factory.get();
                l.ensureBuilt(sample);
                List<Tensor> values = new ArrayList<>();
                for (int j = 0; j < w.length; j++) {
                    values.add(j == index ? t : K.constant(w[j], weightShapes.get(j)));
                }
                l.setWeights(values);
                return K.multiply(l.call(K.constant(x, batchShape), training), K.constant(r, shape));
            }, w[i], weightShapes.get(i));
        }
    }
}
