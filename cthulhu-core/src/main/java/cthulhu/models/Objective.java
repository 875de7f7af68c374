package cthulhu.models;

import cthulhu.backend.K;
import cthulhu.backend.Shapes;
import cthulhu.backend.Tensor;
import cthulhu.losses.Loss;
import cthulhu.losses.Losses;
import cthulhu.metrics.Metric;
import cthulhu.metrics.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    private record OutputMetric(String key, int output, Metric metric) {
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
                metrics.add(new OutputMetric(key, k, Metrics.get(m, losses.get(k), units)));
                keys.add(key);
            }
        }
    }

    /** The log keys of one batch or epoch, in display order. */
    List<String> keys() {
        return List.copyOf(keys);
    }

    /** Each output's loss averaged over the batch. */
    List<Tensor> outputLosses(List<Tensor> ys, List<Tensor> outputs) {
        List<Tensor> values = new ArrayList<>();
        for (int k = 0; k < losses.size(); k++) {
            values.add(K.mean(losses.get(k).apply(ys.get(k), outputs.get(k))));
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
            values[i++] = scalar(K.mean(m.metric().apply(ys.get(m.output()), outputs.get(m.output()))));
        }
        return values;
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
