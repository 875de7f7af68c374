package cthulhu.backend.nd4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products by OpenBLAS's {@code cblas_sgemm} and {@code cblas_dgemm}, called directly on
 * the arrays' native buffers — the routine ND4J's own {@code gemm} ends in. Going through ND4J
 * costs a libnd4j custom op per product: about 15 µs of fixed cost on this kind of machine (which
 * is the whole product for one sample of a small dense layer), native argument pointers whose
 * registration takes JavaCPP's global deallocator lock, and a random UUID drawn from
 * {@code SecureRandom}, which serialises threads serving one model. The direct call allocates
 * nothing and takes no lock of its own.
 */
final class Blas {

    private Blas() {
    }

    /**
     * {@code c ← op(a) · op(b) + beta · c}, with {@code op(a)} of {@code m × k} and {@code op(b)} of
     * {@code k × n}. With {@code beta} 0 the previous contents of {@code c} are never read, so it
     * may be uninitialised. A product with one row or one column runs as {@code gemv}: OpenBLAS's
     * {@code gemm} packs the whole other matrix for it and splits it over threads, and for one
     * sample of a 784 × 512 layer it measured 7 to 30 times slower than {@code gemv}, which
     * streams the matrix once (on a loaded two-core machine).
     *
     * @param a a dense row-major array of {@code m × k} elements ({@code k × m} when {@code transposeA})
     * @param b a dense row-major array of {@code k × n} elements ({@code n × k} when {@code transposeB})
     * @param c a dense row-major array of {@code m × n} elements of the same type, float or double
     * @param k at least 1; {@code m} and {@code n} too
     */
    static void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c,
                     int m, int n, int k, double beta) {
        if (m == 1) {
            // c, one row, is op(b)ᵀ · a: b stored k × n is read transposed, b stored n × k as it is.
            gemv(b, transposeB ? n : k, transposeB ? k : n, !transposeB, a, c, beta);
            return;
        }
        if (n == 1) {
            gemv(a, transposeA ? k : m, transposeA ? m : k, transposeA, b, c, beta);
            return;
        }
        int order = openblas_nolapack.CblasRowMajor;
        int ta = transposeA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transposeB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        // Row-major: the leading dimension is the stored row's length.
        int lda = transposeA ? m : k;
        int ldb = transposeB ? k : n;
        if (c.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(order, ta, tb, m, n, k, 1f, floats(a), lda, floats(b), ldb, (float) beta, floats(c), n);
        } else {
            openblas_nolapack.cblas_dgemm(order, ta, tb, m, n, k, 1.0, doubles(a), lda, doubles(b), ldb, beta, doubles(c), n);
        }
    }

    /**
     * {@code y ← op(matrix) · x + beta · y}, {@code matrix} stored as {@code rows × cols} row-major,
     * {@code x} and {@code y} contiguous vectors of the lengths {@code op(matrix)} takes and gives.
     */
    private static void gemv(INDArray matrix, int rows, int cols, boolean transpose, INDArray x, INDArray y, double beta) {
        int order = openblas_nolapack.CblasRowMajor;
        int t = transpose ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (y.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemv(order, t, rows, cols, 1f, floats(matrix), cols, floats(x), 1, (float) beta, floats(y), 1);
        } else {
            openblas_nolapack.cblas_dgemv(order, t, rows, cols, 1.0, doubles(matrix), cols, doubles(x), 1, beta, doubles(y), 1);
        }
    }

    private static FloatPointer floats(INDArray a) {
        return (FloatPointer) a.data().addressPointer();
    }

    private static DoublePointer doubles(INDArray a) {
        return (DoublePointer) a.data().addressPointer();
    }
}
