package cthulhu.models;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.Map;
import java.util.TreeSet;

/**
 * Keras's {@code sample_weight} and {@code class_weight} turned into one weight per sample, with
 * Keras 2.2.4's rules: a sample weight wins over a class weight; a class weight applies to the
 * class of each target — its argmax for one-hot targets, the label itself for integer labels or
 * a single 0/1 output — and must name every class that occurs in the targets.
 */
final class SampleWeights {

    private SampleWeights() {
    }

    /**
     * The weights of the {@code samples} samples with targets {@code y}, or null for none; kept
     * on the heap, so that each batch's step makes its own tensor of them in its scope.
     *
     * @param method the calling method, for messages
     * @param classes the number of classes of the model's output (its last axis; 2 for one unit)
     * @throws IllegalArgumentException for sample weights of the wrong length, negative or not
     *     finite; for class weights naming a class outside {@code [0, classes)}, negative, or
     *     missing a class the targets hold — naming the argument, the value and the rule
     */
    static double[] of(String method, double[] sampleWeight, Map<Integer, Double> classWeight, Tensor y, int samples,
                     int classes) {
        if (sampleWeight != null) {
            if (sampleWeight.length != samples) {
                throw new IllegalArgumentException(method + ": sampleWeight has " + sampleWeight.length
                        + " values but there are " + samples + " samples; give one weight per sample");
            }
            for (int i = 0; i < sampleWeight.length; i++) {
                check(method, "sampleWeight[" + i + "]", sampleWeight[i]);
            }
            return sampleWeight.clone();
        }
        if (classWeight == null) {
            return null;
        }
        for (Map.Entry<Integer, Double> e : classWeight.entrySet()) {
            if (e.getKey() == null || e.getKey() < 0 || e.getKey() >= classes) {
                throw new IllegalArgumentException(method + ": classWeight names class " + e.getKey()
                        + ", which does not exist: the model's output has classes 0 to " + (classes - 1));
            }
            check(method, "classWeight[" + e.getKey() + "]", e.getValue() == null ? Double.NaN : e.getValue());
        }
        double[] labels = classOf(y);
        double[] weights = new double[samples];
        TreeSet<Integer> missing = new TreeSet<>();
        for (int i = 0; i < samples; i++) {
            int c = (int) labels[i];
            Double w = classWeight.get(c);
            if (w == null) {
                missing.add(c);
            } else {
                weights[i] = w;
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(method + ": classWeight must contain all classes in the data. The classes "
                    + missing + " exist in the data but not in classWeight " + classWeight);
        }
        return weights;
    }

    /** The weights of the samples {@code idx} as a tensor of type {@code like}'s, or null without weights. */
    static Tensor batch(double[] weights, int[] idx, Tensor like) {
        if (weights == null) {
            return null;
        }
        double[] batch = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            batch[i] = weights[idx[i]];
        }
        return K.constant(like.dtype(), batch, idx.length);
    }

    /** The number of classes of an output of per-sample shape {@code shape}: its last axis, 2 for one unit. */
    static int classes(int[] shape) {
        return shape.length == 0 || shape[shape.length - 1] == 1 ? 2 : shape[shape.length - 1];
    }

    /** The class of each target: the argmax of one-hot rows, else the (rounded) label. */
    private static double[] classOf(Tensor y) {
        boolean oneHot = y.rank() >= 2 && y.dim(-1) > 1;
        double[] values = (oneHot ? K.argmax(y, -1) : y).toDoubleArray();
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.rint(values[i]);
        }
        return values;
    }

    private static void check(String method, String what, double w) {
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException(method + ": " + what + " is " + w + "; weights must be finite and >= 0");
        }
    }
}
