package cthulhu.conformance.backend;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Daoloth;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.Map;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closed means closed on every backend: a closed tensor, layer or model is refused with one
 * message, word for word the same on every backend (whether the backend's storage is native or
 * garbage-collected); and a null activation means {@code linear} for every layer, as in Keras.
 */
class ClosedTest extends ConformanceTestBase {

    private static String closedTensorMessage(Tensor t) {
        return "This tensor " + Arrays.toString(t.shape()) + " (" + t.dtype() + ") has been closed, by close() or by the"
                + " TensorScope it was created in. Keep it past the scope with scope.keep(tensor), or hold it in a Variable.";
    }

    private static void assertRefused(String expected, Executable body) {
        IllegalStateException e = assertThrows(IllegalStateException.class, body);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aClosedTensorIsRefusedByOperationsAndReads() {
        Tensor x = K.constant(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor open = K.ones(2, 3);
        x.close();
        assertTrue(x.isClosed());
        String expected = closedTensorMessage(x);
        assertRefused(expected, () -> K.exp(x));
        assertRefused(expected, () -> K.add(open, x));
        assertRefused(expected, () -> K.sum(x, 0, false));
        assertRefused(expected, () -> K.reshape(x, 3, 2));
        assertRefused(expected, () -> K.dot(x, K.ones(3, 1)));
        assertRefused(expected, x::toDoubleArray);
        assertRefused(expected, x::toFloatArray);
        x.close();
        assertTrue(x.isClosed(), "closing twice is harmless");
    }

    @Test
    void aClosedLayerIsRefused() {
        Daoloth layer = new Daoloth(2).kernelInitializer("ones");
        layer.setName("closed_dense");
        assertTensor(new double[] {3, 3}, new int[] {1, 2}, layer.call(K.ones(1, 3)));
        layer.close();
        assertRefused("Layer closed_dense has been closed, by close() on it or on its model: its weights are released."
                + " Build a new layer, or load the saved model again.", () -> layer.call(K.ones(1, 3)));
    }

    @Test
    void aClosedModelIsRefused() {
        Sequential model = new Sequential();
        Daoloth dense = new Daoloth(2).kernelInitializer("ones");
        dense.setName("first");
        model.add(dense.inputDim(3));
        model.add(new Azatoth("softmax"));
        Tensor x = K.ones(4, 3);
        assertTensor(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, new int[] {4, 2}, model.predict(x));
        model.close();
        String expected = "Layer first has been closed, by close() on it or on its model: its weights are released."
                + " Build a new layer, or load the saved model again.";
        assertRefused(expected, () -> model.predict(x));
        assertRefused(expected, () -> model.predict(K.ones(1, 3), 1));
    }

    @Test
    void aNullActivationIsLinearInEveryLayer() {
        Azatoth activation = new Azatoth((Activation) null);
        Daoloth dense = new Daoloth(2, (Activation) null);
        assertSame(Activations.get("linear"), activation.activation());
        assertSame(Activations.get("linear"), dense.activation());
        assertSame(Activations.get("linear"), new Azatoth((String) null).activation());
        Tensor x = K.constant(new double[] {-1, 2}, 1, 2);
        assertTensor(new double[] {-1, 2}, new int[] {1, 2}, activation.call(x));
        assertEquals(Map.of("activation", "linear"), Map.of("activation", activation.getConfig().get("activation")));
    }
}
