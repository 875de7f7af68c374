package cthulhu.conformance.images;

import java.util.Arrays;

/**
 * Direct-loop convolution and pooling in double precision over channels-last arrays, written
 * from the definitions with no im2col, for the image tests to compare against. A geometry is
 * given per spatial axis: window size, stride, dilation and the padding before and after.
 */
final class ConvReference {

    private ConvReference() {
    }

    /** The geometry of a window over {@code spatial.length} axes. */
    record Geometry(int[] size, int[] strides, int[] dilation, int[] before, int[] after) {

        int rank() {
            return size.length;
        }

        int[] out(int[] spatial) {
            int[] out = new int[spatial.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (spatial[i] + before[i] + after[i] - (size[i] - 1) * dilation[i] - 1) / strides[i] + 1;
            }
            return out;
        }

        /** The input position of tap {@code k} for output {@code o} along axis {@code i}, possibly outside. */
        int at(int i, int o, int k) {
            return o * strides[i] + k * dilation[i] - before[i];
        }
    }

    static int product(int[] xs) {
        int n = 1;
        for (int x : xs) {
            n *= x;
        }
        return n;
    }

    /** Row-major multi-index of flat index {@code j} in {@code shape}. */
    static int[] index(int j, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = j % shape[i];
            j /= shape[i];
        }
        return idx;
    }

    /** The flat spatial index of {@code pos} in {@code spatial}, or -1 when outside. */
    static int flat(int[] pos, int[] spatial) {
        int j = 0;
        for (int i = 0; i < pos.length; i++) {
            if (pos[i] < 0 || pos[i] >= spatial[i]) {
                return -1;
            }
            j = j * spatial[i] + pos[i];
        }
        return j;
    }

    /** Receives one tap of one window: batch {@code b}, output position {@code o}, tap {@code t}, input position {@code src}. */
    @FunctionalInterface
    interface Tap {
        void visit(int b, int o, int t, int src);
    }

    /** Visits every tap of every window that falls inside the input, in row-major window order. */
    static void sweep(int n, int[] spatial, Geometry g, Tap tap) {
        int[] out = g.out(spatial);
        int sOut = product(out);
        int taps = product(g.size());
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < sOut; o++) {
                int[] oi = index(o, out);
                for (int t = 0; t < taps; t++) {
                    int[] k = index(t, g.size());
                    int[] pos = new int[g.rank()];
                    for (int i = 0; i < pos.length; i++) {
                        pos[i] = g.at(i, oi[i], k[i]);
                    }
                    int src = flat(pos, spatial);
                    if (src >= 0) {
                        tap.visit(b, o, t, src);
                    }
                }
            }
        }
    }

    /** {@code y[b, o, co] = Σ x[b, o·s + k·d − p, ci] · w[k, ci, co]}; x {@code (n, spatial, cin)}, w {@code (size, cin, cout)}. */
    static double[] conv(double[] x, int n, int[] spatial, int cin, double[] w, int cout, Geometry g) {
        int sIn = product(spatial);
        int sOut = product(g.out(spatial));
        double[] y = new double[n * sOut * cout];
        sweep(n, spatial, g, (b, o, t, src) -> {
            for (int ci = 0; ci < cin; ci++) {
                for (int co = 0; co < cout; co++) {
                    y[(b * sOut + o) * cout + co] += x[(b * sIn + src) * cin + ci] * w[(t * cin + ci) * cout + co];
                }
            }
        });
        return y;
    }

    /** The adjoint of {@link #conv} in x: {@code dx[b, i, ci] = Σ gy[b, o, co] · w[k, ci, co]} over {@code o·s + k·d − p = i}. */
    static double[] convTranspose(double[] gy, int n, int[] spatial, int cin, double[] w, int cout, Geometry g) {
        int sIn = product(spatial);
        int sOut = product(g.out(spatial));
        double[] dx = new double[n * sIn * cin];
        sweep(n, spatial, g, (b, o, t, src) -> {
            for (int ci = 0; ci < cin; ci++) {
                for (int co = 0; co < cout; co++) {
                    dx[(b * sIn + src) * cin + ci] += gy[(b * sOut + o) * cout + co] * w[(t * cin + ci) * cout + co];
                }
            }
        });
        return dx;
    }

    /** The adjoint of {@link #conv} in w: {@code dw[k, ci, co] = Σ x[b, o·s + k·d − p, ci] · gy[b, o, co]}. */
    static double[] convKernelGradient(double[] x, int n, int[] spatial, int cin, double[] gy, int cout, Geometry g) {
        int sIn = product(spatial);
        int sOut = product(g.out(spatial));
        double[] dw = new double[product(g.size()) * cin * cout];
        sweep(n, spatial, g, (b, o, t, src) -> {
            for (int ci = 0; ci < cin; ci++) {
                for (int co = 0; co < cout; co++) {
                    dw[(t * cin + ci) * cout + co] += x[(b * sIn + src) * cin + ci] * gy[(b * sOut + o) * cout + co];
                }
            }
        });
        return dw;
    }

    /** Max ({@code max = true}) or average pooling; padding never wins a max and is never counted in an average. */
    static double[] pool(boolean max, double[] x, int n, int[] spatial, int c, Geometry g) {
        int sIn = product(spatial);
        int sOut = product(g.out(spatial));
        double[] y = new double[n * sOut * c];
        int[] count = new int[n * sOut];
        java.util.Arrays.fill(y, max ? Double.NEGATIVE_INFINITY : 0);
        sweep(n, spatial, g, (b, o, t, src) -> {
            count[b * sOut + o]++;
            for (int ch = 0; ch < c; ch++) {
                int j = (b * sOut + o) * c + ch;
                double v = x[(b * sIn + src) * c + ch];
                y[j] = max ? Math.max(y[j], v) : y[j] + v;
            }
        });
        if (!max) {
            for (int j = 0; j < y.length; j++) {
                y[j] /= count[j / c];
            }
        }
        return y;
    }

    /** {@code (n, spatial…, c)} as an array. */
    static int[] shape(int n, int[] spatial, int c) {
        int[] s = Arrays.copyOf(new int[] {n}, spatial.length + 2);
        System.arraycopy(spatial, 0, s, 1, spatial.length);
        s[s.length - 1] = c;
        return s;
    }
}
