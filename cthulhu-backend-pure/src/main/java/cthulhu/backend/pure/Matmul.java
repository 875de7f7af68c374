package cthulhu.backend.pure;

/** Chooses the matrix-multiplication kernel. */
final class Matmul {

    private Matmul() {
    }

    /** {@link FloatGemm#multiply}. */
    static float[] multiply(float[] a, float[] b, int m, int n, int k, boolean transA, boolean transB) {
        return FloatGemm.multiply(a, b, m, n, k, transA, transB);
    }

    /** {@link DoubleGemm#multiply}. */
    static double[] multiply(double[] a, double[] b, int m, int n, int k, boolean transA, boolean transB) {
        return DoubleGemm.multiply(a, b, m, n, k, transA, transB);
    }
}
