package cthulhu.config;

import cthulhu.activations.Activations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versions as Keras writes them, and the names whose meaning changed between them. */
class KerasVersionTest {

    @ParameterizedTest(name = "{0} is Keras {1}")
    @CsvSource({"2.2.4, 2", "2.2.4-tf, 2", "2.15.0, 2", "3.2.1, 3", "3.15.1, 3", "1.2.2, 1"})
    void parsesWhatKerasWrites(String text, int major) {
        assertEquals(major, KerasVersion.parse(text).major());
        assertEquals(text, KerasVersion.parse(text).toString());
    }

    @Test
    void refusesWhatIsNotAVersion() {
        assertThrows(IllegalArgumentException.class, () -> KerasVersion.parse("tensorflow"));
    }

    @Test
    void hardSigmoidMeansWhatTheWritingKerasComputed() {
        // Keras 2: clip(0.2x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6 (keras/src/activations/activations.py).
        assertEquals("hard_sigmoid", KerasVersion.parse("2.3.1").activationName("hard_sigmoid"));
        assertEquals("hard_sigmoid_v3", KerasVersion.parse("3.2.1").activationName("hard_sigmoid"));
        assertTrue(Activations.isBuiltIn(KerasVersion.KERAS3_HARD_SIGMOID),
                "the name Keras 3's hard_sigmoid reads as is a registered activation");
        assertEquals("hard_sigmoid", KerasVersion.KERAS_3.kerasActivation(KerasVersion.KERAS3_HARD_SIGMOID, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KerasVersion.KERAS_3.kerasActivation("hard_sigmoid", true));
        assertTrue(e.getMessage().contains("0.2x + 0.5"), e.getMessage());
    }

    @Test
    void keras3HardSigmoidReadsAsTheRegisteredActivationOfThatFormula() {
        // The conformance suite checks hardSigmoidV3 against relu6(x + 3) / 6; a Keras 3 file must resolve to it.
        assertEquals("hard_sigmoid_v3", Activations.serialize(Activations.get(KerasVersion.KERAS_3.activationName("hard_sigmoid"))));
        assertEquals("hard_sigmoid", KerasVersion.KERAS_3.kerasActivation(Activations.serialize(Activations::hardSigmoidV3), true));
    }

    @Test
    void customActivationsTravelAsKeras3RegisteredFunctions() {
        Object written = KerasVersion.KERAS_3.kerasActivation("my_swish", false);
        assertEquals(Map.of("module", "builtins", "class_name", "function", "config", "my_swish",
                "registered_name", "Custom>my_swish"), written);
        assertEquals("my_swish", KerasVersion.KERAS_3.activationName(written));
    }
}
