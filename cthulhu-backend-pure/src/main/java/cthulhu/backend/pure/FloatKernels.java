package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.PoolOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;

/**
 * The element-wise, binary and reduction loops on {@code float[]}. Each operation has its own
 * plain counted loop with the operation chosen outside it, so the JIT can unroll and vectorise
 * it; nothing is boxed or allocated per element. Comparisons pick 1 or 0 as an {@code int}: the
 * JIT turns an int select into a conditional move but a floating-point one into a branch, which
 * random data mispredicts.
 *
 * <p>Template of the double twin: the build generates {@link DoubleKernels}, the same loops on
 * {@code double[]}, from this source (see {@code src/build/java/DoubleTwins.java}).
 */
final class FloatKernels {

    private FloatKernels() {
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
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
                    out[i] = (float) Math.exp(x[i]);
                }
                break;
            case EXPM1:
                for (int i = from; i < to; i++) {
                    out[i] = expm1(x[i]);
                }
                break;
            case LOG:
                for (int i = from; i < to; i++) {
                    out[i] = (float) Math.log(x[i]);
                }
                break;
            case LOG1P:
                for (int i = from; i < to; i++) {
                    out[i] = log1p(x[i]);
                }
                break;
            case SQRT:
                for (int i = from; i < to; i++) {
                    out[i] = (float) Math.sqrt(x[i]);
                }
                break;
            case SQUARE:
                for (int i = from; i < to; i++) {
                    float v = x[i];
                    out[i] = v * v;
                }
                break;
            case SIGN:
                for (int i = from; i < to; i++) {
                    float v = x[i];
                    // NaN fails both comparisons and is passed through; ±0 become +0.
                    out[i] = v > 0 ? 1 : v < 0 ? -1 : v == v ? 0 : v;
                }
                break;
            case TANH:
                for (int i = from; i < to; i++) {
                    out[i] = tanh(x[i]);
                }
                break;
            case SIGMOID:
                for (int i = from; i < to; i++) {
                    out[i] = (float) sigmoid(x[i]);
                }
                break;
            case RECIPROCAL:
                for (int i = from; i < to; i++) {
                    out[i] = 1 / x[i];
                }
                break;
            case ERF:
                for (int i = from; i < to; i++) {
                    out[i] = (float) ErrorFunction.erf(x[i]);
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

    /**
     * Hyperbolic tangent to float precision through the intrinsic {@link Math#exp} in double,
     * several times faster than {@link Math#tanh}: {@code 1 - 2 / (e^{2|x|} + 1)} with the sign
     * restored, which keeps more than 24 correct bits once {@code |x| >= 2^-11}; below that the
     * series {@code x - x³/3} is exact to float precision.
     */
    static float tanh(float x) {
        double a = Math.abs((double) x);
        double t = a < 0x1p-11 ? a - a * a * a / 3 : 1 - 2 / (Math.exp(2 * a) + 1);
        return (float) Math.copySign(t, x);
    }

    /**
     * {@code e^x - 1} to float precision without the native {@link Math#expm1}: for
     * {@code |x| < 1/2} its Taylor series to {@code x⁹/9!} in double (truncation below
     * {@code 10^-9} relative), else {@code e^x - 1} in double, where the subtraction cancels at
     * most one bit.
     */
    static float expm1(float x) {
        double d = x;
        if (Math.abs(d) < 0.5) {
            return (float) (d * (1 + d / 2 * (1 + d / 3 * (1 + d / 4 * (1 + d / 5 * (1 + d / 6 * (1 + d / 7
                    * (1 + d / 8 * (1 + d / 9)))))))));
        }
        return (float) (Math.exp(d) - 1);
    }

    /**
     * {@code ln(1 + x)} to float precision without the native {@link Math#log1p}: Kahan's
     * {@code ln(u) · x / (u - 1)} with {@code u = 1 + x} in double, which cancels the rounding of
     * {@code u}; {@code x} itself when {@code u} rounds to 1.
     */
    static float log1p(float x) {
        double d = x;
        double u = 1 + d;
        if (u == 1 || u == Double.POSITIVE_INFINITY) {
            return u == 1 ? x : Float.POSITIVE_INFINITY;
        }
        return (float) (Math.log(u) * d / (u - 1));
    }

    /** {@code out[i] = op(a[i], b[i])} for {@code i} in {@code [from, to)}. */
    static void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to) {
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
                    out[i] = (float) Math.pow(a[i], b[i]);
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
    static void binary(BinaryOp op, float[] a, float s, float[] out, int from, int to) {
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
                    out[i] = (float) Math.pow(a[i], s);
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
    static void binary(BinaryOp op, float s, float[] b, float[] out, int from, int to) {
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
                    out[i] = (float) Math.pow(s, b[i]);
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
    static void binaryAt(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
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
                    out[oo + i] = (float) Math.pow(a[ao + i], b[bo + i]);
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
    static void binaryAt(BinaryOp op, float[] a, int ao, float s, float[] out, int oo, int n) {
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
                    out[oo + i] = (float) Math.pow(a[ao + i], s);
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
    static void binaryAt(BinaryOp op, float s, float[] b, int bo, float[] out, int oo, int n) {
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
                    out[oo + i] = (float) Math.pow(s, b[bo + i]);
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
    static void relu(float[] x, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            out[i] = v > 0 ? v : 0;
        }
    }

    /**
     * {@code out[i] = c[i] != 0 ? a[i] : b[i]} for {@code i} in {@code [from, to)}, where an
     * operand flagged as a scalar is read at index 0 instead; NaN counts as non-zero.
     */
    static void where(float[] c, boolean cScalar, float[] a, boolean aScalar, float[] b, boolean bScalar, float[] out,
            int from, int to) {
        if (!cScalar && !aScalar && !bScalar) {
            for (int i = from; i < to; i++) {
                out[i] = c[i] != 0 ? a[i] : b[i];
            }
        } else if (!cScalar && !aScalar) {
            float s = b[0];
            for (int i = from; i < to; i++) {
                out[i] = c[i] != 0 ? a[i] : s;
            }
        } else if (!cScalar && !bScalar) {
            float s = a[0];
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
    static float identity(ReduceOp op) {
        switch (op) {
            case SUM:
                return 0;
            case MAX:
                return Float.NEGATIVE_INFINITY;
            case MIN:
                return Float.POSITIVE_INFINITY;
            default:
                throw new IllegalArgumentException("Unknown reduction " + op);
        }
    }

    /**
     * Reduces {@code count} rows of {@code width} contiguous elements, the first at
     * {@code x[base]} and each {@code stride} after the previous, into
     * {@code dst[dOff .. dOff + width)}. MAX and MIN propagate NaN.
     */
    static void reduce(ReduceOp op, float[] x, int base, int stride, int count, int width, float[] dst, int dOff) {
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
    private static float reduceRun(ReduceOp op, float[] x, int base, int stride, int count) {
        if (stride == 1) {
            return reduceContiguous(op, x, base, count);
        }
        float acc = x[base];
        for (int k = 1; k < count; k++) {
            float v = x[base + k * stride];
            acc = op == ReduceOp.SUM ? acc + v : op == ReduceOp.MAX ? Math.max(acc, v) : Math.min(acc, v);
        }
        return acc;
    }

    /** Four independent accumulators break the add latency chain of a contiguous run. */
    private static float reduceContiguous(ReduceOp op, float[] x, int base, int count) {
        int end = base + count;
        int k = base;
        switch (op) {
            case SUM: {
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
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
                float m0 = x[k];
                float m1 = m0;
                float m2 = m0;
                float m3 = m0;
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
                float m0 = x[k];
                float m1 = m0;
                float m2 = m0;
                float m3 = m0;
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
    static void argmax(float[] x, int axisLen, int inner, int oFrom, int oTo, float[] out) {
        float[] best = new float[inner];
        for (int o = oFrom; o < oTo; o++) {
            int base = o * axisLen * inner;
            int oBase = o * inner;
            System.arraycopy(x, base, best, 0, inner);
            java.util.Arrays.fill(out, oBase, oBase + inner, 0);
            for (int k = 1; k < axisLen; k++) {
                int row = base + k * inner;
                for (int j = 0; j < inner; j++) {
                    float v = x[row + j];
                    float b = best[j];
                    if (v > b || (v != v && b == b)) {
                        best[j] = v;
                        out[oBase + j] = k;
                    }
                }
            }
        }
    }

    /** {@code out[c · rows + r] += a[r · cols + c]}: adds the transpose of the row-major {@code rows × cols} matrix {@code a}. */
    static void addTransposed(float[] a, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] += a[r * cols + c];
            }
        }
    }

    /**
     * One pooling window of every channel into {@code y[yo, yo + c)}; {@code src} holds the taps'
     * offsets, {@code -1} in the padding, which never wins a maximum and is not counted in an average.
     */
    static void poolRow(PoolOp op, float[] x, int[] src, int c, float[] y, int yo) {
        if (op == PoolOp.MAX) {
            maxPoolRow(x, src, 0, c, y, yo);
            return;
        }
        java.util.Arrays.fill(y, yo, yo + c, 0);
        int count = 0;
        for (int s : src) {
            if (s >= 0) {
                count++;
                for (int j = 0; j < c; j++) {
                    y[yo + j] += x[s + j];
                }
            }
        }
        for (int j = 0; j < c; j++) {
            y[yo + j] /= count;
        }
    }

    /** Channels {@code [from, c)} of one max-pooling window into {@code y[yo + from, yo + c)}, as {@link #poolRow}. */
    static void maxPoolRow(float[] x, int[] src, int from, int c, float[] y, int yo) {
        java.util.Arrays.fill(y, yo + from, yo + c, Float.NEGATIVE_INFINITY);
        for (int s : src) {
            for (int j = from; s >= 0 && j < c; j++) {
                y[yo + j] = Math.max(y[yo + j], x[s + j]);
            }
        }
    }

    /**
     * The gradient of one pooling window of every channel added to {@code dx}: a maximum's to the
     * first tap that holds it (a padding tap, −∞, keeps its share), an average's shared among the
     * taps inside the input.
     */
    static void poolGradientRow(PoolOp op, float[] x, int[] src, int c, float[] y, float[] g, int yo, float[] dx) {
        if (op == PoolOp.MAX) {
            maxPoolGradientRow(x, src, 0, c, y, g, yo, dx);
            return;
        }
        int count = 0;
        for (int s : src) {
            count += s >= 0 ? 1 : 0;
        }
        for (int s : src) {
            for (int j = 0; s >= 0 && j < c; j++) {
                dx[s + j] += g[yo + j] / count;
            }
        }
    }

    /** Channels {@code [from, c)} of the gradient of one max-pooling window, as {@link #poolGradientRow}. */
    static void maxPoolGradientRow(float[] x, int[] src, int from, int c, float[] y, float[] g, int yo, float[] dx) {
        for (int j = from; j < c; j++) {
            for (int s : src) {
                float v = s >= 0 ? x[s + j] : Float.NEGATIVE_INFINITY;
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
