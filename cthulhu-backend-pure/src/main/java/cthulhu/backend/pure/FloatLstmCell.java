package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.CellActivation;
import cthulhu.backend.UnaryOp;

/**
 * {@link cthulhu.backend.Composites#lstmCell} and its gradient on {@code float[]}, as a handful
 * of {@link FloatDispatch} passes over the step's arrays: the activations over the whole
 * {@code [batch, 4·units]} block at once and the products row by row, each a vector loop when
 * the vector module is enabled. The exponentials are what a step costs, and the vector kernels
 * compute sixteen of them at a time where a scalar loop computes one.
 *
 * <p>Arrays are row-major: {@code z} and {@code gz} {@code [batch, 4·units]} with the gates
 * {@code i, f, c, o} side by side in each row, the states {@code [batch, units]}.
 */
final class FloatLstmCell {

    /** The activated gates {@code [batch, 4·units]}, {@code c'} and {@code act(c')}, {@code [batch, units]}. */
    private final float[] gates;
    private final float[] cNext;
    private final float[] cellOut;
    private final float[] z;
    private final float[] c;
    private final int batch;
    private final int units;
    private final CellActivation gate;
    private final CellActivation activation;

    /** Runs the forward pass of the cell on {@code z} and {@code c}. */
    FloatLstmCell(float[] z, float[] c, int batch, int units, CellActivation gate, CellActivation activation) {
        this.z = z;
        this.c = c;
        this.batch = batch;
        this.units = units;
        this.gate = gate;
        this.activation = activation;
        int u = units;
        gates = new float[batch * 4 * u];
        activate(gate, z, gates, 0, gates.length);
        float[] product = new float[u];
        cNext = new float[batch * u];
        for (int r = 0; r < batch; r++) {
            int zo = r * 4 * u;
            int o = r * u;
            activate(activation, z, gates, zo + 2 * u, zo + 3 * u);
            FloatDispatch.binary(BinaryOp.MULTIPLY, gates, zo + u, c, o, cNext, o, u);
            FloatDispatch.binary(BinaryOp.MULTIPLY, gates, zo, gates, zo + 2 * u, product, 0, u);
            FloatDispatch.binary(BinaryOp.ADD, cNext, o, product, 0, cNext, o, u);
        }
        cellOut = new float[batch * u];
        activate(activation, cNext, cellOut, 0, cellOut.length);
    }

    /** The new cell state {@code c'}. */
    float[] cNext() {
        return cNext;
    }

    /** The new {@code h' = o·act(c')}. */
    float[] h() {
        int u = units;
        float[] h = new float[batch * u];
        for (int r = 0; r < batch; r++) {
            FloatDispatch.binary(BinaryOp.MULTIPLY, gates, r * 4 * u + 3 * u, cellOut, r * u, h, r * u, u);
        }
        return h;
    }

    /**
     * The gradients with respect to {@code z} (into {@code gz}) and {@code c} (into
     * {@code gcPrev}) given those {@code gh}, {@code gc} of {@code h'} and {@code c'}; the
     * formulas of {@link cthulhu.backend.Composites#lstmCellGradient}.
     */
    void backward(float[] gh, float[] gc, float[] gz, float[] gcPrev) {
        int u = units;
        int n = batch * u;
        float[] slopes = new float[gates.length];
        slope(gate, z, gates, slopes, 0, gates.length);
        float[] dc = new float[n];
        slope(activation, cNext, cellOut, dc, 0, n);
        FloatDispatch.binary(BinaryOp.MULTIPLY, dc, 0, gh, 0, dc, 0, n);
        for (int r = 0; r < batch; r++) {
            int zo = r * 4 * u;
            int o = r * u;
            slope(activation, z, gates, slopes, zo + 2 * u, zo + 3 * u);
            FloatDispatch.binary(BinaryOp.MULTIPLY, dc, o, gates, zo + 3 * u, dc, o, u);
        }
        FloatDispatch.binary(BinaryOp.ADD, dc, 0, gc, 0, dc, 0, n);
        for (int r = 0; r < batch; r++) {
            int zo = r * 4 * u;
            int o = r * u;
            chain(dc, o, gates, zo + 2 * u, slopes, zo, gz, zo, u);
            chain(dc, o, c, o, slopes, zo + u, gz, zo + u, u);
            chain(dc, o, gates, zo, slopes, zo + 2 * u, gz, zo + 2 * u, u);
            chain(gh, o, cellOut, o, slopes, zo + 3 * u, gz, zo + 3 * u, u);
            FloatDispatch.binary(BinaryOp.MULTIPLY, dc, o, gates, zo + u, gcPrev, o, u);
        }
    }

    /** {@code out = a·b·s} over {@code n} elements at the given offsets. */
    private static void chain(float[] a, int ao, float[] b, int bo, float[] s, int so, float[] out, int oo, int n) {
        FloatDispatch.binary(BinaryOp.MULTIPLY, a, ao, b, bo, out, oo, n);
        FloatDispatch.binary(BinaryOp.MULTIPLY, out, oo, s, so, out, oo, n);
    }

    /** {@code out[i] = a(x[i])} for {@code i} in {@code [from, to)}. */
    private static void activate(CellActivation a, float[] x, float[] out, int from, int to) {
        switch (a) {
            case SIGMOID -> FloatDispatch.unary(UnaryOp.SIGMOID, x, out, from, to);
            case TANH -> FloatDispatch.unary(UnaryOp.TANH, x, out, from, to);
            case HARD_SIGMOID -> {
                int n = to - from;
                FloatDispatch.binary(BinaryOp.MULTIPLY, x, from, 0.2f, out, from, n);
                FloatDispatch.binary(BinaryOp.ADD, out, from, 0.5f, out, from, n);
                FloatDispatch.binary(BinaryOp.MAXIMUM, out, from, 0f, out, from, n);
                FloatDispatch.binary(BinaryOp.MINIMUM, out, from, 1f, out, from, n);
            }
        }
    }

    /** {@code out[i]} = the slope of {@code a} at {@code x[i]}, where it is {@code y[i]}, for {@code i} in {@code [from, to)}. */
    private static void slope(CellActivation a, float[] x, float[] y, float[] out, int from, int to) {
        int n = to - from;
        switch (a) {
            case SIGMOID -> {
                FloatDispatch.binary(BinaryOp.MULTIPLY, y, from, y, from, out, from, n);
                FloatDispatch.binary(BinaryOp.SUBTRACT, y, from, out, from, out, from, n);
            }
            case TANH -> {
                FloatDispatch.binary(BinaryOp.MULTIPLY, y, from, y, from, out, from, n);
                FloatDispatch.binary(BinaryOp.SUBTRACT, 1f, out, from, out, from, n);
            }
            case HARD_SIGMOID -> {
                // 0.2 inside the open interval (-2.5, 2.5), where |x| < 2.5; 0 outside it and for NaN.
                FloatDispatch.unary(UnaryOp.ABS, x, out, from, to);
                FloatDispatch.binary(BinaryOp.GREATER, 2.5f, out, from, out, from, n);
                FloatDispatch.binary(BinaryOp.MULTIPLY, out, from, 0.2f, out, from, n);
            }
        }
    }
}
