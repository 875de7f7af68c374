package cthulhu.backend.pure;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix multiplication {@code C = op(A) · op(B)} on row-major {@code float[]} with the JDK
 * vector module; loaded only when {@link VectorSupport#ENABLED}.
 *
 * <p>The classic packed layout for {@code B}: {@code op(B)} is packed in panels of at most
 * {@value #KC} × {@value #NC}, cut into slivers {@code NR} (two vectors) wide. {@code op(A)} is
 * taken {@value #MR} rows at a time, read in place when it is stored row-major, else (and for a
 * last sliver of fewer rows, zero-padded) copied row-major first. {@code B} is packed even when
 * it is read by a few rows only: the micro-kernel steps through {@code k} one element at a time
 * and through a packed sliver by the constant {@code NR}, so that the JIT checks all its loads'
 * bounds once per call rather than at every step, which reading {@code B} in place at a run-time
 * stride did not allow. The micro-kernel keeps an {@code MR × NR} tile of {@code C} in sixteen
 * vector registers and, for each {@code k}, loads two vectors of the {@code B} sliver,
 * broadcasts each of the {@code MR} values of the {@code A} sliver and issues sixteen fused
 * multiply-adds. Large products are split over the cores by rows (or by columns when there are
 * more columns than rows); each thread packs its own panels.
 *
 * <p>Template of the double twin: the build generates {@link VectorDoubleGemm}, the same code on
 * {@code double[]} with panels half as wide, from this source (see
 * {@code src/build/java/DoubleTwins.java}).
 */
final class VectorFloatGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    /** Greatest depth of a packed panel; the depth is split into panels of equal depth. */
    static final int KC = 320;
    /** Width of a packed panel. */
    static final int NC = 512;

    /** Products of fewer multiply-adds ({@code m · n · k}) than this stay on the calling thread. */
    private static final long MIN_PARALLEL_WORK = 1 << 21;

    /** Packing buffers of the largest panel, one set per thread, so that no call allocates them. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorFloatGemm() {
    }

    /** One thread's packing buffers. */
    private static final class Scratch {
        final float[] bp = new float[KC * ((NC + NR - 1) / NR) * NR];
        final float[] ap = new float[KC * MR];
        final float[] tile = new float[MR * NR];
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
            Parallel.forChunks((n + NR - 1) / NR, chunks, (from, to) ->
                    block(a, 0, b, 0, c, 0, m, n, k, transA, transB, true, 0, m, from * NR, Math.min(n, to * NR)));
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
        float[] bp = scratch.bp;
        float[] ap = scratch.ap;
        float[] tile = scratch.tile;
        // A panel as deep as KC allows but no deeper than needed spares a shallow last panel
        // its own pass over C.
        int panels = (k + KC - 1) / KC;
        int depth = (k + panels - 1) / panels;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += depth) {
                int kc = Math.min(depth, k - pc);
                packB(b, bo, n, k, transB, pc, kc, jc, nc, bp);
                for (int i = i0; i < i1; i += MR) {
                    int rows = Math.min(MR, i1 - i);
                    float[] as = a;
                    int aoff = ao + i * k + pc;
                    int lda = k;
                    if (transA || rows < MR) {
                        packA(a, ao, m, k, transA, i, rows, pc, kc, ap);
                        as = ap;
                        aoff = 0;
                        lda = kc;
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        kernel(as, aoff, lda, bp, jr * kc, kc, tile);
                        flush(tile, c, co + i * n + jc + jr, n, rows, Math.min(NR, nc - jr), cZero && pc == 0);
                    }
                }
            }
        }
    }

    /**
     * {@code tile[r · NR + j] = Σ_p a[aoff + r · lda + p] · bp[boff + p · NR + j]}. The
     * tile goes through memory rather than straight into {@code C} so that this method stays
     * small enough for the JIT to keep all sixteen accumulators in registers. Every index is
     * the loop counter times a constant plus a value fixed for the loop, a form whose bounds
     * the JIT checks once before the loop rather than at each step.
     */
    private static void kernel(float[] a, int aoff, int lda, float[] bp, int boff, int kc, float[] tile) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero;
        FloatVector c01 = zero;
        FloatVector c10 = zero;
        FloatVector c11 = zero;
        FloatVector c20 = zero;
        FloatVector c21 = zero;
        FloatVector c30 = zero;
        FloatVector c31 = zero;
        FloatVector c40 = zero;
        FloatVector c41 = zero;
        FloatVector c50 = zero;
        FloatVector c51 = zero;
        FloatVector c60 = zero;
        FloatVector c61 = zero;
        FloatVector c70 = zero;
        FloatVector c71 = zero;
        for (int p = 0; p < kc; p++) {
            int bo = boff + p * NR;
            int ao = aoff + p;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector v;
            v = FloatVector.broadcast(S, a[ao]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[ao + 1 * lda]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[ao + 2 * lda]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[ao + 3 * lda]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[ao + 4 * lda]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[ao + 5 * lda]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, a[ao + 6 * lda]);
            c60 = v.fma(b0, c60);
            c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, a[ao + 7 * lda]);
            c70 = v.fma(b0, c70);
            c71 = v.fma(b1, c71);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * {@code C[r, j] += tile[r · NR + j]} for {@code r < rows}, {@code j < cols}, {@code C[r, j]}
     * at {@code c[coff + r · ldc + j]}; {@code C[r, j] = tile[r · NR + j]} when {@code store}.
     */
    private static void flush(float[] tile, float[] c, int coff, int ldc, int rows, int cols, boolean store) {
        if (cols == NR) {
            for (int r = 0; r < rows; r++) {
                int row = coff + r * ldc;
                for (int v = 0; v < NR; v += L) {
                    FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                    (store ? t : t.add(FloatVector.fromArray(S, c, row + v))).intoArray(c, row + v);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = coff + r * ldc;
            for (int j = 0; j < cols; j++) {
                c[row + j] = store ? tile[r * NR + j] : c[row + j] + tile[r * NR + j];
            }
        }
    }

    /**
     * Packs {@code op(A)[i .. i + rows, pc .. pc + kc)}, of {@code A} stored from {@code a[ao]},
     * row-major as {@code ap[r · kc + p]}, zero for missing rows.
     */
    private static void packA(float[] a, int ao, int m, int k, boolean transA, int i, int rows, int pc, int kc, float[] ap) {
        if (rows < MR) {
            java.util.Arrays.fill(ap, rows * kc, MR * kc, 0);
        }
        if (!transA) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(a, ao + (i + r) * k + pc, ap, r * kc, kc);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int src = ao + pc * m + i + r;
            int dst = r * kc;
            for (int p = 0; p < kc; p++) {
                ap[dst + p] = a[src + p * m];
            }
        }
    }

    /**
     * Packs {@code op(B)[pc .. pc + kc, jc .. jc + nc)}, of {@code B} stored from {@code b[bo]}, in
     * slivers of {@code NR} columns: column {@code j} of row {@code p} at
     * {@code (j / NR) · kc · NR + p · NR + j % NR}, zero past {@code nc}.
     */
    private static void packB(float[] b, int bo, int n, int k, boolean transB, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (cols < NR) {
                java.util.Arrays.fill(bp, base, base + kc * NR, 0);
            }
            if (!transB && cols == NR) {
                // Two vectors a row: a call of System.arraycopy costs more than so short a copy.
                for (int p = 0; p < kc; p++) {
                    int src = bo + (pc + p) * n + jc + jr;
                    int dst = base + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else if (!transB) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bo + (pc + p) * n + jc + jr, bp, base + p * NR, cols);
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    int src = bo + (jc + jr + j) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = b[src + p];
                    }
                }
            }
        }
    }
}
