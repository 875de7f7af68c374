package cthulhu.regularizers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Requirements;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's L1 and L2 weight penalties: {@code l1 · Σ|x| + l2 · Σx²}. It serializes as Keras 3's
 * {@code L1} ({@code {"l1": …}}) when only {@code l1} is set, {@code L2} when only {@code l2} is,
 * and {@code L1L2} otherwise.
 */
public final class L1L2 implements Regularizer {

    private final double l1;
    private final double l2;

    /**
     * @param l1 the factor of the sum of magnitudes, a finite number {@code >= 0}
     * @param l2 the factor of the sum of squares, a finite number {@code >= 0}
     * @throws IllegalArgumentException naming the argument for a negative or non-finite factor
     */
    public L1L2(double l1, double l2) {
        this.l1 = Requirements.nonNegative("L1L2 regularizer", "l1", l1);
        this.l2 = Requirements.nonNegative("L1L2 regularizer", "l2", l2);
    }

    /** The factor of {@code Σ|x|}. */
    public double l1() {
        return l1;
    }

    /** The factor of {@code Σx²}. */
    public double l2() {
        return l2;
    }

    @Override
    public Tensor apply(Tensor x) {
        Tensor penalty = null;
        if (l1 > 0) {
            penalty = K.multiply(K.sum(K.abs(x)), l1);
        }
        if (l2 > 0) {
            Tensor squares = K.multiply(K.sum(K.square(x)), l2);
            penalty = penalty == null ? squares : K.add(penalty, squares);
        }
        return penalty == null ? K.multiply(K.sum(x), 0) : penalty;
    }

    @Override
    public String className() {
        if (l2 == 0 && l1 > 0) {
            return "L1";
        }
        return l1 == 0 && l2 > 0 ? "L2" : "L1L2";
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        String name = className();
        if (!name.equals("L2")) {
            c.put("l1", l1);
        }
        if (!name.equals("L1")) {
            c.put("l2", l2);
        }
        return c;
    }

    @Override
    public String toString() {
        return className() + getConfig();
    }
}
