package cthulhu.backend.pure;

/**
 * Matrix multiplication {@code C = op(A) · op(B)} on row-major {@code float[]} in plain Java,
 * used when the vector module is absent.
 *
 * <p>{@code op(B)} is packed in panels of {@value #KC} × {@value #NC} that stay in the L2
 * cache, each panel row its own array; four rows of {@code op(A)} are packed interleaved, and
 * four rows of {@code C} are accumulated in four row arrays, two {@code k} at a time. Every array
 * in the inner loop is indexed from 0, which is what lets the JIT vectorise it (it does not when
 * two arrays are read at different run-time offsets). Large products are split over the cores
 * by rows, or by columns when there are more columns than rows.
 *
 * <p>Template of the double twin: the build generates {@link DoubleGemm}, the same code on
 * {@code double[]} with panels half as wide, from this source (see
 * {@code src/build/java/DoubleTwins.java}).
 */
final class FloatGemm {

    /** Depth of a packed panel. */
    static final int KC = 256;
    /** Width of a packed panel. */
    static final int NC = 512;
    /** Rows of {@code C} updated together. */
    private static final int MR = 4;

    /** Products of fewer multiply-adds ({@code m · n · k}) than this stay on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1 << 21;

    /** Packing buffers of the largest panel, one set per thread, so that no call allocates them. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private FloatGemm() {
    }

    /** One thread's packing buffers and accumulator rows; a smaller panel uses a prefix of each row. */
    private static final class Scratch {
        final float[][] panel = new float[KC][NC];
        final float[] ap = new float[MR * KC];
        final float[][] acc = new float[MR][NC];
    }

    /**
     * Computes the {@code m × n} product of {@code op(A)} ({@code m × k}) and {@code op(B)}
     * ({@code k × n}), where {@code A} is stored {@code k × m} when {@code transA} and
     * {@code B} is stored {@code n × k} when {@code transB}.
     */
    static float[] multiply(float[] a, float[] b, int m, int n, int k, boolean transA, boolean transB) {
        float[] c = new float[m * n];
        if (m == 0 || n == 0 || k == 0) {
            return c;
        }
        int chunks = (long) m * n * k < MIN_PARALLEL_WORK ? 1 : Parallel.threads();
        // Each thread packs its own panels: splitting rows repeats the packing of B (k × n),
        // splitting columns that of A (m × k), so split the longer side.
        if (n > m) {
            Parallel.forChunks(n, chunks, (from, to) -> block(a, 0, b, 0, c, 0, m, n, k, transA, transB, true, 0, m, from, to));
        } else {
            Parallel.forChunks((m + MR - 1) / MR, chunks, (from, to) ->
                    block(a, 0, b, 0, c, 0, m, n, k, transA, transB, true, from * MR, Math.min(m, to * MR), 0, n));
        }
        return c;
    }

    /**
     * Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of {@code C}, adding them to
     * what it holds; the matrices are stored from {@code a[ao]}, {@code b[bo]} and {@code c[co]}.
     * When {@code cZero}, {@code C} holds zeros there and its rows are written without being read.
     */
    static void block(float[] a, int ao, float[] b, int bo, float[] c, int co, int m, int n, int k, boolean transA,
            boolean transB, boolean cZero, int i0, int i1, int j0, int j1) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        Scratch scratch = SCRATCH.get();
        float[][] panel = scratch.panel;
        float[] ap = scratch.ap;
        float[][] acc = scratch.acc;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, bo, n, k, transB, pc, kc, jc, nc, panel);
                for (int i = i0; i < i1; i += MR) {
                    int rows = Math.min(MR, i1 - i);
                    packA(a, ao, m, k, transA, i, rows, pc, kc, ap);
                    for (int r = 0; r < MR; r++) {
                        if (r < rows && !(cZero && pc == 0)) {
                            System.arraycopy(c, co + (i + r) * n + jc, acc[r], 0, nc);
                        } else {
                            java.util.Arrays.fill(acc[r], 0, nc, 0);
                        }
                    }
                    kernel(ap, kc, panel, nc, acc[0], acc[1], acc[2], acc[3]);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(acc[r], 0, c, co + (i + r) * n + jc, nc);
                    }
                }
            }
        }
    }

    /** {@code acc[r][j] += Σ_p ap[p · MR + r] · panel[p][j]} for the four rows {@code r}. */
    private static void kernel(float[] ap, int kc, float[][] panel, int nc, float[] c0, float[] c1, float[] c2, float[] c3) {
        int p = 0;
        for (; p + 1 < kc; p += 2) {
            int q = p * MR;
            float a0 = ap[q];
            float a1 = ap[q + 1];
            float a2 = ap[q + 2];
            float a3 = ap[q + 3];
            float e0 = ap[q + 4];
            float e1 = ap[q + 5];
            float e2 = ap[q + 6];
            float e3 = ap[q + 7];
            float[] b0 = panel[p];
            float[] b1 = panel[p + 1];
            for (int j = 0; j < nc; j++) {
                float v = b0[j];
                float w = b1[j];
                c0[j] = Math.fma(e0, w, Math.fma(a0, v, c0[j]));
                c1[j] = Math.fma(e1, w, Math.fma(a1, v, c1[j]));
                c2[j] = Math.fma(e2, w, Math.fma(a2, v, c2[j]));
                c3[j] = Math.fma(e3, w, Math.fma(a3, v, c3[j]));
            }
        }
        if (p < kc) {
            int q = p * MR;
            float a0 = ap[q];
            float a1 = ap[q + 1];
            float a2 = ap[q + 2];
            float a3 = ap[q + 3];
            float[] b0 = panel[p];
            for (int j = 0; j < nc; j++) {
                float v = b0[j];
                c0[j] = Math.fma(a0, v, c0[j]);
                c1[j] = Math.fma(a1, v, c1[j]);
                c2[j] = Math.fma(a2, v, c2[j]);
                c3[j] = Math.fma(a3, v, c3[j]);
            }
        }
    }

    /**
     * Copies {@code op(A)[i .. i + rows, pc .. pc + kc)}, of {@code A} stored from {@code a[ao]},
     * into {@code ap[p · MR + r]}, zero for missing rows.
     */
    static void packA(float[] a, int ao, int m, int k, boolean transA, int i, int rows, int pc, int kc, float[] ap) {
        for (int r = 0; r < MR; r++) {
            if (r >= rows) {
                for (int p = 0; p < kc; p++) {
                    ap[p * MR + r] = 0;
                }
            } else if (transA) {
                for (int p = 0; p < kc; p++) {
                    ap[p * MR + r] = a[ao + (pc + p) * m + i + r];
                }
            } else {
                int src = ao + (i + r) * k + pc;
                for (int p = 0; p < kc; p++) {
                    ap[p * MR + r] = a[src + p];
                }
            }
        }
    }

    /** Copies {@code op(B)[pc .. pc + kc, jc .. jc + nc)}, of {@code B} stored from {@code b[bo]}, into the rows of {@code panel}. */
    static void packB(float[] b, int bo, int n, int k, boolean transB, int pc, int kc, int jc, int nc, float[][] panel) {
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, bo + (pc + p) * n + jc, panel[p], 0, nc);
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            float[] row = panel[p];
            for (int j = 0; j < nc; j++) {
                row[j] = b[bo + (jc + j) * k + pc + p];
            }
        }
    }
}
