package cthulhu.conformance.activations;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.GradientCheck;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The Keras 3 activations against the values real Keras 3 computes: Keras 3.15.1 on JAX in
 * float64, printed by {@code cthulhu-conformance/src/test/python/keras3_activations.py} (the
 * reference for every number in {@link #keras3()} and the axis tables below), and their
 * gradients against central differences away from their kinks.
 */
class Keras3ActivationsTest extends ConformanceTestBase {

    /** The inputs of the script's element-wise table. */
    private static final double[] X = {-5.0, -3.0, -1.5, -1.0, -0.5, -0.25, 0.0, 0.3, 0.5, 1.0, 2.5, 3.0, 7.0};
    /** The script's 2 × 4 input for the functions along an axis. */
    private static final double[] M = {1.0, -2.0, 0.5, 3.0, 0.2, 0.1, -0.4, 0.3};

    private static Arguments keras3(String name, Activation f, double[] expected) {
        return arguments(name, f, expected);
    }

    static Stream<Arguments> keras3() {
        return Stream.of(
                keras3("relu6", Activations::relu6,
                        new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3, 0.5, 1.0, 2.5, 3.0, 6.0}),
                keras3("leaky_relu", Activations::leakyRelu,
                        new double[] {-1.0, -0.6000000000000001, -0.30000000000000004, -0.2, -0.1, -0.05, 0.0, 0.3, 0.5, 1.0, 2.5, 3.0, 7.0}),
                keras3("gelu", Activations::gelu,
                        new double[] {-1.4332578593959672e-06, -0.004049694094890279, -0.10021080190328709, -0.15865525393145707, -0.15426876936299344, -0.10032341857926907, 0.0, 0.18537342665668577, 0.34573123063700656, 0.8413447460685429, 2.4844758366855597, 2.99595030590511, 6.999999999991041}),
                keras3("gelu_approximate", x -> Activations.gelu(x, true),
                        new double[] {-2.2917961944868281e-07, -0.003637392081773161, -0.10042842301976715, -0.1588080093917233, -0.15428599017485609, -0.100324649298315, 0.0, 0.18537092354275922, 0.3457140098251439, 0.8411919906082768, 2.4849157339100016, 2.996362607918227, 6.9999999999999964}),
                keras3("silu", Activations::silu,
                        new double[] {-0.03346425462142428, -0.14227761953270035, -0.2736382857095345, -0.2689414213699951, -0.1887703343990727, -0.10945587477855048, 0.0, 0.1723327550434977, 0.3112296656009273, 0.7310585786300049, 2.3103545499468914, 2.8577223804673, 6.993622641639195}),
                keras3("mish", Activations::mish,
                        new double[] {-0.0335762377301617, -0.1456474612756246, -0.2980997421668068, -0.30340146137410895, -0.22074377465173, -0.12992696367914106, 0.0, 0.20800137234811503, 0.375245211304895, 0.8650983882673103, 2.471392304557881, 2.9865350049679567, 6.999988379809741}),
                keras3("celu", Activations::celu,
                        new double[] {-0.9932620530009145, -0.950212931632136, -0.7768698398515702, -0.6321205588285577, -0.3934693402873665, -0.22119921692859512, 0.0, 0.3, 0.5, 1.0, 2.5, 3.0, 7.0}),
                keras3("log_sigmoid", Activations::logSigmoid,
                        new double[] {-5.006715348489118, -3.048587351573742, -1.7014132779827524, -1.3132616875182228, -0.9740769841801067, -0.8259394198788437, -0.6931471805599453, -0.554355244468527, -0.4740769841801067, -0.3132616875182228, -0.07888973429254963, -0.04858735157374206, -0.0009114664537742447}),
                keras3("hard_sigmoid_v3 (Keras 3 hard_sigmoid)", Activations::hardSigmoidV3,
                        new double[] {0.0, 0.0, 0.25, 0.3333333333333333, 0.41666666666666663, 0.4583333333333333, 0.5, 0.5499999999999999, 0.5833333333333333, 0.6666666666666666, 0.9166666666666666, 1.0, 1.0}),
                keras3("hard_silu", Activations::hardSilu,
                        new double[] {-0.0, -0.0, -0.375, -0.3333333333333333, -0.20833333333333331, -0.11458333333333333, 0.0, 0.16499999999999998, 0.29166666666666663, 0.6666666666666666, 2.2916666666666665, 3.0, 7.0}),
                keras3("hard_tanh", Activations::hardTanh,
                        new double[] {-1.0, -1.0, -1.0, -1.0, -0.5, -0.25, 0.0, 0.3, 0.5, 1.0, 1.0, 1.0, 1.0}),
                keras3("hard_shrink", Activations::hardShrink,
                        new double[] {-5.0, -3.0, -1.5, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.5, 3.0, 7.0}),
                keras3("soft_shrink", Activations::softShrink,
                        new double[] {-4.5, -2.5, -1.0, -0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 2.0, 2.5, 6.5}),
                keras3("tanh_shrink", Activations::tanhShrink,
                        new double[] {-4.000090795737405, -2.0049452463132695, -0.5948517463551335, -0.23840584404423515, -0.03788284273999021, -0.005081337596290897, 0.0, 0.008687387548409142, 0.03788284273999021, 0.23840584404423515, 1.51338570184857, 2.0049452463132695, 6.0000016630560555}),
                keras3("squareplus", Activations::squareplus,
                        new double[] {0.19258240356725187, 0.30277563773199456, 0.5, 0.6180339887498949, 0.7807764064044151, 0.8827822185373186, 1.0, 1.161187420807834, 1.2807764064044151, 1.618033988749895, 2.850781059358212, 3.302775637731995, 7.140054944640259}),
                keras3("sparse_plus", Activations::sparsePlus,
                        new double[] {0.0, 0.0, 0.0, 0.0, 0.0625, 0.140625, 0.25, 0.42250000000000004, 0.5625, 1.0, 2.5, 3.0, 7.0}),
                keras3("sparse_sigmoid", Activations::sparseSigmoid,
                        new double[] {0.0, 0.0, 0.0, 0.0, 0.25, 0.375, 0.5, 0.65, 0.75, 1.0, 1.0, 1.0, 1.0}),
                keras3("threshold(x, 0.5, -2)", x -> Activations.threshold(x, 0.5, -2),
                        new double[] {-2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, 1.0, 2.5, 3.0, 7.0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keras3")
    void valuesMatchKeras3(String name, Activation f, double[] expected) {
        assertTensor(expected, new int[] {X.length}, f.apply(K.constant(X, X.length)), Tolerance.current().times(4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keras3")
    void gradientsMatchCentralDifferencesAwayFromKinks(String name, Activation f, double[] expected) {
        // Points more than h from every kink of these functions (±0.5, ±1, ±3, 0, 6).
        GradientCheck.check(f::apply, new double[] {-4.2, -2.2, -1.3, -0.7, -0.3, 0.2, 0.8, 1.6, 2.4, 4.5, 6.5, 9}, 3, 4);
    }

    @Test
    void logSoftmaxMatchesKeras3OnEitherAxis() {
        assertTensor(new double[] {-2.2022534476793516, -5.202253447679352, -2.7022534476793516, -0.20225344767935172, -1.2694290214345556, -1.3694290214345557, -1.8694290214345557, -1.1694290214345557}, new int[] {2, 4},
                Activations.logSoftmax(K.constant(M, 2, 4)), Tolerance.current().times(4));
        assertTensor(new double[] {-0.3711006659477777, -2.215519523179755, -0.3411538747320879, -0.06504356177659051, -1.1711006659477778, -0.11551952317975492, -1.2411538747320878, -2.7650435617765905}, new int[] {2, 4},
                Activations.logSoftmax(K.constant(M, 2, 4), 0), Tolerance.current().times(4));
    }

    @Test
    void gluMatchesKeras3OnEitherAxis() {
        assertTensor(new double[] {0.6224593312018546, -1.9051482536448667, 0.0802624679775096, 0.0574442516811659}, new int[] {2, 2},
                Activations.glu(K.constant(M, 2, 4)), Tolerance.current().times(4));
        assertTensor(new double[] {0.549833997312478, -1.04995837495788, 0.200656169943774, 1.723327550434977}, new int[] {1, 4},
                Activations.glu(K.constant(M, 2, 4), 0), Tolerance.current().times(4));
    }

    @Test
    void sparsemaxIsTheProjectionOntoTheSimplex() {
        // Worked by hand with Martins and Astudillo's algorithm 1. Row [1, −2, 0.5, 3]: support {3}, τ = 2,
        // as Keras 3 gives. Row [0.2, 0.1, −0.4, 0.3]: support {0.3, 0.2, 0.1}, τ = (0.6 − 1)/3 = −2/15, so
        // [1/3, 7/30, 0, 13/30], summing to 1 (Keras 3.15.1 gives [1/15, 0, 0, 1/6]: keras-team/keras#23425).
        assertTensor(new double[] {0, 0, 0, 1, 1.0 / 3, 7.0 / 30, 0, 13.0 / 30}, new int[] {2, 4},
                Activations.sparsemax(K.constant(M, 2, 4)), Tolerance.current().times(4));
        // Along axis 0 each column is a pair (a, b): τ = (a + b − 1)/2 when |a − b| < 1, else the larger is 1.
        assertTensor(new double[] {0.9, 0, 0.95, 1, 0.1, 1, 0.05, 0}, new int[] {2, 4},
                Activations.sparsemax(K.constant(M, 2, 4), 0), Tolerance.current().times(4));
    }

    @Test
    void sparsemaxOfTiesAndARankOneTensor() {
        // Ties share the mass: [2, 2, −5] → τ = (4 − 1)/2 = 1.5 → [0.5, 0.5, 0]; [0, 0.5, 1] → [0, 0.25, 0.75]
        // (keras-team/keras#23425's own example).
        assertTensor(new double[] {0.5, 0.5, 0}, new int[] {3}, Activations.sparsemax(K.constant(new double[] {2, 2, -5}, 3)));
        assertTensor(new double[] {0, 0.25, 0.75}, new int[] {3},
                Activations.sparsemax(K.constant(new double[] {0, 0.5, 1}, 3)));
    }

    @Test
    void gradientsAlongAnAxis() {
        GradientCheck.check(Activations::logSoftmax, new double[] {0.3, -1.2, 2.5, 0.7, 0.1, -0.4}, 2, 3);
        GradientCheck.check(x -> Activations.logSoftmax(x, 0), new double[] {0.3, -1.2, 2.5, 0.7, 0.1, -0.4}, 2, 3);
        GradientCheck.check(Activations::glu, new double[] {0.3, -1.2, 2.5, 0.7, 0.1, -0.4, 1.1, 0.9}, 2, 4);
        GradientCheck.check(x -> Activations.glu(x, 0), new double[] {0.3, -1.2, 2.5, 0.7, 0.1, -0.4, 1.1, 0.9}, 2, 4);
        // Inside the support the Jacobian is I − 1/|S|, outside 0; the points keep the support fixed within h.
        GradientCheck.check(x -> K.multiply(Activations.sparsemax(x), K.constant(new double[] {1, -2, 3, 0.5, 4, -1}, 2, 3)),
                new double[] {0.3, 0.1, 0.25, 2, -1, 0.5}, 2, 3);
    }

    @Test
    void gluOfAnOddAxisNamesTheShape() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.glu(K.zeros(2, 3)),
                "glu", "odd size 3", "[2, 3]");
    }
}
