package cthulhu.callbacks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ModelCheckpoint's path fields against Python's str.format results for the same specs. */
class ModelCheckpointPathTest {

    private static final Map<String, Double> LOGS = Map.of("loss", 0.123456, "val_loss", 1.5);

    @ParameterizedTest(name = "{0} at epoch {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // reference: Python 'model-{epoch:02d}-{val_loss:.2f}.h5'.format(epoch=3, val_loss=1.5)
        "model-{epoch:02d}-{val_loss:.2f}.h5 | 3  | model-03-1.50.h5",
        "w.{epoch}.cthulhu                   | 12 | w.12.cthulhu",
        "{loss:.4f}                          | 1  | 0.1235",
        "{epoch:03d}_{loss:.1e}              | 7  | 007_1.2e-01",
        "plain.cthulhu                       | 1  | plain.cthulhu"})
    void fillsFieldsAsPython(String pattern, int epoch, String expected) {
        assertEquals(expected, ModelCheckpoint.format(pattern, epoch, LOGS));
    }

    @Test
    void anUnknownFieldIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelCheckpoint.format("m-{val_acc}.cthulhu", 1, LOGS));
        assertTrue(e.getMessage().contains("{val_acc}"), e.getMessage());
    }

    @Test
    void anUnsupportedSpecIsRefusedAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("m-{epoch:x}.cthulhu"));
        assertTrue(e.getMessage().contains(":x"), e.getMessage());
    }
}
