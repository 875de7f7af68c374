package cthulhu.backend.pure;

import cthulhu.backend.ReduceOp;

/**
 * Reductions of a tensor viewed as {@code outer × len × inner} along its middle axis, split
 * over the cores when large: by outer slices when there are enough of them, else by inner
 * columns, else by chunks of the reduced axis whose partial results are combined in order.
 */
final class Reductions {

    private Reductions() {
    }

    /**
     * Reduces {@code x} (exactly one of {@code xf}, {@code xd} non-null) into {@code out}
     * ({@code of} or {@code od}, {@code outer × inner} elements).
     */
    static void reduce(ReduceOp op, float[] xf, double[] xd, int outer, int len, int inner, float[] of, double[] od) {
        reduce(op, xf, xd, outer, len, inner, of, od, Parallel.threads());
    }

    /** {@link #reduce(ReduceOp, float[], double[], int, int, int, float[], double[])} with at most {@code maxThreads} threads. */
    static void reduce(ReduceOp op, float[] xf, double[] xd, int outer, int len, int inner, float[] of, double[] od,
            int maxThreads) {
        long work = (long) outer * len * inner;
        int threads = work < Parallel.ELEMENT_THRESHOLD ? 1 : maxThreads;
        int slice = len * inner;
        if (threads <= 1 || outer >= threads) {
            Parallel.forChunks(outer, Math.max(threads, 1), (from, to) -> {
                for (int o = from; o < to; o++) {
                    block(op, xf, xd, o * slice, inner, len, inner, of, od, o * inner);
                }
            });
        } else if (inner >= threads * 64) {
            for (int o = 0; o < outer; o++) {
                int base = o * slice;
                int dst = o * inner;
                Parallel.forChunks(inner, threads, (j0, j1) ->
                        block(op, xf, xd, base + j0, inner, len, j1 - j0, of, od, dst + j0));
            }
        } else {
            int chunks = Math.min(threads, len);
            float[] pf = xf != null ? new float[chunks * inner] : null;
            double[] pd = xd != null ? new double[chunks * inner] : null;
            for (int o = 0; o < outer; o++) {
                int base = o * slice;
                Parallel.forChunks(chunks, chunks, (c0, c1) -> {
                    for (int c = c0; c < c1; c++) {
                        int k0 = (int) ((long) len * c / chunks);
                        int k1 = (int) ((long) len * (c + 1) / chunks);
                        block(op, xf, xd, base + k0 * inner, inner, k1 - k0, inner, pf, pd, c * inner);
                    }
                });
                block(op, pf, pd, 0, inner, chunks, inner, of, od, o * inner);
            }
        }
    }

    private static void block(ReduceOp op, float[] xf, double[] xd, int base, int stride, int count, int width,
            float[] of, double[] od, int dst) {
        if (xf != null) {
            FloatDispatch.reduce(op, xf, base, stride, count, width, of, dst);
        } else {
            DoubleDispatch.reduce(op, xd, base, stride, count, width, od, dst);
        }
    }
}
