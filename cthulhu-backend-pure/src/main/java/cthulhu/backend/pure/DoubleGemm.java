package cthulhu.backend.pure;

/**
 * Matrix multiplication {@code C = op(A) · op(B)} on row-major {@code double[]} in plain Java,
 * for when the vector module is absent. {@code op(B)} is packed in panels of
 * {@value #KC} × {@value #NC} that stay in the L2 cache; each row of {@code C} is updated four
 * {@code k} at a time by one fused multiply-add chain per element, a loop the JIT vectorises.
 * Large products are split over the cores by rows (or by columns when there are few rows).
 */
final class DoubleGemm {

    /** Depth of a packed panel. */
    static final int KC = 256;
    /** Width of a packed panel. */
    static final int NC = 256;

    private DoubleGemm() {
    }

    /**
     * Computes the {@code m × n} product of {@code op(A)} ({@code m × k}) and {@code op(B)}
     * ({@code k × n}), where {@code A} is stored {@code k × m} when {@code transA} and
     * {@code B} is stored {@code n × k} when {@code transB}.
     */
    static double[] multiply(double[] a, double[] b, int m, int n, int k, boolean transA, boolean transB) {
        double[] c = new double[m * n];
        if (m == 0 || n == 0 || k == 0) {
            return c;
        }
        long work = (long) m * n * k;
        int chunks = work < (1 << 18) ? 1 : Parallel.threads();
        if (m >= n || m >= 64 * chunks) {
            Parallel.forChunks(m, chunks, (from, to) -> block(a, b, c, m, n, k, transA, transB, from, to, 0, n));
        } else {
            Parallel.forChunks(n, chunks, (from, to) -> block(a, b, c, m, n, k, transA, transB, 0, m, from, to));
        }
        return c;
    }

    /** Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of {@code C}. */
    static void block(double[] a, double[] b, double[] c, int m, int n, int k, boolean transA, boolean transB,
            int i0, int i1, int j0, int j1) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        int width = Math.min(NC, j1 - j0);
        double[] panel = new double[Math.min(KC, k) * width];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                pack(b, n, k, transB, pc, kc, jc, nc, panel);
                for (int i = i0; i < i1; i++) {
                    row(a, m, k, transA, i, pc, kc, panel, nc, c, i * n + jc);
                }
            }
        }
    }

    /** Copies {@code op(B)[pc .. pc + kc, jc .. jc + nc)} row-major into {@code panel}. */
    private static void pack(double[] b, int n, int k, boolean transB, int pc, int kc, int jc, int nc, double[] panel) {
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, (pc + p) * n + jc, panel, p * nc, nc);
            }
            return;
        }
        for (int j = 0; j < nc; j++) {
            int src = (jc + j) * k + pc;
            for (int p = 0; p < kc; p++) {
                panel[p * nc + j] = b[src + p];
            }
        }
    }

    /** {@code C[i, jc .. jc + nc) += op(A)[i, pc .. pc + kc) · panel}. */
    private static void row(double[] a, int m, int k, boolean transA, int i, int pc, int kc, double[] panel, int nc,
            double[] c, int co) {
        int astep = transA ? m : 1;
        int abase = transA ? pc * m + i : i * k + pc;
        int p = 0;
        for (; p + 3 < kc; p += 4) {
            double a0 = a[abase + p * astep];
            double a1 = a[abase + (p + 1) * astep];
            double a2 = a[abase + (p + 2) * astep];
            double a3 = a[abase + (p + 3) * astep];
            int b0 = p * nc;
            int b1 = b0 + nc;
            int b2 = b1 + nc;
            int b3 = b2 + nc;
            for (int j = 0; j < nc; j++) {
                c[co + j] = Math.fma(a3, panel[b3 + j], Math.fma(a2, panel[b2 + j],
                        Math.fma(a1, panel[b1 + j], Math.fma(a0, panel[b0 + j], c[co + j]))));
            }
        }
        for (; p < kc; p++) {
            double a0 = a[abase + p * astep];
            int b0 = p * nc;
            for (int j = 0; j < nc; j++) {
                c[co + j] = Math.fma(a0, panel[b0 + j], c[co + j]);
            }
        }
    }
}
