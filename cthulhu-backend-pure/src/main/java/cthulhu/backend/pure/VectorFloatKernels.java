package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise maps, broadcasting binaries and reductions on {@code float[]} written with the
 * JDK vector module; loaded only when {@link VectorSupport#ENABLED}. Each loop runs whole
 * vectors and leaves the remainder to the plain loops of {@link FloatKernels}, which also handle
 * every operation this class does not (the accuracy-sensitive {@code expm1}, {@code log1p} and
 * the like stay on {@link Math}).
 *
 * <p>Unlike the JIT's automatic vectorisation, these loops stay vectorised when operands are
 * read at different offsets, as in broadcasting, and when summing (which reassociates the sum).
 * {@link VectorDoubleKernels} holds the same loops on {@code double[]}: keep the two identical
 * but for the element type.
 */
final class VectorFloatKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorFloatKernels() {
    }

    /** Whether {@link #unary} vectorises {@code op}: EXP, TANH and SIGMOID, accurate to a few ulp. */
    static boolean vectorises(UnaryOp op) {
        return op == UnaryOp.EXP || op == UnaryOp.TANH || op == UnaryOp.SIGMOID;
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        switch (op) {
            case EXP:
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(out, i);
                }
                break;
            case TANH:
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(out, i);
                }
                break;
            case SIGMOID:
                // Vector constants are made here, not held in static fields: a constant vector
                // object flowing into the loop keeps the JIT from unboxing it.
                FloatVector zero = FloatVector.zero(S);
                FloatVector one = FloatVector.broadcast(S, 1);
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    // e^-|x| never overflows: 1 / (1 + e) for x >= 0, e / (1 + e) below; NaN stays NaN.
                    FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
                    FloatVector s = one.div(e.add(one));
                    e.mul(s).blend(s, v.compare(VectorOperators.GE, zero)).intoArray(out, i);
                }
                break;
            default:
                break;
        }
        FloatKernels.unary(op, x, out, i, to);
    }

    /** {@code out[oo + i] = op(a[ao + i], b[bo + i])} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link FloatKernels}. */
    static void binaryAt(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        switch (op) {
            case ADD:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.ADD, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case SUBTRACT:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.SUB, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case MULTIPLY:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.MUL, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case DIVIDE:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.DIV, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case MAXIMUM:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.MAX, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case MINIMUM:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.MIN, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case GREATER:
                for (; i < bound; i += L) {
                    zero.blend(one, va(a, ao + i).compare(VectorOperators.GT, va(b, bo + i))).intoArray(out, oo + i);
                }
                break;
            case GREATER_EQUAL:
                for (; i < bound; i += L) {
                    zero.blend(one, va(a, ao + i).compare(VectorOperators.GE, va(b, bo + i))).intoArray(out, oo + i);
                }
                break;
            case EQUAL:
                for (; i < bound; i += L) {
                    zero.blend(one, va(a, ao + i).compare(VectorOperators.EQ, va(b, bo + i))).intoArray(out, oo + i);
                }
                break;
            default:
                break;
        }
        FloatKernels.binaryAt(op, a, ao + i, b, bo + i, out, oo + i, n - i);
    }

    /** {@code out[oo + i] = op(a[ao + i], s)} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link FloatKernels}. */
    static void binaryAt(BinaryOp op, float[] a, int ao, float s, float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        FloatVector vs = FloatVector.broadcast(S, s);
        switch (op) {
            case ADD:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.ADD, vs).intoArray(out, oo + i);
                }
                break;
            case SUBTRACT:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.SUB, vs).intoArray(out, oo + i);
                }
                break;
            case MULTIPLY:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.MUL, vs).intoArray(out, oo + i);
                }
                break;
            case DIVIDE:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.DIV, vs).intoArray(out, oo + i);
                }
                break;
            case MAXIMUM:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.MAX, vs).intoArray(out, oo + i);
                }
                break;
            case MINIMUM:
                for (; i < bound; i += L) {
                    va(a, ao + i).lanewise(VectorOperators.MIN, vs).intoArray(out, oo + i);
                }
                break;
            case GREATER:
                for (; i < bound; i += L) {
                    zero.blend(one, va(a, ao + i).compare(VectorOperators.GT, vs)).intoArray(out, oo + i);
                }
                break;
            case GREATER_EQUAL:
                for (; i < bound; i += L) {
                    zero.blend(one, va(a, ao + i).compare(VectorOperators.GE, vs)).intoArray(out, oo + i);
                }
                break;
            case EQUAL:
                for (; i < bound; i += L) {
                    zero.blend(one, va(a, ao + i).compare(VectorOperators.EQ, vs)).intoArray(out, oo + i);
                }
                break;
            default:
                break;
        }
        FloatKernels.binaryAt(op, a, ao + i, s, out, oo + i, n - i);
    }

    /** {@code out[oo + i] = op(s, b[bo + i])} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link FloatKernels}. */
    static void binaryAt(BinaryOp op, float s, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        FloatVector vs = FloatVector.broadcast(S, s);
        switch (op) {
            case ADD:
                for (; i < bound; i += L) {
                    vs.lanewise(VectorOperators.ADD, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case SUBTRACT:
                for (; i < bound; i += L) {
                    vs.lanewise(VectorOperators.SUB, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case MULTIPLY:
                for (; i < bound; i += L) {
                    vs.lanewise(VectorOperators.MUL, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case DIVIDE:
                for (; i < bound; i += L) {
                    vs.lanewise(VectorOperators.DIV, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case MAXIMUM:
                for (; i < bound; i += L) {
                    vs.lanewise(VectorOperators.MAX, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case MINIMUM:
                for (; i < bound; i += L) {
                    vs.lanewise(VectorOperators.MIN, va(b, bo + i)).intoArray(out, oo + i);
                }
                break;
            case GREATER:
                for (; i < bound; i += L) {
                    zero.blend(one, vs.compare(VectorOperators.GT, va(b, bo + i))).intoArray(out, oo + i);
                }
                break;
            case GREATER_EQUAL:
                for (; i < bound; i += L) {
                    zero.blend(one, vs.compare(VectorOperators.GE, va(b, bo + i))).intoArray(out, oo + i);
                }
                break;
            case EQUAL:
                for (; i < bound; i += L) {
                    zero.blend(one, vs.compare(VectorOperators.EQ, va(b, bo + i))).intoArray(out, oo + i);
                }
                break;
            default:
                break;
        }
        FloatKernels.binaryAt(op, s, b, bo + i, out, oo + i, n - i);
    }

    /** {@link FloatKernels#relu} in vector lanes. */
    static void relu(float[] x, float[] out, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += L) {
            FloatVector v = va(x, i);
            zero.blend(v, v.compare(VectorOperators.GT, zero)).intoArray(out, i);
        }
        FloatKernels.relu(x, out, i, to);
    }

    private static FloatVector va(float[] x, int offset) {
        return FloatVector.fromArray(S, x, offset);
    }

    /**
     * Reduces {@code count} rows of {@code width} contiguous elements, the first at
     * {@code x[base]} and each {@code stride} after the previous, into
     * {@code dst[dOff .. dOff + width)}, as {@link FloatKernels#reduce}. A contiguous run is
     * summed in vector lanes, so in another order than the plain loop.
     */
    static void reduce(ReduceOp op, float[] x, int base, int stride, int count, int width, float[] dst, int dOff) {
        if (count == 0 || (width == 1 && stride != 1)) {
            FloatKernels.reduce(op, x, base, stride, count, width, dst, dOff);
            return;
        }
        if (width == 1) {
            dst[dOff] = reduceContiguous(op, x, base, count);
            return;
        }
        System.arraycopy(x, base, dst, dOff, width);
        int bound = S.loopBound(width);
        for (int r = 1; r < count; r++) {
            int row = base + r * stride;
            int j = 0;
            switch (op) {
                case SUM:
                    for (; j < bound; j += L) {
                        va(dst, dOff + j).add(va(x, row + j)).intoArray(dst, dOff + j);
                    }
                    break;
                case MAX:
                    for (; j < bound; j += L) {
                        va(dst, dOff + j).max(va(x, row + j)).intoArray(dst, dOff + j);
                    }
                    break;
                case MIN:
                    for (; j < bound; j += L) {
                        va(dst, dOff + j).min(va(x, row + j)).intoArray(dst, dOff + j);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("Unknown reduction " + op);
            }
            for (; j < width; j++) {
                float v = x[row + j];
                float d = dst[dOff + j];
                dst[dOff + j] = op == ReduceOp.SUM ? d + v : op == ReduceOp.MAX ? Math.max(d, v) : Math.min(d, v);
            }
        }
    }

    /**
     * Reduces {@code count > 0} contiguous elements from {@code x[base]}. Each operation has its
     * own small method so that each is compiled, and profiled, on its own.
     */
    private static float reduceContiguous(ReduceOp op, float[] x, int base, int count) {
        switch (op) {
            case SUM:
                return sum(x, base, count);
            case MAX:
                return max(x, base, count);
            case MIN:
                return min(x, base, count);
            default:
                throw new IllegalArgumentException("Unknown reduction " + op);
        }
    }

    private static float sum(float[] x, int base, int count) {
        int end = base + count;
        int bound = base + (count / (4 * L)) * (4 * L);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int k = base;
        for (; k < bound; k += 4 * L) {
            s0 = s0.add(va(x, k));
            s1 = s1.add(va(x, k + L));
            s2 = s2.add(va(x, k + 2 * L));
            s3 = s3.add(va(x, k + 3 * L));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; k < end; k++) {
            s += x[k];
        }
        return s;
    }

    private static float max(float[] x, int base, int count) {
        int end = base + count;
        int bound = base + (count / (2 * L)) * (2 * L);
        FloatVector m0 = FloatVector.broadcast(S, x[base]);
        FloatVector m1 = m0;
        int k = base;
        for (; k < bound; k += 2 * L) {
            m0 = m0.max(va(x, k));
            m1 = m1.max(va(x, k + L));
        }
        float m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; k < end; k++) {
            m = Math.max(m, x[k]);
        }
        return m;
    }

    private static float min(float[] x, int base, int count) {
        int end = base + count;
        int bound = base + (count / (2 * L)) * (2 * L);
        FloatVector m0 = FloatVector.broadcast(S, x[base]);
        FloatVector m1 = m0;
        int k = base;
        for (; k < bound; k += 2 * L) {
            m0 = m0.min(va(x, k));
            m1 = m1.min(va(x, k + L));
        }
        float m = m0.min(m1).reduceLanes(VectorOperators.MIN);
        for (; k < end; k++) {
            m = Math.min(m, x[k]);
        }
        return m;
    }
}
