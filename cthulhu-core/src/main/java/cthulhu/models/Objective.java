package cthulhu.models;

import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.metrics.Metric;
import cthulhu.metrics.Metrics;
import cthulhu.metrics.StatefulMetric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a compiled model minimises and reports, resolved for its outputs: one loss and one loss
 * weight per output, each output's metrics, and the log keys Keras gives them.
 *
 * <p>The minimised loss is {@code Σ_k w_k · mean_batch(loss_k(y_k, out_k))}. Log keys follow Keras:
 * with one output {@code loss} and each metric by the name it was compiled with
 * ({@code accuracy}); with several outputs {@code loss} (the weighted total), then
 * {@code <output>_loss} for each output, then {@code <output>_<metric>} for each output's metrics.
 */
final class Objective {

    /** One reported metric: its log key, the output it reads and the function. */
    private record OutputMetric(String key, int output, Metric metric, StatefulMetric stateful) {
    }

    private final List<String> outputNames;
    private final List<Loss> losses;
    private final double[] weights;
    private final List<OutputMetric> metrics = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    /**
     * @param outputNames the names of the model's outputs (their layers' names)
     * @param outputShapes each output's per-sample shape, for resolving {@code accuracy}
     * @param losses one loss per output
     * @param weights one weight per output
     * @param metricNames the metric names of each output
     */
    Objective(List<String> outputNames, List<int[]> outputShapes, List<Loss> losses, double[] weights,
              List<List<String>> metricNames) {
        this.outputNames = List.copyOf(outputNames);
        this.losses = List.copyOf(losses);
        this.weights = weights.clone();
        boolean several = outputNames.size() > 1;
        keys.add("loss");
        if (several) {
            outputNames.forEach(n -> keys.add(n + "_loss"));
        }
        for (int k = 0; k < outputNames.size(); k++) {
            int units = (int) Shapes.size(outputShapes.get(k));
            for (String m : metricNames.get(k)) {
                String key = several ? outputNames.get(k) + "_" + m : m;
                StatefulMetric stateful = Metrics.stateful(m).orElse(null);
                metrics.add(new OutputMetric(key, k, stateful != null ? null : Metrics.get(m, losses.get(k), units), stateful));
                keys.add(key);
            }
        }
    }

    /**
     * The objective of a model's outputs from the losses, loss weights and metrics as compiled:
     * each a value for every output, a list in output order, or a map by output name (loss
     * weights default to 1, metrics to none).
     *
     * @throws IllegalArgumentException when a list's length is not the number of outputs, a map
     *     names something that is not an output, or an output has no loss, listing the outputs
     */
    static Objective resolve(String model, List<String> names, List<int[]> shapes, Object lossSpec, Object weightSpec,
                             Object metricSpec) {
        List<Loss> losses = perOutput(model, "losses", lossSpec, names, null, Loss.class);
        List<Double> weights = perOutput(model, "loss weights", weightSpec, names, 1.0, Double.class);
        List<List<String>> metrics = new ArrayList<>();
        for (String n : names) {
            metrics.add(metricSpec instanceof Map<?, ?> m ? namesOf(m.get(n)) : namesOf(metricSpec));
        }
        if (metricSpec instanceof Map<?, ?> m) {
            perOutput(model, "metrics", m, names, List.of(), Object.class);
        }
        return new Objective(names, shapes, losses, weights.stream().mapToDouble(Double::doubleValue).toArray(), metrics);
    }

    private static List<String> namesOf(Object list) {
        return list == null ? List.of() : ((List<?>) list).stream().map(String.class::cast).toList();
    }

    /** One value per output from a value for all, a list in output order, or a map by output name. */
    private static <T> List<T> perOutput(String model, String what, Object spec, List<String> names, T missing, Class<T> type) {
        List<T> out = new ArrayList<>();
        if (spec instanceof List<?> list) {
            if (list.size() != names.size()) {
                throw new IllegalArgumentException("Model " + model + " has " + names.size() + " output(s) " + names + " but "
                        + list.size() + " " + what + " were given; give one per output, in the order of the outputs");
            }
            list.forEach(v -> out.add(type.cast(v)));
        } else if (spec instanceof Map<?, ?> map) {
            for (Object key : map.keySet()) {
                if (!names.contains(key)) {
                    throw new IllegalArgumentException("Unknown output '" + key + "' in the " + what + " of model " + model
                            + "; its outputs are " + names);
                }
            }
            for (String n : names) {
                Object v = map.get(n);
                if (v == null && missing == null) {
                    throw new IllegalArgumentException("Output " + n + " of model " + model + " has no entry in the " + what
                            + " " + map.keySet() + "; give one for each output " + names);
                }
                out.add(type.cast(v == null ? missing : v));
            }
        } else {
            names.forEach(n -> out.add(type.cast(spec == null ? missing : spec)));
        }
        return out;
    }

    /** The loss of output {@code k}. */
    Loss loss(int k) {
        return losses.get(k);
    }

    /** The log keys of one batch or epoch, in display order. */
    List<String> keys() {
        return List.copyOf(keys);
    }

    /** Each output's loss averaged over the batch. */
    List<Tensor> outputLosses(List<Tensor> ys, List<Tensor> outputs) {
        return outputLosses(ys, outputs, null);
    }

    /**
     * The mean loss of each output, each sample's loss weighted by {@code weights} (one per sample,
     * or null for none) as Keras 2.2.4 does: {@code mean(loss · w) / mean(w ≠ 0)}, 0 when every
     * weight of the batch is 0.
     */
    List<Tensor> outputLosses(List<Tensor> ys, List<Tensor> outputs, Tensor weights) {
        List<Tensor> values = new ArrayList<>();
        for (int k = 0; k < losses.size(); k++) {
            Tensor perSample = losses.get(k).apply(ys.get(k), outputs.get(k));
            if (weights == null) {
                values.add(K.mean(perSample));
                continue;
            }
            while (perSample.rank() > 1) {
                perSample = K.mean(perSample, -1, false);
            }
            Tensor nonZero = K.maximum(K.mean(K.greater(weights, 0)), Double.MIN_NORMAL);
            values.add(K.divide(K.mean(K.multiply(perSample, weights)), nonZero));
        }
        return values;
    }

    /** The weighted sum of the outputs' losses: the data term of what training minimises. */
    Tensor weightedLoss(List<Tensor> outputLosses) {
        Tensor total = null;
        for (int k = 0; k < outputLosses.size(); k++) {
            Tensor term = weights[k] == 1 ? outputLosses.get(k) : K.multiply(outputLosses.get(k), weights[k]);
            total = total == null ? term : K.add(total, term);
        }
        return total;
    }

    /** One batch's values in the order of {@link #keys}: the total loss, the outputs' losses, the metrics. */
    double[] values(Tensor total, List<Tensor> outputLosses, List<Tensor> ys, List<Tensor> outputs) {
        double[] values = new double[keys.size()];
        int i = 0;
        values[i++] = scalar(total);
        if (outputNames.size() > 1) {
            for (Tensor l : outputLosses) {
                values[i++] = scalar(l);
            }
        }
        for (OutputMetric m : metrics) {
            Tensor y = ys.get(m.output());
            Tensor out = outputs.get(m.output());
            if (m.stateful() != null) {
                m.stateful().update(y, out);
                values[i++] = m.stateful().result();
            } else {
                values[i++] = scalar(K.mean(m.metric().apply(y, out)));
            }
        }
        return values;
    }

    /** Forgets what the stateful metrics accumulated: at the start of each epoch and evaluation. */
    void resetStates() {
        metrics.stream().filter(m -> m.stateful() != null).forEach(m -> m.stateful().reset());
    }

    /** For each of {@link #keys}, whether {@link #values} gives the value accumulated so far rather than the batch's. */
    boolean[] accumulated() {
        boolean[] accumulated = new boolean[keys.size()];
        int first = keys.size() - metrics.size();
        for (int j = 0; j < metrics.size(); j++) {
            accumulated[first + j] = metrics.get(j).stateful() != null;
        }
        return accumulated;
    }

    /**
     * Checks each target against its output's loss ({@link Loss#targetShapes}).
     *
     * @throws IllegalArgumentException naming the output, the loss, the shapes it accepts and the shape given
     */
    void checkTargets(String method, List<int[]> outputShapes, List<Tensor> ys) {
        for (int k = 0; k < losses.size(); k++) {
            Loss loss = losses.get(k);
            int[] out = outputShapes.get(k);
            Tensor y = ys.get(k);
            int[] sample = Arrays.copyOfRange(y.shape(), 1, y.rank());
            List<int[]> accepted = loss.targetShapes(out);
            if (accepted.stream().anyMatch(s -> Arrays.equals(s, sample))) {
                continue;
            }
            String lossName = "the loss " + Losses.nameOf(loss).orElse(String.valueOf(loss));
            String target = outputNames.size() > 1 ? "target " + outputNames.get(k) : "target";
            String batch = String.valueOf(y.dim(0));
            List<String> shapes = accepted.stream().map(s -> batchShape(s, batch)).toList();
            throw new IllegalArgumentException("Error when checking " + target + " of " + method + ": the model's output "
                    + (outputNames.size() > 1 ? outputNames.get(k) + " " : "") + "has shape " + batchShape(out, "None") + " so "
                    + lossName + " needs y of shape " + String.join(" or ", shapes) + ", but got y of shape "
                    + Arrays.toString(y.shape()) + loss.targetHint(out, sample));
        }
    }

    /** {@code [batch, d1, d2]} for a per-sample shape. */
    static String batchShape(int[] sample, String batch) {
        StringBuilder sb = new StringBuilder("[").append(batch);
        for (int d : sample) {
            sb.append(", ").append(d);
        }
        return sb.append(']').toString();
    }

    static double scalar(Tensor t) {
        return t.toDoubleArray()[0];
    }
}
