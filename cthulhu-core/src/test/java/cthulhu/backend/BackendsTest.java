package cthulhu.backend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backend selection: precedence of the settings, priority, and the messages of every failure. */
class BackendsTest {

    @TempDir
    Path home;

    /** A backend that only answers discovery's questions; any tensor operation is a test failure. */
    private static Backend fake(String name, int priority, Throwable unavailable) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> name;
                    case "priority" -> priority;
                    case "artifact" -> "io.cthulhu:cthulhu-backend-" + name;
                    case "checkAvailable" -> {
                        if (unavailable != null) {
                            throw unavailable;
                        }
                        yield null;
                    }
                    case "toString" -> "fake " + name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new AssertionError("discovery must not call " + method.getName());
                });
    }

    private Settings settings(Properties properties, Map<String, String> env) {
        return Settings.read(properties, env, home.resolve(".cthulhu").resolve("cthulhu.json"));
    }

    private Settings none() {
        return settings(new Properties(), Map.of());
    }

    private static Properties property(String value) {
        Properties p = new Properties();
        p.setProperty("cthulhu.backend", value);
        return p;
    }

    private void writeConfig(String json) throws IOException {
        Files.createDirectories(home.resolve(".cthulhu"));
        Files.writeString(home.resolve(".cthulhu").resolve("cthulhu.json"), json);
    }

    @Test
    void theOnlyBackendIsChosen() {
        Backend pure = fake("pure", 0, null);
        assertSame(pure, Backends.resolve(none(), List.of(pure)));
    }

    @Test
    void theHighestPriorityWinsWhenNoneIsNamed() {
        Backend pure = fake("pure", 0, null);
        Backend djl = fake("djl", 10, null);
        Backend nd4j = fake("nd4j", 20, null);
        assertSame(nd4j, Backends.resolve(none(), List.of(pure, nd4j, djl)));
    }

    @Test
    void anUnavailableBackendIsSkippedWhenNoneIsNamed() {
        Backend pure = fake("pure", 0, null);
        Backend nd4j = fake("nd4j", 20, new UnsatisfiedLinkError("no jnind4jcpu in java.library.path"));
        assertSame(pure, Backends.resolve(none(), List.of(pure, nd4j)));
    }

    @Test
    void theSystemPropertyOverridesPriority() {
        Backend pure = fake("pure", 0, null);
        Backend nd4j = fake("nd4j", 20, null);
        assertSame(pure, Backends.resolve(settings(property("pure"), Map.of()), List.of(pure, nd4j)));
    }

    @Test
    void theEnvironmentVariableOverridesPriority() {
        Backend pure = fake("pure", 0, null);
        Backend djl = fake("djl", 10, null);
        Backend nd4j = fake("nd4j", 20, null);
        Settings s = settings(new Properties(), Map.of("CTHULHU_BACKEND", "djl"));
        assertEquals("environment variable CTHULHU_BACKEND", s.backendSource());
        assertSame(djl, Backends.resolve(s, List.of(pure, nd4j, djl)));
    }

    @Test
    void theConfigFileOverridesPriority() throws IOException {
        writeConfig("{\"backend\": \"pure\", \"floatx\": \"float64\", \"epsilon\": 1e-5}");
        Backend pure = fake("pure", 0, null);
        Backend nd4j = fake("nd4j", 20, null);
        Settings s = none();
        assertEquals(DType.FLOAT64, s.floatx());
        assertEquals(1e-5, s.epsilon());
        assertSame(pure, Backends.resolve(s, List.of(pure, nd4j)));
    }

    @Test
    void propertyBeatsEnvironmentBeatsConfigFile() throws IOException {
        writeConfig("{\"backend\": \"djl\"}");
        assertEquals("djl", none().backend());
        assertEquals("nd4j", settings(new Properties(), Map.of("CTHULHU_BACKEND", "nd4j")).backend());
        Settings all = settings(property("pure"), Map.of("CTHULHU_BACKEND", "nd4j"));
        assertEquals("pure", all.backend());
        assertEquals("system property cthulhu.backend", all.backendSource());
    }

    @Test
    void defaultsWithoutAnySetting() {
        Settings s = none();
        assertEquals(null, s.backend());
        assertEquals(DType.FLOAT32, s.floatx());
        assertEquals(1e-7, s.epsilon());
    }

    @Test
    void aNamedBackendThatIsAbsentNamesWhatWasFoundAndTheArtifactToAdd() {
        Backend pure = fake("pure", 0, null);
        Backend djl = fake("djl", 10, new UnsatisfiedLinkError("libtorch.so: cannot open shared object file"));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.resolve(settings(property("nd4j"), Map.of()), List.of(pure, djl)));
        assertEquals("Backend 'nd4j' was requested by system property cthulhu.backend but is not on the classpath. "
                + "Found: pure (priority 0, available), djl (priority 10, unavailable: java.lang.UnsatisfiedLinkError: "
                + "libtorch.so: cannot open shared object file). Add the Maven artifact io.cthulhu:cthulhu-backend-nd4j "
                + "to your dependencies. Choose a backend with -Dcthulhu.backend=<name>, the environment variable "
                + "CTHULHU_BACKEND, or {\"backend\": \"<name>\"} in ~/.cthulhu/cthulhu.json.", e.getMessage());
    }

    @Test
    void anUnknownBackendNameListsTheShippedBackends() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.resolve(settings(property("tensorflow"), Map.of()), List.of(fake("pure", 0, null))));
        assertTrue(e.getMessage().contains("No backend of that name ships with cthulhu; the shipped ones are djl, nd4j, pure "
                + "(io.cthulhu:cthulhu-backend-djl, io.cthulhu:cthulhu-backend-nd4j, io.cthulhu:cthulhu-backend-pure)."),
                e.getMessage());
    }

    @Test
    void aNamedBackendWhoseNativeLibraryFailsIsAnErrorNotAFallback() {
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError("no jnind4jcpu in java.library.path");
        Backend pure = fake("pure", 0, null);
        Backend nd4j = fake("nd4j", 20, cause);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.resolve(settings(new Properties(), Map.of("CTHULHU_BACKEND", "nd4j")), List.of(pure, nd4j)));
        assertEquals("Backend 'nd4j' was requested by environment variable CTHULHU_BACKEND but cannot run on this "
                + "machine: java.lang.UnsatisfiedLinkError: no jnind4jcpu in java.library.path. Found: pure (priority 0, "
                + "available), nd4j (priority 20, unavailable: java.lang.UnsatisfiedLinkError: no jnind4jcpu in "
                + "java.library.path). Choose a backend with -Dcthulhu.backend=<name>, the environment variable "
                + "CTHULHU_BACKEND, or {\"backend\": \"<name>\"} in ~/.cthulhu/cthulhu.json.", e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void noBackendAtAllSaysWhatToAdd() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.resolve(none(), List.of()));
        assertTrue(e.getMessage().startsWith("No cthulhu backend can run. Found no backend on the classpath"), e.getMessage());
        assertTrue(e.getMessage().contains("Add io.cthulhu:cthulhu-backend-pure"), e.getMessage());
    }

    @Test
    void onlyUnavailableBackendsIsAnErrorListingWhy() {
        Backend djl = fake("djl", 10, new IllegalStateException("engine failed to start"));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.resolve(none(), List.of(djl)));
        assertTrue(e.getMessage().contains("djl (priority 10, unavailable: java.lang.IllegalStateException: engine failed to start)"),
                e.getMessage());
    }

    @Test
    void anExplicitlyRegisteredBackendIsACandidate() {
        Backend custom = fake("custom-registered", 5, null);
        Backends.register(custom);
        assertTrue(Backends.discover().contains(custom));
        assertSame(custom, Backends.resolve(settings(property("custom-registered"), Map.of()), Backends.discover()));
    }

    @Test
    void aBrokenConfigFileIsNamed() throws IOException {
        writeConfig("{\"backend\": ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::none);
        assertTrue(e.getMessage().startsWith(home.resolve(".cthulhu").resolve("cthulhu.json") + " is not valid JSON"),
                e.getMessage());
    }

    @Test
    void anUnknownFloatxListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(new Properties(), Map.of("CTHULHU_FLOATX", "float16")));
        assertEquals("Unknown floatx: float16. Valid values: float32, float64", e.getMessage());
    }

    @Test
    void availabilityIsProbedOnce() {
        int[] calls = new int[1];
        Backend counted = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "counted";
                    case "priority" -> 1;
                    case "artifact" -> "io.cthulhu:counted";
                    case "checkAvailable" -> {
                        calls[0]++;
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
        Backends.resolve(none(), List.of(counted));
        Backends.resolve(none(), List.of(counted));
        assertEquals(1, calls[0]);
        assertInstanceOf(Backend.class, counted);
    }
}
