package cthulhu.backend.pure;

import cthulhu.backend.BinaryOp;
import cthulhu.backend.ReduceOp;
import cthulhu.backend.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise maps, broadcasting binaries and reductions on {@code double[]} written with the
 * JDK vector module; loaded only when {@link VectorSupport#ENABLED}. Each loop runs whole
 * vectors and leaves the remainder to the plain loops of {@link DoubleKernels}, which also handle
 * every operation this class does not (among them the accuracy-sensitive {@code expm1} and
 * {@code log1p}).
 *
 * <p>Unlike the JIT's automatic vectorisation, these loops stay vectorised when operands are
 * read at different offsets, as in broadcasting, and when summing (which reassociates the sum).
 * {@link VectorFloatKernels} holds the same loops on {@code float[]}: keep the two identical
 * but for the element type, except for the constants of the exponential and its polynomial
 * ({@link #expm1Series}).
 *
 * <p>EXP, TANH and SIGMOID evaluate their own exponential ({@link #expClamped}) rather than the
 * vector module's, so that a result does not depend on which JIT tier ran the loop: training the
 * same model twice from the same seed gives the same bits.
 *
 * <p>Two rules keep the JIT compiling these loops to vector instructions rather than to calls
 * that box every vector: every loop lives in its own small method (one method holding many
 * vector loops outgrows the JIT's inlining budget), and vector constants are made in the method
 * that uses them, never held in static fields.
 */
final class VectorDoubleKernels {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Below this, {@code e^x} rounds to 0; the exponential clamps its argument here. */
    private static final double EXP_MIN = -746;

    /** Above this, {@code e^x} overflows to infinity; the exponential clamps its argument here. */
    private static final double EXP_MAX = 710;

    /** Beyond this {@code 2|x|}, {@code tanh x} rounds to {@code ±1}. */
    private static final double TANH_2X_MAX = 40;

    private static final double LOG2E = 1.4426950408889634;

    /** {@code ln 2} split in two: {@code n LN2_HI} is exact for {@code |n| < 2^20}. */
    private static final double LN2_HI = 0x1.62e42feep-1;

    private static final double LN2_LO = 0x1.a39ef35793c76p-33;

    private VectorDoubleKernels() {
    }

    private static DoubleVector va(double[] x, int offset) {
        return DoubleVector.fromArray(S, x, offset);
    }

    /** Whether {@link #unary} vectorises {@code op}: EXP, TANH and SIGMOID, accurate to a few ulp. */
    static boolean vectorises(UnaryOp op) {
        return op == UnaryOp.EXP || op == UnaryOp.TANH || op == UnaryOp.SIGMOID;
    }

    /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
    static void unary(UnaryOp op, double[] x, double[] out, int from, int to) {
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
        DoubleKernels.unary(op, x, out, i, to);
    }

    /** The vector part of EXP over {@code [from, to)}; returns where the remainder starts. */
    private static int exp(double[] x, double[] out, int from, int to) {
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
    private static int tanh(double[] x, double[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        int i = from;
        for (; i < bound; i += L) {
            DoubleVector v = va(x, i);
            DoubleVector e = expm1NonNegative(atMost(v.abs().mul(2), TANH_2X_MAX));
            DoubleVector t = e.div(e.add(2));
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
    private static DoubleVector expClamped(DoubleVector xc) {
        DoubleVector t = log2eShifted(xc);
        DoubleVector q = expm1Reduced(xc, t);
        LongVector k = t.reinterpretAsLongs().sub(0x4338000000000000L);
        LongVector half = k.lanewise(VectorOperators.ASHR, 1);
        DoubleVector s1 = half.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = k.sub(half).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return q.fma(s1, s1).mul(s2);
    }

    /**
     * {@code e^y - 1} in every lane for {@code y} in {@code [0, TANH_2X_MAX]} or NaN: {@code 2^n q + (2^n - 1)}
     * as one fused multiply-add, exact to the rounding of {@code q} where {@code n = 0} (small
     * {@code y}, no cancellation) and cancelling less than a bit above.
     */
    private static DoubleVector expm1NonNegative(DoubleVector y) {
        DoubleVector t = log2eShifted(y);
        DoubleVector q = expm1Reduced(y, t);
        LongVector k = t.reinterpretAsLongs().sub(0x4338000000000000L);
        DoubleVector s = k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return q.fma(s, s.sub(1));
    }

    /**
     * {@code x log2 e + 1.5·2^52}: for {@code |x| < 2^50} its low mantissa bits hold
     * {@code n = round(x log2 e)} in two's complement, rounded to nearest without a
     * floating-point-to-integer conversion.
     */
    private static DoubleVector log2eShifted(DoubleVector x) {
        return x.fma(DoubleVector.broadcast(S, LOG2E), DoubleVector.broadcast(S, 0x1.8p52));
    }

    /**
     * {@code e^r - 1} for {@code r = x - n ln 2}, {@code |r| <= ln 2 / 2}, with {@code n} read
     * from {@code t = }{@link #log2eShifted}{@code (x)}: {@code r} by Cody and Waite's two-part
     * {@code ln 2} ({@code n LN2_HI} is exact), then {@code r + r^2 P(r)}.
     */
    private static DoubleVector expm1Reduced(DoubleVector x, DoubleVector t) {
        DoubleVector n = t.sub(0x1.8p52);
        DoubleVector r = n.fma(DoubleVector.broadcast(S, -LN2_HI), x);
        r = n.fma(DoubleVector.broadcast(S, -LN2_LO), r);
        return expm1Series(r);
    }

    /**
     * {@code r + r^2 P(r)} with {@code P} the Taylor series of {@code (e^r - 1 - r) / r^2} to
     * {@code r^11/13!}: for {@code |r| <= ln 2 / 2} the truncation is below {@code 5·10^-18}
     * relative, far under the double rounding of the evaluation.
     */
    private static DoubleVector expm1Series(DoubleVector r) {
        DoubleVector p = r.fma(DoubleVector.broadcast(S, 1 / 6227020800.0), DoubleVector.broadcast(S, 1 / 479001600.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 39916800.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 3628800.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 362880.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 40320.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 5040.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 720.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 120.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 24.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1 / 6.0));
        p = p.fma(r, DoubleVector.broadcast(S, 0.5));
        return p.fma(r.mul(r), r);
    }

    /**
     * {@code max(x, lo)} keeping NaN, as a compare and a blend: cheaper than the lanewise MAX,
     * which also orders {@code -0} below {@code +0}.
     */
    private static DoubleVector atLeast(DoubleVector x, double lo) {
        return x.blend(lo, x.compare(VectorOperators.LT, lo));
    }

    /** {@code min(x, hi)} keeping NaN, as {@link #atLeast}. */
    private static DoubleVector atMost(DoubleVector x, double hi) {
        return x.blend(hi, x.compare(VectorOperators.GT, hi));
    }

    /**
     * The vector part of SIGMOID over {@code [from, to)}; returns where the remainder starts.
     * {@code e^-|x|} never overflows: {@code 1 / (1 + e)} for {@code x >= 0}, {@code e / (1 + e)}
     * below; NaN stays NaN.
     */
    private static int sigmoid(double[] x, double[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = from;
        for (; i < bound; i += L) {
            DoubleVector v = va(x, i);
            DoubleVector e = expClamped(atLeast(v.abs().neg(), EXP_MIN));
            DoubleVector s = one.div(e.add(one));
            e.mul(s).blend(s, v.compare(VectorOperators.GE, zero)).intoArray(out, i);
        }
        return i;
    }

    /** {@link DoubleKernels#where} in vector lanes when the condition is not a scalar. */
    static void where(double[] c, boolean cScalar, double[] a, boolean aScalar, double[] b, boolean bScalar, double[] out,
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
        DoubleKernels.where(c, cScalar, a, aScalar, b, bScalar, out, i, to);
    }

    private static int whereVV(double[] c, double[] a, double[] b, double[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector zero = DoubleVector.zero(S);
        int i = from;
        for (; i < bound; i += L) {
            va(b, i).blend(va(a, i), va(c, i).compare(VectorOperators.NE, zero)).intoArray(out, i);
        }
        return i;
    }

    private static int whereVS(double[] c, double[] a, double s, double[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = from;
        for (; i < bound; i += L) {
            vs.blend(va(a, i), va(c, i).compare(VectorOperators.NE, zero)).intoArray(out, i);
        }
        return i;
    }

    private static int whereSV(double[] c, double s, double[] b, double[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = from;
        for (; i < bound; i += L) {
            va(b, i).blend(vs, va(c, i).compare(VectorOperators.NE, zero)).intoArray(out, i);
        }
        return i;
    }

    /** {@link DoubleKernels#relu} in vector lanes. */
    static void relu(double[] x, double[] out, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        DoubleVector zero = DoubleVector.zero(S);
        for (; i < bound; i += L) {
            DoubleVector v = va(x, i);
            zero.blend(v, v.compare(VectorOperators.GT, zero)).intoArray(out, i);
        }
        DoubleKernels.relu(x, out, i, to);
    }

    /** {@code out[oo + i] = op(a[ao + i], b[bo + i])} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link DoubleKernels}. */
    static void binaryAt(BinaryOp op, double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
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
        DoubleKernels.binaryAt(op, a, ao + i, b, bo + i, out, oo + i, n - i);
    }

    private static int addVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.ADD, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int subtractVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.SUB, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int multiplyVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MUL, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int divideVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.DIV, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int maximumVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MAX, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int minimumVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MIN, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GT, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterEqualVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GE, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int equalVV(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.EQ, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    /** {@code out[oo + i] = op(a[ao + i], s)} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link DoubleKernels}. */
    static void binaryAt(BinaryOp op, double[] a, int ao, double s, double[] out, int oo, int n) {
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
        DoubleKernels.binaryAt(op, a, ao + i, s, out, oo + i, n - i);
    }

    private static int addVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.ADD, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int subtractVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.SUB, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int multiplyVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MUL, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int divideVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.DIV, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int maximumVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MAX, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int minimumVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            va(a, ao + i).lanewise(VectorOperators.MIN, vs).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GT, vs)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterEqualVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.GE, vs)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int equalVS(double[] a, int ao, double s, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, va(a, ao + i).compare(VectorOperators.EQ, vs)).intoArray(out, oo + i);
        }
        return i;
    }

    /** {@code out[oo + i] = op(s, b[bo + i])} for {@code i} in {@code [0, n)}; POW and the remainder run in {@link DoubleKernels}. */
    static void binaryAt(BinaryOp op, double s, double[] b, int bo, double[] out, int oo, int n) {
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
        DoubleKernels.binaryAt(op, s, b, bo + i, out, oo + i, n - i);
    }

    private static int addSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.ADD, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int subtractSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.SUB, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int multiplySV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.MUL, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int divideSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.DIV, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int maximumSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.MAX, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int minimumSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        int i = 0;
        for (; i < bound; i += L) {
            vs.lanewise(VectorOperators.MIN, va(b, bo + i)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, vs.compare(VectorOperators.GT, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int greaterEqualSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, vs.compare(VectorOperators.GE, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int equalSV(double s, double[] b, int bo, double[] out, int oo, int n) {
        int bound = S.loopBound(n);
        DoubleVector vs = DoubleVector.broadcast(S, s);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        int i = 0;
        for (; i < bound; i += L) {
            zero.blend(one, vs.compare(VectorOperators.EQ, va(b, bo + i))).intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * Reduces {@code count} rows of {@code width} contiguous elements, the first at
     * {@code x[base]} and each {@code stride} after the previous, into
     * {@code dst[dOff .. dOff + width)}, as {@link DoubleKernels#reduce}. A contiguous run is
     * summed in vector lanes, so in another order than the plain loop.
     */
    static void reduce(ReduceOp op, double[] x, int base, int stride, int count, int width, double[] dst, int dOff) {
        if (count == 0 || (width == 1 && stride != 1)) {
            DoubleKernels.reduce(op, x, base, stride, count, width, dst, dOff);
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
                double v = x[row + j];
                double d = dst[dOff + j];
                dst[dOff + j] = op == ReduceOp.SUM ? d + v : op == ReduceOp.MAX ? Math.max(d, v) : Math.min(d, v);
            }
        }
    }

    /** The vector part of {@code dst[dOff + j] = sum(dst[dOff + j], x[row + j])}; returns where the remainder starts. */
    private static int sumRow(double[] x, int row, double[] dst, int dOff, int width) {
        int bound = S.loopBound(width);
        int j = 0;
        for (; j < bound; j += L) {
            va(dst, dOff + j).add(va(x, row + j)).intoArray(dst, dOff + j);
        }
        return j;
    }

    /** The vector part of {@code dst[dOff + j] = max(dst[dOff + j], x[row + j])}; returns where the remainder starts. */
    private static int maxRow(double[] x, int row, double[] dst, int dOff, int width) {
        int bound = S.loopBound(width);
        int j = 0;
        for (; j < bound; j += L) {
            va(dst, dOff + j).max(va(x, row + j)).intoArray(dst, dOff + j);
        }
        return j;
    }

    /** The vector part of {@code dst[dOff + j] = min(dst[dOff + j], x[row + j])}; returns where the remainder starts. */
    private static int minRow(double[] x, int row, double[] dst, int dOff, int width) {
        int bound = S.loopBound(width);
        int j = 0;
        for (; j < bound; j += L) {
            va(dst, dOff + j).min(va(x, row + j)).intoArray(dst, dOff + j);
        }
        return j;
    }

    /** Reduces {@code count > 0} contiguous elements from {@code x[base]}. */
    private static double reduceContiguous(ReduceOp op, double[] x, int base, int count) {
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

    private static double sum(double[] x, int base, int count) {
        int end = base + count;
        int bound = base + (count / (4 * L)) * (4 * L);
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int k = base;
        for (; k < bound; k += 4 * L) {
            s0 = s0.add(va(x, k));
            s1 = s1.add(va(x, k + L));
            s2 = s2.add(va(x, k + 2 * L));
            s3 = s3.add(va(x, k + 3 * L));
        }
        double s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; k < end; k++) {
            s += x[k];
        }
        return s;
    }

    private static double max(double[] x, int base, int count) {
        int end = base + count;
        int bound = base + (count / (2 * L)) * (2 * L);
        DoubleVector m0 = DoubleVector.broadcast(S, x[base]);
        DoubleVector m1 = m0;
        int k = base;
        for (; k < bound; k += 2 * L) {
            m0 = m0.max(va(x, k));
            m1 = m1.max(va(x, k + L));
        }
        double m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; k < end; k++) {
            m = Math.max(m, x[k]);
        }
        return m;
    }

    private static double min(double[] x, int base, int count) {
        int end = base + count;
        int bound = base + (count / (2 * L)) * (2 * L);
        DoubleVector m0 = DoubleVector.broadcast(S, x[base]);
        DoubleVector m1 = m0;
        int k = base;
        for (; k < bound; k += 2 * L) {
            m0 = m0.min(va(x, k));
            m1 = m1.min(va(x, k + L));
        }
        double m = m0.min(m1).reduceLanes(VectorOperators.MIN);
        for (; k < end; k++) {
            m = Math.min(m, x[k]);
        }
        return m;
    }
}
