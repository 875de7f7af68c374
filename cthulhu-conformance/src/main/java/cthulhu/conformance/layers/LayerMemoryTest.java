package cthulhu.conformance.layers;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.ForeignBackend;
import cthulhu.layers.Daoloth;
import cthulhu.layers.PReLU;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A layer owns its weights: built or set inside a {@link TensorScope} (as a model's training step
 * does), they outlive the scope, while the scope still frees the call's intermediates, and
 * {@link cthulhu.layers.Layer#close()} frees them. Closure is observed through
 * {@link ForeignBackend}, whose tensors record it.
 */
class LayerMemoryTest extends ConformanceTestBase {

    @Test
    @SuppressWarnings("try") // the scopes are opened for what they close, not referenced
    void weightsBuiltInsideAScopeOutliveIt() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        K.withBackend(foreign, () -> {
            Daoloth layer = new Daoloth(2).kernelInitializer("ones");
            Tensor output;
            try (TensorScope scope = TensorScope.open()) {
                output = layer.call(K.ones(1, 3));
            }
            assertTrue(output.isClosed(), "the scope frees the call's output it did not keep");
            for (Tensor w : layer.getWeights()) {
                assertFalse(w.isClosed(), "a weight built inside the scope was freed with it");
            }
            assertTensor(new double[] {3, 3}, new int[] {1, 2}, layer.call(K.ones(1, 3)));
            layer.close();
            for (Tensor w : layer.getWeights()) {
                assertTrue(w.isClosed(), "Layer.close frees the weights");
            }
            return null;
        });
    }

    @Test
    @SuppressWarnings("try")
    void weightsSetInsideAScopeOutliveIt() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        K.withBackend(foreign, () -> {
            PReLU layer = new PReLU();
            layer.ensureBuilt(new int[] {2});
            try (TensorScope scope = TensorScope.open()) {
                layer.setWeights(List.of(K.constant(new double[] {0.5, 0.25}, 2)));
            }
            assertFalse(layer.getWeights().get(0).isClosed(), "a weight set inside the scope was freed with it");
            assertTensor(new double[] {-1, -0.5}, new int[] {1, 2}, layer.call(K.constant(new double[] {-2, -2}, 1, 2)));
            return null;
        });
    }
}
