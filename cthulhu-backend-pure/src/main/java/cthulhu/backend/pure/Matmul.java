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
}
