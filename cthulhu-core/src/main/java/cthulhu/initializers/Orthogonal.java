package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Sampling;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code Orthogonal}, the default of the recurrent layers' recurrent kernels: a random
 * matrix with orthonormal rows or columns, times {@code gain}.
 *
 * <p>The weight is seen as a matrix of {@code rows = product of all but the last dimension} by
 * {@code cols = last dimension}. A standard normal matrix of {@code max(rows, cols) × min(rows, cols)}
 * is factored {@code QR} with {@code R}'s diagonal positive (so the distribution is uniform over
 * orthogonal matrices); {@code Q}, transposed when {@code rows < cols}, is the result. So
 * {@code Wᵀ·W = gain²·I} when {@code rows >= cols} and {@code W·Wᵀ = gain²·I} otherwise.
 *
 * @param gain the multiplier; default 1
 * @param seed the seed, so that every call gives the same values; null (default) draws a fresh
 *     seed from {@link Seeds} on every call
 */
public record Orthogonal(double gain, Long seed) implements KerasInitializer {

    /** Gain 1, unseeded: Keras's defaults. */
    public Orthogonal() {
        this(1.0, null);
    }

    /**
     * @throws IllegalArgumentException for a weight of rank below 2, naming the shape
     */
    @Override
    public Tensor apply(int... shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("The orthogonal initializer needs a weight of rank 2 or more, got shape "
                    + java.util.Arrays.toString(shape) + "; use another initializer for vectors");
        }
        int cols = shape[shape.length - 1];
        int rows = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            rows *= shape[i];
        }
        int m = Math.max(rows, cols);
        int n = Math.min(rows, cols);
        double[] a = Sampling.normal((long) m * n, 0, 1, seed != null ? seed : Seeds.next());
        double[] q = orthonormalColumns(a, m, n);
        double[] w = new double[rows * cols];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double v = gain * q[i * n + j];
                if (rows >= cols) {
                    w[i * cols + j] = v;
                } else {
                    w[j * cols + i] = v;
                }
            }
        }
        return K.constant(w, shape);
    }

    /**
     * The {@code Q} of the QR factorisation of the row-major {@code m × n} matrix {@code a}
     * ({@code m >= n}) with {@code R}'s diagonal positive, by modified Gram-Schmidt in double.
     */
    private static double[] orthonormalColumns(double[] a, int m, int n) {
        double[] q = a.clone();
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += q[i * n + k] * q[i * n + j];
                }
                for (int i = 0; i < m; i++) {
                    q[i * n + j] -= dot * q[i * n + k];
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += q[i * n + j] * q[i * n + j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) {
                q[i * n + j] /= norm;
            }
        }
        return q;
    }

    @Override
    public String className() {
        return "Orthogonal";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("gain", gain, "seed", seed);
    }
}
