package cthulhu.conformance.sequences;

import java.util.function.DoubleUnaryOperator;

/**
 * The recurrent layers written out step by step, sample by sample, in double precision, from
 * Keras's equations: the independent reference of the sequence tests. Matrices are row-major;
 * gates lie side by side in the kernels ({@code in × gates·units}) in Keras's order (LSTM
 * {@code i, f, c, o}; GRU {@code z, r, h}).
 */
final class RecurrentReference {

    /** Keras 2.2.4's {@code hard_sigmoid}: {@code clip(0.2·x + 0.5, 0, 1)}. */
    static final DoubleUnaryOperator HARD_SIGMOID = x -> Math.max(0, Math.min(1, 0.2 * x + 0.5));
    static final DoubleUnaryOperator SIGMOID = x -> 1 / (1 + Math.exp(-x));
    static final DoubleUnaryOperator TANH = Math::tanh;

    /** Which cell, and GRU's variant. */
    enum Cell { SIMPLE, LSTM, GRU, GRU_RESET_AFTER }

    /** The output ({@code [batch, units]} or {@code [batch, steps, units]}) and final states ({@code [batch·units]} each). */
    record Result(double[] output, double[][] states) {
    }

    private final Cell cell;
    private final int in;
    private final int units;
    private final double[] kernel;
    private final double[] recurrent;
    private final double[] bias;
    private DoubleUnaryOperator activation = TANH;
    private DoubleUnaryOperator recurrentActivation = HARD_SIGMOID;

    /** @param bias {@code gates·units} values, or {@code 2·gates·units} for GRU with reset after; null for none */
    RecurrentReference(Cell cell, int in, int units, double[] kernel, double[] recurrent, double[] bias) {
        this.cell = cell;
        this.in = in;
        this.units = units;
        this.kernel = kernel;
        this.recurrent = recurrent;
        this.bias = bias;
    }

    RecurrentReference activations(DoubleUnaryOperator activation, DoubleUnaryOperator recurrentActivation) {
        this.activation = activation;
        this.recurrentActivation = recurrentActivation;
        return this;
    }

    int gates() {
        return switch (cell) {
            case SIMPLE -> 1;
            case LSTM -> 4;
            default -> 3;
        };
    }

    int stateCount() {
        return cell == Cell.LSTM ? 2 : 1;
    }

    /**
     * Runs the sequence {@code x} ({@code [batch, steps, in]}).
     *
     * @param mask null or {@code [batch, steps]}: at a 0 the states and the output repeat the previous ones
     * @param initial null for zeros, else one {@code [batch·units]} array per state
     */
    Result run(double[] x, int batch, int steps, boolean goBackwards, double[] mask, boolean returnSequences, double[][] initial) {
        int count = stateCount();
        double[][] finalStates = new double[count][batch * units];
        double[] output = new double[returnSequences ? batch * steps * units : batch * units];
        for (int n = 0; n < batch; n++) {
            double[][] states = new double[count][units];
            for (int s = 0; s < count; s++) {
                if (initial != null) {
                    System.arraycopy(initial[s], n * units, states[s], 0, units);
                }
            }
            for (int i = 0; i < steps; i++) {
                int t = goBackwards ? steps - 1 - i : i;
                double[] xt = new double[in];
                System.arraycopy(x, (n * steps + t) * in, xt, 0, in);
                if (mask == null || mask[n * steps + t] != 0) {
                    states = step(xt, states);
                }
                if (returnSequences) {
                    System.arraycopy(states[0], 0, output, (n * steps + i) * units, units);
                }
            }
            if (!returnSequences) {
                System.arraycopy(states[0], 0, output, n * units, units);
            }
            for (int s = 0; s < count; s++) {
                System.arraycopy(states[s], 0, finalStates[s], n * units, units);
            }
        }
        return new Result(output, finalStates);
    }

    /** {@code v·M[:, gate]} plus, when given, the bias row's gate part, for a {@code units}-wide gate. */
    private double[] affine(double[] v, double[] m, int gate, double[] b, int biasOffset) {
        int width = gates() * units;
        double[] out = new double[units];
        for (int j = 0; j < units; j++) {
            double sum = b == null ? 0 : b[biasOffset + gate * units + j];
            for (int p = 0; p < v.length; p++) {
                sum += v[p] * m[p * width + gate * units + j];
            }
            out[j] = sum;
        }
        return out;
    }

    private double[][] step(double[] x, double[][] states) {
        double[] h = states[0];
        int width = gates() * units;
        double[] none = null;
        switch (cell) {
            case SIMPLE -> {
                double[] a = affine(x, kernel, 0, bias, 0);
                double[] r = affine(h, recurrent, 0, none, 0);
                double[] next = new double[units];
                for (int j = 0; j < units; j++) {
                    next[j] = activation.applyAsDouble(a[j] + r[j]);
                }
                return new double[][] {next};
            }
            case LSTM -> {
                double[] c = states[1];
                double[] nextH = new double[units];
                double[] nextC = new double[units];
                double[][] z = new double[4][];
                for (int g = 0; g < 4; g++) {
                    double[] a = affine(x, kernel, g, bias, 0);
                    double[] r = affine(h, recurrent, g, none, 0);
                    z[g] = new double[units];
                    for (int j = 0; j < units; j++) {
                        z[g][j] = a[j] + r[j];
                    }
                }
                for (int j = 0; j < units; j++) {
                    double i = recurrentActivation.applyAsDouble(z[0][j]);
                    double f = recurrentActivation.applyAsDouble(z[1][j]);
                    double cc = f * c[j] + i * activation.applyAsDouble(z[2][j]);
                    double o = recurrentActivation.applyAsDouble(z[3][j]);
                    nextC[j] = cc;
                    nextH[j] = o * activation.applyAsDouble(cc);
                }
                return new double[][] {nextH, nextC};
            }
            case GRU -> {
                double[] next = new double[units];
                double[] xz = affine(x, kernel, 0, bias, 0);
                double[] xr = affine(x, kernel, 1, bias, 0);
                double[] xh = affine(x, kernel, 2, bias, 0);
                double[] hz = affine(h, recurrent, 0, none, 0);
                double[] hr = affine(h, recurrent, 1, none, 0);
                double[] z = new double[units];
                double[] rh = new double[units];
                for (int j = 0; j < units; j++) {
                    z[j] = recurrentActivation.applyAsDouble(xz[j] + hz[j]);
                    rh[j] = recurrentActivation.applyAsDouble(xr[j] + hr[j]) * h[j];
                }
                double[] hh = affine(rh, recurrent, 2, none, 0);
                for (int j = 0; j < units; j++) {
                    double candidate = activation.applyAsDouble(xh[j] + hh[j]);
                    next[j] = z[j] * h[j] + (1 - z[j]) * candidate;
                }
                return new double[][] {next};
            }
            default -> {
                double[] next = new double[units];
                double[] xz = affine(x, kernel, 0, bias, 0);
                double[] xr = affine(x, kernel, 1, bias, 0);
                double[] xh = affine(x, kernel, 2, bias, 0);
                double[] hz = affine(h, recurrent, 0, bias, width);
                double[] hr = affine(h, recurrent, 1, bias, width);
                double[] hh = affine(h, recurrent, 2, bias, width);
                for (int j = 0; j < units; j++) {
                    double z = recurrentActivation.applyAsDouble(xz[j] + hz[j]);
                    double r = recurrentActivation.applyAsDouble(xr[j] + hr[j]);
                    double candidate = activation.applyAsDouble(xh[j] + r * hh[j]);
                    next[j] = z * h[j] + (1 - z) * candidate;
                }
                return new double[][] {next};
            }
        }
    }
}
