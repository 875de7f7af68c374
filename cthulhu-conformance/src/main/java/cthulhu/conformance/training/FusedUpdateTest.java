package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.Variable;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Reference;
import cthulhu.conformance.Tolerance;
import cthulhu.optimizers.Adam;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The fused update an optimizer runs ({@code K.mapElements} over the variable, its gradient and
 * its state) against the same update written as Keras 2.2.4 writes it, one {@code K} operation at
 * a time, on the backend under test: Adam and AMSGrad at several steps, from random state.
 */
class FusedUpdateTest extends ConformanceTestBase {

    static Stream<Arguments> adamCases() {
        return Stream.of(arguments(0.001, 1L, false), arguments(0.01, 7L, false), arguments(0.001, 3L, true),
                arguments(0.0, 2L, false));
    }

    @ParameterizedTest(name = "adam lr={0}, t={1}, amsgrad={2}")
    @MethodSource("adamCases")
    void adamAgreesWithItsFormulaInK(double lr, long t, boolean amsgrad) {
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-7;
        Tensor p = K.constant(Reference.uniform(1000, -2, 2, 8), 10, 100);
        Tensor g = K.constant(Reference.uniform(1000, -1, 1, 9), 10, 100);
        Tensor m = K.constant(Reference.uniform(1000, -0.1, 0.1, 10), 10, 100);
        Tensor v = K.constant(Reference.uniform(1000, 0.01, 1, 11), 10, 100);
        Tensor vhat = K.constant(Reference.uniform(1000, 0.01, 1, 12), 10, 100);
        // Keras 2.2.4's get_updates, with K.
        double lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        Tensor m1 = K.add(K.multiply(m, beta1), K.multiply(g, 1 - beta1));
        Tensor v1 = K.add(K.multiply(v, beta2), K.multiply(K.square(g), 1 - beta2));
        Tensor vhat1 = K.maximum(vhat, v1);
        Tensor p1 = K.subtract(p, K.divide(K.multiply(m1, lrT), K.add(K.sqrt(amsgrad ? vhat1 : v1), eps)));

        try (Variable param = new Variable("p", K.add(p, 0), true);
             Adam adam = new Adam(lr, beta1, beta2, eps, 0, amsgrad)) {
            List<Variable> state = adam.stateOf(param);
            state.get(0).assign(K.add(m, 0));
            state.get(1).assign(K.add(v, 0));
            if (amsgrad) {
                state.get(2).assign(K.add(vhat, 0));
            }
            adam.setIterations(t - 1);
            adam.applyGradients(List.of(param), List.of(g));
            Tolerance tolerance = Tolerance.current().times(4);
            int[] shape = {10, 100};
            assertTensor(p1.toDoubleArray(), shape, param.value(), tolerance);
            assertTensor(m1.toDoubleArray(), shape, state.get(0).value(), tolerance);
            assertTensor(v1.toDoubleArray(), shape, state.get(1).value(), tolerance);
            if (amsgrad) {
                assertTensor(vhat1.toDoubleArray(), shape, state.get(2).value(), tolerance);
            }
        }
    }
}
