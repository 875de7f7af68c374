package cthulhu.config;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one name table behind every kind of name. */
class NameRegistryTest {

    @Test
    void aliasesShareTheFirstNameAsCanonical() {
        NameRegistry<Object> registry = new NameRegistry<>("widget", "Widgets");
        Object square = new Object();
        registry.builtIn("mean_squared", square);
        registry.builtIn("ms", square);
        assertSame(square, registry.get("ms"));
        assertEquals("mean_squared", registry.nameOf(square));
        assertEquals(Set.of("mean_squared", "ms"), registry.names());
    }

    @Test
    void unknownNamesListTheValidOnesAndBuiltInsCannotBeReplaced() {
        NameRegistry<Object> registry = new NameRegistry<>("widget", "Widgets");
        registry.builtIn("b", new Object());
        registry.builtIn("a", new Object());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> registry.get("c"));
        assertEquals("Unknown widget: c. Valid names: a, b; register a custom widget with Widgets.register", unknown.getMessage());
        IllegalArgumentException builtIn = assertThrows(IllegalArgumentException.class, () -> registry.register("a", new Object()));
        assertTrue(builtIn.getMessage().contains("built-in"), builtIn.getMessage());
    }

    @Test
    void reRegisteringANameForgetsTheOldObject() {
        NameRegistry<Object> registry = new NameRegistry<>("widget", "Widgets");
        Object first = new Object();
        Object second = new Object();
        registry.register("custom", first);
        registry.register("custom", second);
        assertSame(second, registry.get("custom"));
        assertEquals("custom", registry.nameOf(second));
        assertNull(registry.nameOf(first));
    }

    @Test
    void namesMatchExactlyUnlessBuiltInsAreAskedToMatchInAnyCase() {
        NameRegistry<Object> exact = new NameRegistry<>("widget", "Widgets");
        Object relu = new Object();
        exact.builtIn("relu", relu);
        assertNull(exact.find("ReLU"));
        NameRegistry<Object> anyCase = new NameRegistry<>("widget", "Widgets").builtInsInAnyCase();
        Object adam = new Object();
        anyCase.builtIn("adam", adam);
        anyCase.register("custom", new Object());
        assertSame(adam, anyCase.get("Adam"));
        assertSame(adam, anyCase.get("ADAM"));
        assertNull(anyCase.find("Custom"), "user names match exactly");
    }

    @Test
    void reservedNamesAreListedAndCannotBeRegistered() {
        NameRegistry<Object> registry = new NameRegistry<>("widget", "Widgets");
        registry.reserve("accuracy");
        assertEquals(Set.of("accuracy"), registry.names());
        assertThrows(IllegalArgumentException.class, () -> registry.register("accuracy", new Object()));
    }

    @Test
    void serializeNamesTheObjectOrSaysHowToRegisterIt() {
        NameRegistry<Object> registry = new NameRegistry<>("widget", "Widgets");
        Object known = new Object();
        registry.register("known", known);
        assertEquals("known", registry.serialize(known));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.serialize(new Object()));
        assertTrue(e.getMessage().contains("Widgets.register(\"name\""), e.getMessage());
    }
}
