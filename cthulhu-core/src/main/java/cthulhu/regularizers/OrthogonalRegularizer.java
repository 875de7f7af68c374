package cthulhu.regularizers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;
import cthulhu.config.Requirements;

import java.util.Arrays;
import java.util.Map;

/**
 * Keras 3's {@code OrthogonalRegularizer(factor, mode)}: pushes the rows (mode {@code "rows"},
 * the default) or the columns ({@code "columns"}) of a rank-2 weight towards orthogonality. With
 * each row {@code w_i} scaled to {@code w_i / √max(Σ w_i², ε²)} (ε = {@link K#epsilon()}) and
 * {@code n} rows, the penalty is {@code factor · 0.5 · Σ_{i≠j} |ŵ_i · ŵ_j| / (n(n − 1)/2)}, the
 * mean magnitude of the cosines between distinct rows times {@code factor}. Default factor 0.01.
 */
public final class OrthogonalRegularizer implements Regularizer {

    private final double factor;
    private final boolean rows;

    /** Keras's defaults: factor 0.01, rows. */
    public OrthogonalRegularizer() {
        this(0.01, "rows");
    }

    /**
     * @param factor the penalty's factor, a finite number {@code >= 0}
     * @param mode {@code "rows"} or {@code "columns"}
     * @throws IllegalArgumentException for a negative or non-finite factor or another mode
     */
    public OrthogonalRegularizer(double factor, String mode) {
        this.factor = Requirements.nonNegative("OrthogonalRegularizer", "factor", factor);
        if (!"rows".equals(mode) && !"columns".equals(mode)) {
            throw new IllegalArgumentException("OrthogonalRegularizer: mode must be \"rows\" or \"columns\", got " + mode);
        }
        this.rows = mode.equals("rows");
    }

    /** @throws IllegalArgumentException for a weight that is not of rank 2, naming its shape */
    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("OrthogonalRegularizer applies to rank-2 weights, got shape "
                    + Arrays.toString(x.shape()) + "; use it as a Daoloth's kernelRegularizer");
        }
        Tensor vectors = rows ? x : K.transpose(x);
        int n = vectors.dim(0);
        double eps = K.epsilon();
        Tensor unit = K.divide(vectors, K.sqrt(K.maximum(K.sum(K.square(vectors), 1, true), eps * eps)));
        Tensor cosines = K.abs(K.dot(unit, K.transpose(unit)));
        double[] offDiagonal = new double[n * n];
        Arrays.fill(offDiagonal, 1);
        for (int i = 0; i < n; i++) {
            offDiagonal[i * n + i] = 0;
        }
        Tensor total = K.sum(K.multiply(cosines, K.constant(x.dtype(), offDiagonal, n, n)));
        double pairs = n * (n - 1.0) / 2;
        return K.multiply(total, factor * 0.5 / pairs);
    }

    @Override
    public String className() {
        return "OrthogonalRegularizer";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("factor", factor, "mode", rows ? "rows" : "columns");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrthogonalRegularizer r && Double.compare(r.factor, factor) == 0 && r.rows == rows;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(factor) * 31 + Boolean.hashCode(rows);
    }

    @Override
    public String toString() {
        return className() + getConfig();
    }
}
