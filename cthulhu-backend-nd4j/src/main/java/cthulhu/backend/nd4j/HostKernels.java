package cthulhu.backend.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.function.DoubleUnaryOperator;

/**
 * Element-wise maps computed on the CPU in Java, straight over the native buffers, for the
 * functions whose ND4J kernels are not accurate enough: libnd4j computes {@code expm1} as
 * {@code exp(x) - 1} and {@code log1p} as {@code log(1 + x)} (all digits lost for tiny
 * {@code |x|}; in float32 {@code expm1(1e-10)} is 0), its ELU inherits that, and its softplus
 * {@code log(1 + e^x)} overflows to infinity for {@code x > 88} in float32; its tanh loses
 * relative accuracy near 0 (tanh(1e-30) is 0; at 1e-4 the float32 error is 3e-5). Each map is
 * evaluated in double with {@link Math} and rounded once to the array's type; one pass, no extra
 * copy.
 */
final class HostKernels {

    private HostKernels() {
    }

    /**
     * A new array of the shape and type of {@code x} holding {@code f} of each element.
     *
     * @param x a dense row-major array spanning its whole buffer, not empty
     */
    static INDArray map(INDArray x, DoubleUnaryOperator f) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        int n = Math.toIntExact(x.length());
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer in = x.data().asNioFloat();
            FloatBuffer dst = out.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                dst.put(i, (float) f.applyAsDouble(in.get(i)));
            }
        } else {
            DoubleBuffer in = x.data().asNioDouble();
            DoubleBuffer dst = out.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                dst.put(i, f.applyAsDouble(in.get(i)));
            }
        }
        return out;
    }

    /**
     * Recomputes {@code out[i] = f(x[i])} on the host wherever {@code |x[i]| < bound}, leaving the
     * other elements of {@code out} as the native kernel wrote them.
     *
     * @param x the input, a dense row-major array spanning its whole buffer, not empty
     * @param out an array of the same shape and type
     */
    static void refineNearZero(INDArray x, INDArray out, double bound, DoubleUnaryOperator f) {
        int n = Math.toIntExact(x.length());
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer in = x.data().asNioFloat();
            FloatBuffer dst = out.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                float v = in.get(i);
                if (Math.abs(v) < bound) {
                    dst.put(i, (float) f.applyAsDouble(v));
                }
            }
        } else {
            DoubleBuffer in = x.data().asNioDouble();
            DoubleBuffer dst = out.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                double v = in.get(i);
                if (Math.abs(v) < bound) {
                    dst.put(i, f.applyAsDouble(v));
                }
            }
        }
    }

    /**
     * The index of the largest element along {@code axis} of row-major {@code values} of the given
     * shape, NumPy's way: the first on ties, and the first NaN when the slice holds one.
     */
    static double[] argmax(double[] values, int[] shape, int axis) {
        int length = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = values.length / (length * inner);
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * length * inner + j;
                double best = values[base];
                int index = 0;
                for (int k = 1; k < length && !Double.isNaN(best); k++) {
                    double v = values[base + k * inner];
                    if (v > best || Double.isNaN(v)) {
                        best = v;
                        index = k;
                    }
                }
                out[o * inner + j] = index;
            }
        }
        return out;
    }

    /** Softplus {@code max(x, 0) + log1p(e^-|x|)}, the form of {@code Composites.softplus}. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
