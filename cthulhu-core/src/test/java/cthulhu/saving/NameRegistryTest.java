package cthulhu.saving;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The name table behind the loss, metric and optimizer registries. */
class NameRegistryTest {

    @Test
    void aliasesShareTheFirstNameAsCanonical() {
        NameRegistry<Object> registry = new NameRegistry<>("widget");
        Object square = new Object();
        registry.builtIn("mean_squared", square);
        registry.builtIn("ms", square);
        assertSame(square, registry.get("ms"));
        assertEquals("mean_squared", registry.nameOf(square));
        assertEquals(Set.of("mean_squared", "ms"), registry.names());
    }

    @Test
    void unknownNamesListTheValidOnesAndBuiltInsCannotBeReplaced() {
        NameRegistry<Object> registry = new NameRegistry<>("widget");
        registry.builtIn("b", new Object());
        registry.builtIn("a", new Object());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> registry.get("c"));
        assertEquals("Unknown widget: c. Valid names: a, b", unknown.getMessage());
        IllegalArgumentException builtIn = assertThrows(IllegalArgumentException.class, () -> registry.register("a", new Object()));
        assertTrue(builtIn.getMessage().contains("built-in"), builtIn.getMessage());
    }

    @Test
    void reRegisteringANameForgetsTheOldObject() {
        NameRegistry<Object> registry = new NameRegistry<>("widget");
        Object first = new Object();
        Object second = new Object();
        registry.register("custom", first);
        registry.register("custom", second);
        assertSame(second, registry.get("custom"));
        assertEquals("custom", registry.nameOf(second));
        assertNull(registry.nameOf(first));
    }
}
