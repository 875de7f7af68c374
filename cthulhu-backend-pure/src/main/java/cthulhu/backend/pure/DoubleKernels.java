package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.PoolOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;

/**
 * The element-wise, binary and reduction loops on {@code double[]}. Each operation has its own
 * plain counted loop with the operation chosen outside it, so the JIT can unroll and vectorise
 * it; nothing is boxed or allocated per element. Comparisons pick 1 or 0 as an {@code int}: the
 * JIT turns an int select into a conditional move but a floating-point one into a branch, which
 * random data mispredicts. {@link FloatKernels} holds the same loops on {@code float[]}: keep the
 * two identical but for the element type.
 */
final class DoubleKernels {

    private DoubleKernels() {
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, double[] x, double[] out, int from, int to) {
        switch (op) {
            case NEGATE:
                for (int i = from; i < to; i++) {
                    out[i] = -x[i];
                }
                break;
            case ABS:
                for (int i = from; i < to; i++) {
                    out[i] = Math.abs(x[i]);
                }
                break;
            case EXP:
                for (int i = from; i < to; i++) {
                    out[i] = Math.exp(x[i]);
                }
                break;
            case EXPM1:
                for (int i = from; i < to; i++) {
                    out[i] = Math.expm1(x[i]);
                }
                break;
            case LOG:
                for (int i = from; i < to; i++) {
                    out[i] = Math.log(x[i]);
                }
                break;
            case LOG1P:
                for (int i = from; i < to; i++) {
                    out[i] = Math.log1p(x[i]);
                }
                break;
            case SQRT:
                for (int i = from; i < to; i++) {
                    out[i] = Math.sqrt(x[i]);
                }
                break;
            case SQUARE:
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    out[i] = v * v;
                }
                break;
            case SIGN:
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    // NaN fails both comparisons and is passed through; ±0 become +0.
                    out[i] = v > 0 ? 1 : v < 0 ? -1 : v == v ? 0 : v;
                }
                break;
            case TANH:
                for (int i = from; i < to; i++) {
                    out[i] = Math.tanh(x[i]);
                }
                break;
            case SIGMOID:
                for (int i = from; i < to; i++) {
                    out[i] = DoubleKernels.sigmoid(x[i]);
                }
                break;
            case RECIPROCAL:
                for (int i = from; i < to; i++) {
                    out[i] = 1 / x[i];
                }
                break;
            case ERF:
                for (int i = from; i < to; i++) {
                    out[i] = ErrorFunction.erf(x[i]);
                }
                break;
            default:
                throw new IllegalArgumentException("Unknown unary operation " + op);
        }
    }

    /**
     * The logistic function without overflow: {@code e^x} is only ever taken of a non-positive
     * argument, so neither branch divides infinity by infinity and the tail keeps its relative
     * accuracy.
     */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** {@code out[i] = op(a[i], b[i])} for {@code i} in {@code [from, to)}. */
    static void binary(BinaryOp op, double[] a, double[] b, double[] out, int from, int to) {
        switch (op) {
            case ADD:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] + b[i];
                }
                break;
            case SUBTRACT:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] - b[i];
                }
                break;
            case MULTIPLY:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] * b[i];
                }
                break;
            case DIVIDE:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] / b[i];
                }
                break;
            case POW:
                for (int i = from; i < to; i++) {
                    out[i] = Math.pow(a[i], b[i]);
                }
                break;
            case MAXIMUM:
                for (int i = from; i < to; i++) {
                    out[i] = Math.max(a[i], b[i]);
                }
                break;
            case MINIMUM:
                for (int i = from; i < to; i++) {
                    out[i] = Math.min(a[i], b[i]);
                }
                break;
            case GREATER:
                for (int i = from; i < to; i++) {
                    int t = a[i] > b[i] ? 1 : 0;
                    out[i] = t;
                }
                break;
            case GREATER_EQUAL:
                for (int i = from; i < to; i++) {
                    int t = a[i] >= b[i] ? 1 : 0;
                    out[i] = t;
                }
                break;
            case EQUAL:
                for (int i = from; i < to; i++) {
                    int t = a[i] == b[i] ? 1 : 0;
                    out[i] = t;
                }
                break;
            default:
                throw new IllegalArgumentException("Unknown binary operation " + op);
        }
    }

    /** {@code out[i] = op(a[i], s)} for {@code i} in {@code [from, to)}. */
    static void binary(BinaryOp op, double[] a, double s, double[] out, int from, int to) {
        switch (op) {
            case ADD:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] + s;
                }
                break;
            case SUBTRACT:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] - s;
                }
                break;
            case MULTIPLY:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] * s;
                }
                break;
            case DIVIDE:
                for (int i = from; i < to; i++) {
                    out[i] = a[i] / s;
                }
                break;
            case POW:
                for (int i = from; i < to; i++) {
                    out[i] = Math.pow(a[i], s);
                }
                break;
            case MAXIMUM:
                for (int i = from; i < to; i++) {
                    out[i] = Math.max(a[i], s);
                }
                break;
            case MINIMUM:
                for (int i = from; i < to; i++) {
                    out[i] = Math.min(a[i], s);
                }
                break;
            case GREATER:
                for (int i = from; i < to; i++) {
                    int t = a[i] > s ? 1 : 0;
                    out[i] = t;
                }
                break;
            case GREATER_EQUAL:
                for (int i = from; i < to; i++) {
                    int t = a[i] >= s ? 1 : 0;
                    out[i] = t;
                }
                break;
            case EQUAL:
                for (int i = from; i < to; i++) {
                    int t = a[i] == s ? 1 : 0;
                    out[i] = t;
                }
                break;
            default:
                throw new IllegalArgumentException("Unknown binary operation " + op);
        }
    }

    /** {@code out[i] = op(s, b[i])} for {@code i} in {@code [from, to)}. */
    static void binary(BinaryOp op, double s, double[] b, double[] out, int from, int to) {
        switch (op) {
            case ADD:
                for (int i = from; i < to; i++) {
                    out[i] = s + b[i];
                }
                break;
            case SUBTRACT:
                for (int i = from; i < to; i++) {
                    out[i] = s - b[i];
                }
                break;
            case MULTIPLY:
                for (int i = from; i < to; i++) {
                    out[i] = s * b[i];
                }
                break;
            case DIVIDE:
                for (int i = from; i < to; i++) {
                    out[i] = s / b[i];
                }
                break;
            case POW:
                for (int i = from; i < to; i++) {
                    out[i] = Math.pow(s, b[i]);
                }
                break;
            case MAXIMUM:
                for (int i = from; i < to; i++) {
                    out[i] = Math.max(s, b[i]);
                }
                break;
            case MINIMUM:
                for (int i = from; i < to; i++) {
                    out[i] = Math.min(s, b[i]);
                }
                break;
            case GREATER:
                for (int i = from; i < to; i++) {
                    int t = s > b[i] ? 1 : 0;
                    out[i] = t;
                }
                break;
            case GREATER_EQUAL:
                for (int i = from; i < to; i++) {
                    int t = s >= b[i] ? 1 : 0;
                    out[i] = t;
                }
                break;
            case EQUAL:
                for (int i = from; i < to; i++) {
                    int t = s == b[i] ? 1 : 0;
                    out[i] = t;
                }
                break;
            default:
                throw new IllegalArgumentException("Unknown binary operation " + op);
        }
    }

    /** {@code out[oo + i] = op(a[ao + i], b[bo + i])} for {@code i} in {@code [0, n)}. */
    static void binaryAt(BinaryOp op, double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] + b[bo + i];
                }
                break;
            case SUBTRACT:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] - b[bo + i];
                }
                break;
            case MULTIPLY:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] * b[bo + i];
                }
                break;
            case DIVIDE:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] / b[bo + i];
                }
                break;
            case POW:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.pow(a[ao + i], b[bo + i]);
                }
                break;
            case MAXIMUM:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.max(a[ao + i], b[bo + i]);
                }
                break;
            case MINIMUM:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.min(a[ao + i], b[bo + i]);
                }
                break;
            case GREATER:
                for (int i = 0; i < n; i++) {
                    int t = a[ao + i] > b[bo + i] ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            case GREATER_EQUAL:
                for (int i = 0; i < n; i++) {
                    int t = a[ao + i] >= b[bo + i] ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            case EQUAL:
                for (int i = 0; i < n; i++) {
                    int t = a[ao + i] == b[bo + i] ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            default:
                throw new IllegalArgumentException("Unknown binary operation " + op);
        }
    }

    /** {@code out[oo + i] = op(a[ao + i], s)} for {@code i} in {@code [0, n)}. */
    static void binaryAt(BinaryOp op, double[] a, int ao, double s, double[] out, int oo, int n) {
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] + s;
                }
                break;
            case SUBTRACT:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] - s;
                }
                break;
            case MULTIPLY:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] * s;
                }
                break;
            case DIVIDE:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] / s;
                }
                break;
            case POW:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.pow(a[ao + i], s);
                }
                break;
            case MAXIMUM:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.max(a[ao + i], s);
                }
                break;
            case MINIMUM:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.min(a[ao + i], s);
                }
                break;
            case GREATER:
                for (int i = 0; i < n; i++) {
                    int t = a[ao + i] > s ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            case GREATER_EQUAL:
                for (int i = 0; i < n; i++) {
                    int t = a[ao + i] >= s ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            case EQUAL:
                for (int i = 0; i < n; i++) {
                    int t = a[ao + i] == s ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            default:
                throw new IllegalArgumentException("Unknown binary operation " + op);
        }
    }

    /** {@code out[oo + i] = op(s, b[bo + i])} for {@code i} in {@code [0, n)}. */
    static void binaryAt(BinaryOp op, double s, double[] b, int bo, double[] out, int oo, int n) {
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = s + b[bo + i];
                }
                break;
            case SUBTRACT:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = s - b[bo + i];
                }
                break;
            case MULTIPLY:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = s * b[bo + i];
                }
                break;
            case DIVIDE:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = s / b[bo + i];
                }
                break;
            case POW:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.pow(s, b[bo + i]);
                }
                break;
            case MAXIMUM:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.max(s, b[bo + i]);
                }
                break;
            case MINIMUM:
                for (int i = 0; i < n; i++) {
                    out[oo + i] = Math.min(s, b[bo + i]);
                }
                break;
            case GREATER:
                for (int i = 0; i < n; i++) {
                    int t = s > b[bo + i] ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            case GREATER_EQUAL:
                for (int i = 0; i < n; i++) {
                    int t = s >= b[bo + i] ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            case EQUAL:
                for (int i = 0; i < n; i++) {
                    int t = s == b[bo + i] ? 1 : 0;
                    out[oo + i] = t;
                }
                break;
            default:
                throw new IllegalArgumentException("Unknown binary operation " + op);
        }
    }

    /**
     * The plain rectifier {@code out[i] = x[i] > 0 ? x[i] : 0} for {@code i} in
     * {@code [from, to)}; NaN gives 0, as in {@link cthulhu.backend.Composites#relu}.
     */
    static void relu(double[] x, double[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            out[i] = v > 0 ? v : 0;
        }
    }

    /**
     * {@code out[i] = c[i] != 0 ? a[i] : b[i]} for {@code i} in {@code [from, to)}, where an
     * operand flagged as a scalar is read at index 0 instead; NaN counts as non-zero.
     */
    static void where(double[] c, boolean cScalar, double[] a, boolean aScalar, double[] b, boolean bScalar, double[] out,
            int from, int to) {
        if (!cScalar && !aScalar && !bScalar) {
            for (int i = from; i < to; i++) {
                out[i] = c[i] != 0 ? a[i] : b[i];
            }
        } else if (!cScalar && !aScalar) {
            double s = b[0];
            for (int i = from; i < to; i++) {
                out[i] = c[i] != 0 ? a[i] : s;
            }
        } else if (!cScalar && !bScalar) {
            double s = a[0];
            for (int i = from; i < to; i++) {
                out[i] = c[i] != 0 ? s : b[i];
            }
        } else {
            int ci = cScalar ? 0 : 1;
            int ai = aScalar ? 0 : 1;
            int bi = bScalar ? 0 : 1;
            for (int i = from; i < to; i++) {
                out[i] = c[i * ci] != 0 ? a[i * ai] : b[i * bi];
            }
        }
    }

    /** The value a reduction over an empty axis yields: 0 for SUM, -inf for MAX, +inf for MIN. */
    static double identity(ReduceOp op) {
        switch (op) {
            case SUM:
                return 0;
            case MAX:
                return Double.NEGATIVE_INFINITY;
            case MIN:
                return Double.POSITIVE_INFINITY;
            default:
                throw new IllegalArgumentException("Unknown reduction " + op);
        }
    }

    /**
     * Reduces {@code count} rows of {@code width} contiguous elements, the first at
     * {@code x[base]} and each {@code stride} after the previous, into
     * {@code dst[dOff .. dOff + width)}. MAX and MIN propagate NaN.
     */
    static void reduce(ReduceOp op, double[] x, int base, int stride, int count, int width, double[] dst, int dOff) {
        if (count == 0) {
            java.util.Arrays.fill(dst, dOff, dOff + width, identity(op));
            return;
        }
        if (width == 1) {
            dst[dOff] = reduceRun(op, x, base, stride, count);
            return;
        }
        System.arraycopy(x, base, dst, dOff, width);
        for (int r = 1; r < count; r++) {
            int row = base + r * stride;
            switch (op) {
                case SUM:
                    for (int j = 0; j < width; j++) {
                        dst[dOff + j] += x[row + j];
                    }
                    break;
                case MAX:
                    for (int j = 0; j < width; j++) {
                        dst[dOff + j] = Math.max(dst[dOff + j], x[row + j]);
                    }
                    break;
                case MIN:
                    for (int j = 0; j < width; j++) {
                        dst[dOff + j] = Math.min(dst[dOff + j], x[row + j]);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("Unknown reduction " + op);
            }
        }
    }

    /** Reduces {@code count > 0} elements {@code x[base + k · stride]}. */
    private static double reduceRun(ReduceOp op, double[] x, int base, int stride, int count) {
        if (stride == 1) {
            return reduceContiguous(op, x, base, count);
        }
        double acc = x[base];
        for (int k = 1; k < count; k++) {
            double v = x[base + k * stride];
            acc = op == ReduceOp.SUM ? acc + v : op == ReduceOp.MAX ? Math.max(acc, v) : Math.min(acc, v);
        }
        return acc;
    }

    /** Four independent accumulators break the add latency chain of a contiguous run. */
    private static double reduceContiguous(ReduceOp op, double[] x, int base, int count) {
        int end = base + count;
        int k = base;
        switch (op) {
            case SUM: {
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                for (; k + 3 < end; k += 4) {
                    s0 += x[k];
                    s1 += x[k + 1];
                    s2 += x[k + 2];
                    s3 += x[k + 3];
                }
                for (; k < end; k++) {
                    s0 += x[k];
                }
                return (s0 + s1) + (s2 + s3);
            }
            case MAX: {
                double m0 = x[k];
                double m1 = m0;
                double m2 = m0;
                double m3 = m0;
                for (; k + 3 < end; k += 4) {
                    m0 = Math.max(m0, x[k]);
                    m1 = Math.max(m1, x[k + 1]);
                    m2 = Math.max(m2, x[k + 2]);
                    m3 = Math.max(m3, x[k + 3]);
                }
                for (; k < end; k++) {
                    m0 = Math.max(m0, x[k]);
                }
                return Math.max(Math.max(m0, m1), Math.max(m2, m3));
            }
            case MIN: {
                double m0 = x[k];
                double m1 = m0;
                double m2 = m0;
                double m3 = m0;
                for (; k + 3 < end; k += 4) {
                    m0 = Math.min(m0, x[k]);
                    m1 = Math.min(m1, x[k + 1]);
                    m2 = Math.min(m2, x[k + 2]);
                    m3 = Math.min(m3, x[k + 3]);
                }
                for (; k < end; k++) {
                    m0 = Math.min(m0, x[k]);
                }
                return Math.min(Math.min(m0, m1), Math.min(m2, m3));
            }
            default:
                throw new IllegalArgumentException("Unknown reduction " + op);
        }
    }

    /**
     * For each {@code o} in {@code [oFrom, oTo)} and {@code j} in {@code [0, inner)}, the index
     * along the middle axis of the largest {@code x[(o · axisLen + k) · inner + j]}; the first
     * on ties, and the first NaN if there is one.
     */
    static void argmax(double[] x, int axisLen, int inner, int oFrom, int oTo, double[] out) {
        double[] best = new double[inner];
        for (int o = oFrom; o < oTo; o++) {
            int base = o * axisLen * inner;
            int oBase = o * inner;
            System.arraycopy(x, base, best, 0, inner);
            java.util.Arrays.fill(out, oBase, oBase + inner, 0);
            for (int k = 1; k < axisLen; k++) {
                int row = base + k * inner;
                for (int j = 0; j < inner; j++) {
                    double v = x[row + j];
                    double b = best[j];
                    if (v > b || (v != v && b == b)) {
                        best[j] = v;
                        out[oBase + j] = k;
                    }
                }
            }
        }
    }

    /** Adds the taps of one row of columns, from {@code off}, to {@code dx} where {@code src} says they were gathered from. */
    static void scatterAdd(double[] cols, int off, int[] src, int c, double[] dx) {
        for (int t = 0; t < src.length; t++) {
            if (src[t] >= 0) {
                for (int j = 0, s = src[t], o = off + t * c; j < c; j++) {
                    dx[s + j] += cols[o + j];
                }
            }
        }
    }

    /**
     * One pooling window of every channel into {@code y[yo, yo + c)}; {@code src} holds the taps'
     * offsets, {@code -1} in the padding, which never wins a maximum and is not counted in an average.
     */
    static void poolRow(PoolOp op, double[] x, int[] src, int c, double[] y, int yo) {
        boolean max = op == PoolOp.MAX;
        java.util.Arrays.fill(y, yo, yo + c, max ? Double.NEGATIVE_INFINITY : 0);
        int count = 0;
        for (int s : src) {
            if (s >= 0) {
                count++;
                for (int j = 0; j < c; j++) {
                    y[yo + j] = max ? Math.max(y[yo + j], x[s + j]) : y[yo + j] + x[s + j];
                }
            }
        }
        if (!max) {
            for (int j = 0; j < c; j++) {
                y[yo + j] /= count;
            }
        }
    }

    /**
     * The gradient of one pooling window of every channel added to {@code dx}: a maximum's to the
     * first tap that holds it (a padding tap, −∞, keeps its share), an average's shared among the
     * taps inside the input.
     */
    static void poolGradientRow(PoolOp op, double[] x, int[] src, int c, double[] y, double[] g, int yo, double[] dx) {
        if (op == PoolOp.AVERAGE) {
            int count = 0;
            for (int s : src) {
                count += s >= 0 ? 1 : 0;
            }
            for (int s : src) {
                for (int j = 0; s >= 0 && j < c; j++) {
                    dx[s + j] += g[yo + j] / count;
                }
            }
            return;
        }
        for (int j = 0; j < c; j++) {
            for (int s : src) {
                double v = s >= 0 ? x[s + j] : Double.NEGATIVE_INFINITY;
                if (v == y[yo + j]) {
                    if (s >= 0) {
                        dx[s + j] += g[yo + j];
                    }
                    break;
                }
            }
        }
    }
}
