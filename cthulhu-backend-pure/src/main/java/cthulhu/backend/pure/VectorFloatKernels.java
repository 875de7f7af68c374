package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise maps, broadcasting binaries and reductions on {@code float[]} written with the
 * JDK vector module; loaded only when {@link VectorSupport#ENABLED}. Each loop runs whole
 * vectors and leaves the remainder to the plain loops of {@link FloatKernels}, which also handle
 * every operation this class does not (among them the accuracy-sensitive {@code expm1} and
 * {@code log1p}).
 *
 * <p>Unlike the JIT's automatic vectorisation, these loops stay vectorised when operands are
 * read at different offsets, as in broadcasting, and when summing (which reassociates the sum).
 *
 * <p>EXP, TANH and SIGMOID evaluate their own exponential ({@link #expClamped}) rather than the
 * vector module's, so that a result does not depend on which JIT tier ran the loop: training the
 * same model twice from the same seed gives the same bits.
 *
 * <p>Two rules keep the JIT compiling these loops to vector instructions rather than to calls
 * that box every vector: every loop lives in its own small method (one method holding many
 * vector loops outgrows the JIT's inlining budget), and vector constants are made in the method
 * that uses them, never held in static fields.
 *
 * <p>Template of the double twin: the build generates {@link VectorDoubleKernels}, the same loops on
 * {@code double[]}, from this source (see {@code src/build/java/DoubleTwins.java}), with the
 * constants and the polynomial of the exponential of double precision and without the softmax rows.
 */
final class VectorFloatKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Below this, {@code e^x} rounds to 0; the exponential clamps its argument here. */
    private static final float EXP_MIN = -104;

    /** Above this, {@code e^x} overflows to infinity; the exponential clamps its argument here. */
    private static final float EXP_MAX = 89;

    /** Beyond this {@code 2|x|}, {@code tanh x} rounds to {@code ±1}. */
    private static final float TANH_2X_MAX = 20;

    private static final float LOG2E = 1.44269504f;

    /** {@code ln 2} split in two: {@code n LN2_HI} is exact for {@code |n| < 2^15}. */
    private static final float LN2_HI = 0.693359375f;

    private static final float LN2_LO = -2.12194440e-4f;

    private VectorFloatKernels() {
    }

    private static FloatVector va(float[] x, int offset) {
        return FloatVector.fromArray(S, x, offset);
    }

    /** Whether {@link #unary} vectorises {@code op}: EXP and TANH within 2 ulp, SIGMOID within 3. */
    static boolean vectorises(UnaryOp op) {
        return op == UnaryOp.EXP || op == UnaryOp.TANH || op == UnaryOp.SIGMOID;
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        int i;
        switch (op) {
            case EXP:
                i = exp(x, out, from, to);
                break;
            case TANH:
                i = tanh(x, out, from, to);
                break;
            case SIGMOID:
                i = sigmoid(x, out, from, to);
                break;
            default:
                i = from;
                break;
        }
        FloatKernels.unary(op, x, out, i, to);
    }

    /** The vector part of EXP over {@code [from, to)}; returns where the remainder starts. */
    private static int exp(float[] x, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        int i = from;
        for (; i < bound; i += L) {
            expClamped(atMost(atLeast(va(x, i), EXP_MIN), EXP_MAX)).intoArray(out, i);
        }
        return i;
    }

    /**
     * The vector part of TANH over {@code [from, to)}; returns where the remainder starts.
     * {@code tanh |x| = e / (e + 2)} with {@code e = e^{2|x|} - 1}, which keeps relative accuracy
     * near zero; {@code 2|x|} is clamped where the quotient has rounded to 1 (so that {@code e}
     * stays finite), and the sign is copied back, {@code -0} included.
     */
    private static int tanh(float[] x, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        int i = from;
        for (; i < bound; i += L) {
            FloatVector v = va(x, i);
            FloatVector e = expm1NonNegative(atMost(v.abs().mul(2), TANH_2X_MAX));
            FloatVector t = e.div(e.add(2));
            t.blend(t.neg(), v.test(VectorOperators.IS_NEGATIVE)).intoArray(out, i);
        }
        return i;
    }

    /**
     * {@code e^x} in every lane, within 1 ulp of the correctly rounded result, for lanes already
     * clamped to {@code [EXP_MIN, EXP_MAX]} (beyond which the result is 0 or infinity) or NaN,
     * which passes through. Written with additions, multiplications and fused multiply-adds only,
     * which every JIT tier computes exactly as IEEE 754 specifies, so a value's exponential does
     * not change when the JIT recompiles the loop (the vector module's EXP is a library call
     * in compiled code and a per-lane {@link Math#exp} before, which differ in the last bit).
     * {@code e^r - 1} comes from {@link #expm1Reduced}, and {@code 2^n} is applied as two halves
     * so that neither overflows and subnormal results are rounded once.
     */
    private static FloatVector expClamped(FloatVector xc) {
        FloatVector t = log2eShifted(xc);
        FloatVector q = expm1Reduced(xc, t);
        IntVector k = t.reinterpretAsInts().sub(0x4B400000);
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return q.fma(s1, s1).mul(s2);
    }

    /**
     * {@code 2^64 e^x} in every lane, within 1 ulp of the correctly rounded float, for lanes in
     * {@code [-104, 0]} or NaN, which passes through: the exponential of softmax's shifted
     * values, kept in the normal range so that {@code 2^n} is one power of two made by two
     * integer operations (its exponent field is {@code n + 127 + 64}, in {@code [41, 191]}), where
     * {@link #expClamped} must split it in two halves to reach the subnormals. The factor
     * {@code 2^64} cancels when the row is divided by its sum, and a subnormal result is then
     * rounded once, by that final multiply.
     */
    private static FloatVector expTimes2p64(FloatVector xc) {
        FloatVector t = log2eShifted(xc);
        FloatVector q = expm1Reduced(xc, t);
        FloatVector s = t.reinterpretAsInts().add(127 + 64).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return q.fma(s, s);
    }

    /**
     * {@code x log2 e + 1.5·2^23}: for {@code |x| < 2^21} its low mantissa bits hold
     * {@code n = round(x log2 e)} in two's complement, rounded to nearest without a float-to-int
     * conversion, and shifting its bits left by 23 drops everything above them.
     */
    private static FloatVector log2eShifted(FloatVector x) {
        return x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, 0x1.8p23f));
    }

    /**
     * {@code e^y - 1} in every lane for {@code y} in {@code [0, TANH_2X_MAX]} or NaN: {@code 2^n q + (2^n - 1)}
     * as one fused multiply-add, exact to the rounding of {@code q} where {@code n = 0} (small
     * {@code y}, no cancellation) and cancelling less than a bit above.
     */
    private static FloatVector expm1NonNegative(FloatVector y) {
        FloatVector t = log2eShifted(y);
        FloatVector q = expm1Reduced(y, t);
        IntVector k = t.reinterpretAsInts().sub(0x4B400000);
        FloatVector s = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return q.fma(s, s.sub(1));
    }

    /**
     * {@code e^r - 1} for {@code r = x - n ln 2}, {@code |r| <= ln 2 / 2}, with {@code n} read
     * from {@code t = }{@link #log2eShifted}{@code (x)}: {@code r} by Cody and Waite's two-part
     * {@code ln 2} ({@code n LN2_HI} is exact), then {@code r + r^2 P(r)}.
     */
    private static FloatVector expm1Reduced(FloatVector x, FloatVector t) {
        FloatVector n = t.sub(0x1.8p23f);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        return expm1Minimax(r);
    }

    /**
     * {@code r + r^2 P(r)} with {@code P} of degree 4 fitted to the minimax relative error (at
     * most 0.03 ulp over {@code |r| <= ln 2 / 2}, so the float arithmetic around it sets the
     * 1 ulp bound).
     */
    private static FloatVector expm1Minimax(FloatVector r) {
        FloatVector p = r.fma(FloatVector.broadcast(S, 0x1.6a23f0p-10f), FloatVector.broadcast(S, 0x1.123a0ap-7f));
        p = p.fma(r, FloatVector.broadcast(S, 0x1.5558f2p-5f));
        p = p.fma(r, FloatVector.broadcast(S, 0x1.555492p-3f));
        p = p.fma(r, FloatVector.broadcast(S, 0x1.fffffcp-2f));
        return p.fma(r.mul(r), r);
    }

    /**
     * {@code max(x, lo)} keeping NaN, as a compare and a blend: cheaper than the lanewise MAX,
     * which also orders {@code -0} below {@code +0}.
     */
    private static FloatVector atLeast(FloatVector x, float lo) {
        return x.blend(lo, x.compare(VectorOperators.LT, lo));
    }

    /** {@code min(x, hi)} keeping NaN, as {@link #atLeast}. */
    private static FloatVector atMost(FloatVector x, float hi) {
        return x.blend(hi, x.compare(VectorOperators.GT, hi));
    }


    /**
     * The vector part of SIGMOID over {@code [from, to)}; returns where the remainder starts.
     * {@code e^-|x|} never overflows: {@code 1 / (1 + e)} for {@code x >= 0}, {@code e / (1 + e)}
     * below, which keeps relative accuracy down to the subnormals; NaN stays NaN.
     */
    private static int sigmoid(float[] x, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = from;
        for (; i < bound; i += L) {
            FloatVector v = va(x, i);
            FloatVector e = expClamped(atLeast(v.abs().neg(), EXP_MIN));
            FloatVector s = one.div(e.add(one));
            e.mul(s).blend(s, v.compare(VectorOperators.GE, zero)).intoArray(out, i);
        }
        return i;
    }

    /**
     * Softmax of the row {@code x[off .. off + len)}, {@code len > 0}, into {@code out} at the
     * same offsets, in three passes while the row is in cache: its maximum {@code m};
     * {@code 2^64 e^{x - m}} written and summed in the same loop ({@link #expTimes2p64} inlined,
     * one vector per iteration into one accumulator); a multiply by the reciprocal of that sum
     * (within 2 ulp of dividing), which also cancels the {@code 2^64}. The exponential is most
     * of the work: inlined and without the subnormal split, it made 16M floats about an eighth
     * faster than the vector module's EXP followed by a separate summing loop; two vectors per
     * iteration, faster in a loop of its own, ran slower than either inside the backend's row
     * loop. A row holding NaN or +infinity gives NaN throughout, as the unfused composition
     * does: its maximum is NaN or +infinity, so some shifted value and the sum are NaN.
     */
    static void softmaxRow(float[] x, float[] out, int off, int len) {
        float m = max(x, off, len);
        float sum = expShiftedSum(x, out, off, len, m);
        scale(out, off, len, 1 / sum);
    }

    /**
     * {@code out[i] = 2^64 e^{x[i] - m}} over the row; returns their sum. Clamping the shifted
     * values at -104, where the result is already 0 after the final scaling, keeps
     * {@link #expTimes2p64} in its range for rows that span more than that (and for
     * {@code -infinity}).
     */
    private static float expShiftedSum(float[] x, float[] out, int off, int len, float m) {
        int end = off + len;
        int bound = off + S.loopBound(len);
        FloatVector vm = FloatVector.broadcast(S, m);
        FloatVector s0 = FloatVector.zero(S);
        int i = off;
        for (; i < bound; i += L) {
            FloatVector e0 = expTimes2p64(atLeast(va(x, i).sub(vm), EXP_MIN));
            e0.intoArray(out, i);
            s0 = s0.add(e0);
        }
        float sum = s0.reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            float e = (float) (Math.exp(x[i] - m) * 0x1p64);
            out[i] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code out[i] *= s} over the row. */
    private static void scale(float[] out, int off, int len, float s) {
        int end = off + len;
        int bound = off + S.loopBound(len);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = off;
        for (; i < bound; i += L) {
            va(out, i).mul(vs).intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] *= s;
        }
    }

    /** {@link FloatKernels#where} in vector lanes when the condition is not a scalar. */
    static void where(float[] c, boolean cScalar, float[] a, boolean aScalar, float[] b, boolean bScalar, float[] out,
            int from, int to) {
        int i = from;
        if (!cScalar) {
            if (!aScalar && !bScalar) {
                i = whereVV(c, a, b, out, from, to);
            } else if (!aScalar) {
                i = whereVS(c, a, b[0], out, from, to);
            } else if (!bScalar) {
                i = whereSV(c, a[0], b, out, from, to);
            }
        }
        FloatKernels.where(c, cScalar, a, aScalar, b, bScalar, out, i, to);
    }

    private static int whereVV(float[] c, float[] a, float[] b, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i < bound; i += L) {
            va(b, i).blend(va(a, i), va(c, i).compare(VectorOperators.NE, zero)).intoArray(out, i);
        }
        return i;
    }

    private static int whereVS(float[] c, float[] a, float s, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        FloatVector zero = FloatVector.zero(S);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = from;
        for (; i < bound; i += L) {
            vs.blend(va(a, i), va(c, i).compare(VectorOperators.NE, zero)).intoArray(out, i);
        }
        return i;
    }

    private static int whereSV(float[] c, float s, float[] b, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        FloatVector zero = FloatVector.zero(S);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = from;
        for (; i < bound; i += L) {
            va(b, i).blend(vs, va(c, i).compare(VectorOperators.NE, zero)).intoArray(out, i);
        }
        return i;
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

    /**
     * Copies {@code x[from, from + len)} to {@code out[to, ...)} as one vector, overwriting
     * {@code out} up to a vector's length, when {@code len} is at most a vector's length and a
     * whole vector lies inside both arrays; returns whether it did.
     */
    static boolean copyVector(float[] x, int from, float[] out, int to, int len) {
        if (len > L || from + L > x.length || to + L > out.length) {
            return false;
        }
        va(x, from).intoArray(out, to);
        return true;
    }

    /** {@link FloatKernels#maxPoolRow} of every channel, in vector lanes. */
    static void maxPoolRow(float[] x, int[] src, int c, float[] y, int yo) {
        int bound = S.loopBound(c);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int s : src) {
                if (s >= 0) {
                    m = m.max(va(x, s + j));
                }
            }
            m.intoArray(y, yo + j);
        }
        FloatKernels.maxPoolRow(x, src, j, c, y, yo);
    }

    /**
     * {@link FloatKernels#maxPoolGradientRow} of every channel, in vector lanes: {@code rest}
     * holds the gradient of the lanes whose maximum no tap has yet matched, zero in the others.
     */
    static void maxPoolGradientRow(float[] x, int[] src, int c, float[] y, float[] g, int yo, float[] dx) {
        int bound = S.loopBound(c);
        FloatVector zero = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector m = va(y, yo + j);
            FloatVector rest = va(g, yo + j);
            for (int s : src) {
                if (s < 0) {
                    rest = rest.blend(zero, m.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
                } else {
                    VectorMask<Float> hit = va(x, s + j).compare(VectorOperators.EQ, m);
                    va(dx, s + j).add(rest, hit).intoArray(dx, s + j);
                    rest = rest.blend(zero, hit);
                }
            }
        }
        FloatKernels.maxPoolGradientRow(x, src, j, c, y, g, yo, dx);
    }

    /** {@code out[oo + i] = op(a[ao + i], b[bo + i])} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link FloatKernels}. */
    static void binaryAt(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i;
        switch (op) {
            case ADD:
                i = addVV(a, ao, b, bo, out, oo, n);
                break;
            case SUBTRACT:
                i = subtractVV(a, ao, b, bo, out, oo, n);
                break;
            case MULTIPLY:
                i = multiplyVV(a, ao, b, bo, out, oo, n);
                break;
            case DIVIDE:
                i = divideVV(a, ao, b, bo, out, oo, n);
                break;
            case MAXIMUM:
                i = maximumVV(a, ao, b, bo, out, oo, n);
                break;
            case MINIMUM:
                i = minimumVV(a, ao, b, bo, out, oo, n);
                break;
            case GREATER:
                i = greaterVV(a, ao, b, bo, out, oo, n);
                break;
            case GREATER_EQUAL:
                i = greaterEqualVV(a, ao, b, bo, out, oo, n);
                break;
            case EQUAL:
                i = equalVV(a, ao, b, bo, out, oo, n);
                break;
            default:
                i = 0;
                break;
        }
        FloatKernels.binaryAt(op, a, ao + i, b, bo + i, out, oo + i, n - i);
    }

    private static int addVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.ADD, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int subtractVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.SUB, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int multiplyVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MUL, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int divideVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.DIV, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int maximumVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MAX, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int minimumVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MIN, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GT, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterEqualVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GE, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int equalVV(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.EQ, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    /** {@code out[oo + i] = op(a[ao + i], s)} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link FloatKernels}. */
    static void binaryAt(BinaryOp op, float[] a, int ao, float s, float[] out, int oo, int n) {
        int i;
        switch (op) {
            case ADD:
                i = addVS(a, ao, s, out, oo, n);
                break;
            case SUBTRACT:
                i = subtractVS(a, ao, s, out, oo, n);
                break;
            case MULTIPLY:
                i = multiplyVS(a, ao, s, out, oo, n);
                break;
            case DIVIDE:
                i = divideVS(a, ao, s, out, oo, n);
                break;
            case MAXIMUM:
                i = maximumVS(a, ao, s, out, oo, n);
                break;
            case MINIMUM:
                i = minimumVS(a, ao, s, out, oo, n);
                break;
            case GREATER:
                i = greaterVS(a, ao, s, out, oo, n);
                break;
            case GREATER_EQUAL:
                i = greaterEqualVS(a, ao, s, out, oo, n);
                break;
            case EQUAL:
                i = equalVS(a, ao, s, out, oo, n);
                break;
            default:
                i = 0;
                break;
        }
        FloatKernels.binaryAt(op, a, ao + i, s, out, oo + i, n - i);
    }

    private static int addVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.ADD, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int subtractVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.SUB, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int multiplyVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MUL, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int divideVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.DIV, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int maximumVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MAX, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int minimumVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MIN, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GT, vs)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterEqualVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GE, vs)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int equalVS(float[] a, int ao, float s, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.EQ, vs)).intoArray(out, oo + i);
        }
        return i;
    }

    /** {@code out[oo + i] = op(s, b[bo + i])} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link FloatKernels}. */
    static void binaryAt(BinaryOp op, float s, float[] b, int bo, float[] out, int oo, int n) {
        int i;
        switch (op) {
            case ADD:
                i = addSV(s, b, bo, out, oo, n);
                break;
            case SUBTRACT:
                i = subtractSV(s, b, bo, out, oo, n);
                break;
            case MULTIPLY:
                i = multiplySV(s, b, bo, out, oo, n);
                break;
            case DIVIDE:
                i = divideSV(s, b, bo, out, oo, n);
                break;
            case MAXIMUM:
                i = maximumSV(s, b, bo, out, oo, n);
                break;
            case MINIMUM:
                i = minimumSV(s, b, bo, out, oo, n);
                break;
            case GREATER:
                i = greaterSV(s, b, bo, out, oo, n);
                break;
            case GREATER_EQUAL:
                i = greaterEqualSV(s, b, bo, out, oo, n);
                break;
            case EQUAL:
                i = equalSV(s, b, bo, out, oo, n);
                break;
            default:
                i = 0;
                break;
        }
        FloatKernels.binaryAt(op, s, b, bo + i, out, oo + i, n - i);
    }

    private static int addSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.ADD, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int subtractSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.SUB, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int multiplySV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.MUL, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int divideSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.DIV, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int maximumSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.MAX, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int minimumSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.MIN, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, vs.compare(VectorOperators.GT, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterEqualSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, vs.compare(VectorOperators.GE, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int equalSV(float s, float[] b, int bo, float[] out, int oo, int n) {
        int bound = S.loopBound(n);
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, vs.compare(VectorOperators.EQ, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
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
        for (int r = 1; r < count; r++) {
            int row = base + r * stride;
            int j;
            switch (op) {
                case SUM:
                    j = sumRow(x, row, dst, dOff, width);
                    break;
                case MAX:
                    j = maxRow(x, row, dst, dOff, width);
                    break;
                case MIN:
                    j = minRow(x, row, dst, dOff, width);
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

    /** The vector part of {@code dst[dOff + j] = sum(dst[dOff + j], x[row + j])}; returns where the remainder starts. */
    private static int sumRow(float[] x, int row, float[] dst, int dOff, int width) {
        int bound = S.loopBound(width);
        int j = 0;
        for (; j < bound; j += L) {
            va(dst, dOff + j).add(va(x, row + j)).intoArray(dst, dOff + j);
        }
        return j;
    }

    /** The vector part of {@code dst[dOff + j] = max(dst[dOff + j], x[row + j])}; returns where the remainder starts. */
    private static int maxRow(float[] x, int row, float[] dst, int dOff, int width) {
        int bound = S.loopBound(width);
        int j = 0;
        for (; j < bound; j += L) {
            va(dst, dOff + j).max(va(x, row + j)).intoArray(dst, dOff + j);
        }
        return j;
    }

    /** The vector part of {@code dst[dOff + j] = min(dst[dOff + j], x[row + j])}; returns where the remainder starts. */
    private static int minRow(float[] x, int row, float[] dst, int dOff, int width) {
        int bound = S.loopBound(width);
        int j = 0;
        for (; j < bound; j += L) {
            va(dst, dOff + j).min(va(x, row + j)).intoArray(dst, dOff + j);
        }
        return j;
    }

    /** Reduces {@code count > 0} contiguous elements from {@code x[base]}. */
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
