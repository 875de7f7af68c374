package cthulhu.backend.pure;

/** Chooses the matrix-multiplication kernel: the vector-module one when enabled, else plain Java. */
final class Matmul {

    private Matmul() {
    }

    /** {@link VectorFloatGemm#multiply} when {@link VectorSupport#ENABLED}, else {@link FloatGemm#multiply}. */
    static float[] multiply(float[] a, float[] b, int m, int n, int k, boolean transA, boolean transB) {
        return VectorSupport.ENABLED ? VectorFloatGemm.multiply(a, b, m, n, k, transA, transB)
                : FloatGemm.multiply(a, b, m, n, k, transA, transB);
    }

    /** {@link VectorDoubleGemm#multiply} when {@link VectorSupport#ENABLED}, else {@link DoubleGemm#multiply}. */
    static double[] multiply(double[] a, double[] b, int m, int n, int k, boolean transA, boolean transB) {
        return VectorSupport.ENABLED ? VectorDoubleGemm.multiply(a, b, m, n, k, transA, transB)
                : DoubleGemm.multiply(a, b, m, n, k, transA, transB);
    }

    /**
     * {@code C += op(A) · op(B)} on the calling thread, for {@code float[]} or {@code double[]}
     * storage alike: the single-threaded block of the kernel {@link #multiply} would choose. The
     * matrices are stored from {@code a[ao]}, {@code b[bo]} and {@code c[co]}. When {@code cZero},
     * {@code C} holds zeros, and its rows are written without being read first (a fresh array
     * need not come into the cache before it is written).
     */
    static void accumulate(Object a, int ao, Object b, int bo, Object c, int co, int m, int n, int k, boolean transA,
            boolean transB, boolean cZero) {
        if (a instanceof float[] fa) {
            if (VectorSupport.ENABLED) {
                VectorFloatGemm.block(fa, ao, (float[]) b, bo, (float[]) c, co, m, n, k, transA, transB, cZero, 0, m, 0, n);
            } else {
                FloatGemm.block(fa, ao, (float[]) b, bo, (float[]) c, co, m, n, k, transA, transB, cZero, 0, m, 0, n);
            }
        } else if (VectorSupport.ENABLED) {
            VectorDoubleGemm.block((double[]) a, ao, (double[]) b, bo, (double[]) c, co, m, n, k, transA, transB, cZero, 0, m, 0, n);
        } else {
            DoubleGemm.block((double[]) a, ao, (double[]) b, bo, (double[]) c, co, m, n, k, transA, transB, cZero, 0, m, 0, n);
        }
    }
}
