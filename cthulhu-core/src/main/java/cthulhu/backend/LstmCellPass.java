package cthulhu.backend;

/**
 * {@link Backend#lstmCell} and {@link Backend#lstmCellGradient} as one loop over Java arrays,
 * for backends whose storage Java can read: each element of the outputs is computed from the
 * four gate pre-activations and the cell state of its unit in one pass, where the composite
 * ({@link Composites#lstmCell}) runs a dozen operations, each a pass over memory and a new tensor.
 *
 * <p>Arrays are row-major: {@code z} and {@code gz} {@code [batch, 4·units]}, the others
 * {@code [batch, units]}. Each element is evaluated in double; float32 rows are widened on the
 * way in and rounded once on the way out. {@code tanh} is computed from {@link Math#exp} (which
 * the JIT compiles to an intrinsic, where {@link Math#tanh} is a library call), within about
 * 1e-16 of the exact value.
 */
public final class LstmCellPass {

    private LstmCellPass() {
    }

    /** {@link Composites#lstmCell} on float64 arrays: fills {@code h} and {@code cNext}. */
    public static void forward(double[] z, double[] c, double[] h, double[] cNext, int batch, int units,
            CellActivation gate, CellActivation activation) {
        for (int n = 0; n < batch; n++) {
            forwardRow(z, n * 4 * units, c, h, cNext, n * units, units, gate, activation);
        }
    }

    /** {@link Composites#lstmCell} on float32 arrays: fills {@code h} and {@code cNext}. */
    public static void forward(float[] z, float[] c, float[] h, float[] cNext, int batch, int units,
            CellActivation gate, CellActivation activation) {
        Rows r = new Rows(units);
        for (int n = 0; n < batch; n++) {
            widen(z, n * 4 * units, r.z);
            widen(c, n * units, r.c);
            forwardRow(r.z, 0, r.c, r.h, r.c2, 0, units, gate, activation);
            narrow(r.h, h, n * units);
            narrow(r.c2, cNext, n * units);
        }
    }

    /**
     * {@link Composites#lstmCellGradient} on float64 arrays: from the gradients {@code gh},
     * {@code gc} of the outputs, fills {@code gz} and {@code gcPrev}.
     */
    public static void backward(double[] z, double[] c, double[] gh, double[] gc, double[] gz, double[] gcPrev,
            int batch, int units, CellActivation gate, CellActivation activation) {
        for (int n = 0; n < batch; n++) {
            backwardRow(z, n * 4 * units, c, gh, gc, gz, gcPrev, n * units, units, gate, activation);
        }
    }

    /**
     * {@link Composites#lstmCellGradient} on float32 arrays: from the gradients {@code gh},
     * {@code gc} of the outputs, fills {@code gz} and {@code gcPrev}.
     */
    public static void backward(float[] z, float[] c, float[] gh, float[] gc, float[] gz, float[] gcPrev,
            int batch, int units, CellActivation gate, CellActivation activation) {
        Rows r = new Rows(units);
        for (int n = 0; n < batch; n++) {
            widen(z, n * 4 * units, r.z);
            widen(c, n * units, r.c);
            widen(gh, n * units, r.h);
            widen(gc, n * units, r.c2);
            backwardRow(r.z, 0, r.c, r.h, r.c2, r.gz, r.gc, 0, units, gate, activation);
            narrow(r.gz, gz, n * 4 * units);
            narrow(r.gc, gcPrev, n * units);
        }
    }

    /** One row's elements in double, for the float32 passes. */
    private static final class Rows {
        final double[] z;
        final double[] gz;
        final double[] c;
        final double[] h;
        final double[] c2;
        final double[] gc;

        Rows(int units) {
            z = new double[4 * units];
            gz = new double[4 * units];
            c = new double[units];
            h = new double[units];
            c2 = new double[units];
            gc = new double[units];
        }
    }

    private static void forwardRow(double[] z, int zo, double[] c, double[] h, double[] cNext, int o, int units,
            CellActivation gate, CellActivation activation) {
        for (int j = 0; j < units; j++) {
            double i = apply(gate, z[zo + j]);
            double f = apply(gate, z[zo + units + j]);
            double g = apply(activation, z[zo + 2 * units + j]);
            double out = apply(gate, z[zo + 3 * units + j]);
            double cn = f * c[o + j] + i * g;
            cNext[o + j] = cn;
            h[o + j] = out * apply(activation, cn);
        }
    }

    private static void backwardRow(double[] z, int zo, double[] c, double[] gh, double[] gc, double[] gz, double[] gcPrev,
            int o, int units, CellActivation gate, CellActivation activation) {
        for (int j = 0; j < units; j++) {
            double zi = z[zo + j];
            double zf = z[zo + units + j];
            double zc = z[zo + 2 * units + j];
            double zq = z[zo + 3 * units + j];
            double i = apply(gate, zi);
            double f = apply(gate, zf);
            double g = apply(activation, zc);
            double out = apply(gate, zq);
            double cp = c[o + j];
            double cn = f * cp + i * g;
            double t = apply(activation, cn);
            double dh = gh[o + j];
            double dc = gc[o + j] + dh * out * slope(activation, cn, t);
            gz[zo + j] = dc * g * slope(gate, zi, i);
            gz[zo + units + j] = dc * cp * slope(gate, zf, f);
            gz[zo + 2 * units + j] = dc * i * slope(activation, zc, g);
            gz[zo + 3 * units + j] = dh * t * slope(gate, zq, out);
            gcPrev[o + j] = dc * f;
        }
    }

    private static double apply(CellActivation a, double x) {
        return switch (a) {
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case HARD_SIGMOID -> Math.min(1, Math.max(0, 0.2 * x + 0.5));
            case TANH -> Math.copySign(1 - 2 / (Math.exp(2 * Math.abs(x)) + 1), x);
        };
    }

    /** The slope of {@code a} at {@code x}, where it takes the value {@code y}. */
    private static double slope(CellActivation a, double x, double y) {
        return switch (a) {
            case SIGMOID -> y * (1 - y);
            case HARD_SIGMOID -> x > -2.5 && x < 2.5 ? 0.2 : 0;
            case TANH -> 1 - y * y;
        };
    }

    private static void widen(float[] from, int offset, double[] to) {
        for (int i = 0; i < to.length; i++) {
            to[i] = from[offset + i];
        }
    }

    private static void narrow(double[] from, float[] to, int offset) {
        for (int i = 0; i < from.length; i++) {
            to[offset + i] = (float) from[i];
        }
    }
}
