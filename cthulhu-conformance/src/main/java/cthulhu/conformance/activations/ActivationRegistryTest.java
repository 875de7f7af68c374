package cthulhu.conformance.activations;

import cthulhu.activations.Activation;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activation registry: {@code get} by Keras name, {@code null} as linear, the message for an
 * unknown name, {@code serialize} round trips, and {@code register} for custom activations.
 */
class ActivationRegistryTest extends ConformanceTestBase {

    private static final Set<String> KERAS_NAMES = Set.of("softmax", "elu", "selu", "softplus", "softsign", "relu",
            "tanh", "sigmoid", "hard_sigmoid", "exponential", "linear");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"softmax", "elu", "selu", "softplus", "softsign", "relu", "tanh", "sigmoid", "hard_sigmoid",
        "exponential", "linear"})
    void everyKerasNameResolvesToOneObjectAndSerializesBack(String name) {
        Activation a = Activations.get(name);
        assertSame(a, Activations.get(name), "the same object for the same name");
        assertEquals(name, Activations.serialize(a));
        assertTrue(Activations.names().contains(name));
    }

    @Test
    void theBuiltInNamesAreExactlyKeras() {
        assertTrue(Activations.names().containsAll(KERAS_NAMES), Activations.names().toString());
    }

    @Test
    void nullIsLinear() {
        assertSame(Activations.get("linear"), Activations.get(null));
        Tensor x = K.constant(new double[] {-1, 2}, 2);
        assertSame(x, Activations.get(null).apply(x));
    }

    @Test
    void anUnknownNameIsRejectedWithKerasMessageAndTheValidNames() {
        IllegalArgumentException e = assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Activations.get("foo"), "Unknown activation function: foo");
        for (String name : KERAS_NAMES) {
            assertTrue(e.getMessage().contains(name), () -> "the message should list " + name + ": " + e.getMessage());
        }
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.get("ReLU"),
                "Unknown activation function: ReLU");
    }

    @Test
    void softmaxByNameUsesTheLastAxis() {
        // Hand-worked: softmax([[0, ln 3], [ln 2, ln 2]]) along the last axis.
        Tensor x = K.constant(new double[] {0, Math.log(3), Math.log(2), Math.log(2)}, 2, 2);
        assertTensor(new double[] {0.25, 0.75, 0.5, 0.5}, new int[] {2, 2}, Activations.get("softmax").apply(x),
                Tolerance.current().times(4));
    }

    @Test
    void aRegisteredActivationResolvesAndSerializesByItsName() {
        Activation cube = x -> K.multiply(K.square(x), x);
        Activations.register("conformance_cube", cube);
        assertSame(cube, Activations.get("conformance_cube"));
        assertEquals("conformance_cube", Activations.serialize(cube));
        assertTrue(Activations.names().contains("conformance_cube"));
        assertTensor(new double[] {-8, 27}, new int[] {2},
                Activations.get("conformance_cube").apply(K.constant(new double[] {-2, 3}, 2)));
        Activation replacement = x -> K.multiply(x, 3);
        Activations.register("conformance_cube", replacement);
        assertSame(replacement, Activations.get("conformance_cube"));
        assertEquals("conformance_cube", Activations.serialize(replacement));
    }

    @Test
    void builtInNamesCannotBeReplacedAndBlankNamesAreRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.register("relu", x -> x), "relu",
                "built-in");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.register(" ", x -> x), "blank");
        assertSame(Activations.get("relu"), Activations.get("relu"));
    }

    @Test
    void anUnregisteredActivationCannotBeSerialized() {
        Activation anonymous = x -> K.add(x, 1);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Activations.serialize(anonymous),
                "Activations.register");
    }
}
