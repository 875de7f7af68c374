package cthulhu.conformance.models;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Add;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Concatenate;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Input;
import cthulhu.layers.Symbol;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Forward values of functional models against values worked by hand. */
class FunctionalForwardTest extends ConformanceTestBase {

    /**
     * A residual block: h = x·W1 + b1, r = x + h, a = relu(r), out = a·W2 + b2.
     * <pre>
     * W1 = [[1, −1], [0.5, 2]]  b1 = [0, 1]   W2 = [[1], [−1]]  b2 = [0.5]
     * x = [1, 2]:    h = [1 + 1, −1 + 4] + b1 = [2, 4]       r = [3, 6]       a = [3, 6]    out = 3 − 6 + 0.5 = −2.5
     * x = [−1, 0.5]: h = [−1 + 0.25, 1 + 1] + b1 = [−0.75, 3]  r = [−1.75, 3.5]  a = [0, 3.5]  out = −3.5 + 0.5 = −3
     * </pre>
     */
    @Test
    void aResidualBlockAddsItsInputBack() {
        Symbol x = Input.of(2);
        Daoloth d1 = new Daoloth(2);
        Daoloth d2 = new Daoloth(1);
        Symbol r = new Add().apply(x, d1.apply(x));
        try (Model model = new Model(x, d2.apply(new Azatoth("relu").apply(r)))) {
            d1.setWeights(List.of(K.constant(new double[] {1, -1, 0.5, 2}, 2, 2), K.constant(new double[] {0, 1}, 2)));
            d2.setWeights(List.of(K.constant(new double[] {1, -1}, 2, 1), K.constant(new double[] {0.5}, 1)));
            Tensor in = K.constant(new double[] {1, 2, -1, 0.5}, 2, 2);
            assertTensor(new double[] {-2.5, -3}, new int[] {2, 1}, model.predict(in));
            assertTensor(new double[] {-2.5, -3}, new int[] {2, 1}, model.call(in));
            assertArrayEquals(new int[] {-1, 1}, model.outputs().get(0).shape());
        }
    }

    /**
     * Two branches joined: left = x·[1, 1, 1]ᵀ, right = relu(x·[[1, 0], [0, −1], [1, 1]]),
     * out = [left, right]·[1, 2, 3]ᵀ.
     * <pre>
     * x = [1, 2, 3]:  left 6, right relu([4, 1]) = [4, 1],   out = 6 + 8 + 3 = 17
     * x = [0, −1, 1]: left 0, right relu([1, 2]) = [1, 2],   out = 0 + 2 + 6 = 8
     * </pre>
     */
    @Test
    void twoBranchesAreConcatenated() {
        Symbol x = Input.of("x", 3);
        Daoloth left = new Daoloth(1);
        Daoloth right = new Daoloth(2, "relu");
        Daoloth out = new Daoloth(1);
        try (Model model = new Model(x, out.apply(new Concatenate().apply(left.apply(x), right.apply(x))))) {
            left.setWeights(List.of(K.constant(new double[] {1, 1, 1}, 3, 1), K.zeros(1)));
            right.setWeights(List.of(K.constant(new double[] {1, 0, 0, -1, 1, 1}, 3, 2), K.zeros(2)));
            out.setWeights(List.of(K.constant(new double[] {1, 2, 3}, 3, 1), K.zeros(1)));
            assertTensor(new double[] {17, 8}, new int[] {2, 1}, model.predict(K.constant(new double[] {1, 2, 3, 0, -1, 1}, 2, 3)));
            assertEquals(List.of("x", "dense_1", "dense_2", "concatenate_1", "dense_3"),
                    model.getLayers().stream().map(l -> l.getName()).toList());
            assertSame(right, model.getLayer("dense_2"));
        }
    }

    /**
     * A model is a layer: a Sequential (out = 2·x) applied to both inputs of a model with a
     * shared layer, then added: out = 2·a + 2·b.
     */
    @Test
    void modelsNestAsLayersAndSharedLayersShareWeights() {
        Sequential doubler = new Sequential();
        doubler.add(new Daoloth(2, "linear").inputShape(2));
        Symbol a = Input.of("a", 2);
        Symbol b = Input.of("b", 2);
        Symbol sum = new Add().apply(doubler.apply(a), doubler.apply(b));
        try (Model model = new Model(List.of(a, b), List.of(sum))) {
            doubler.setWeights(List.of(K.constant(new double[] {2, 0, 0, 2}, 2, 2), K.zeros(2)));
            List<Tensor> out = model.predict(List.of(K.constant(new double[] {1, 2}, 1, 2), K.constant(new double[] {3, -1}, 1, 2)));
            assertTensor(new double[] {8, 2}, new int[] {1, 2}, out.get(0));
            assertEquals(6, model.countParams(), "the nested model's weights count once");
            assertEquals(2, model.getWeights().size());
            assertEquals("Sequential", model.getLayers().get(2).className());
        }
    }
}
