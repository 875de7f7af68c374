package cthulhu.integration;

import cthulhu.backend.Backend;
import cthulhu.backend.BackendUnavailableException;
import cthulhu.backend.Backends;
import cthulhu.backend.K;
import cthulhu.backend.Settings;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static cthulhu.conformance.TensorAssert.assertExactly;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the three backend jars on one classpath: discovery finds all three and each can run;
 * without a choice the one of highest priority wins (nd4j 20 over djl 10 over pure 0, as their
 * {@code priority()} methods say); {@code -Dcthulhu.backend=<name>} selects each; a tensor of one
 * backend given to an operation on another fails naming both; {@code K.convert} moves it.
 */
class DiscoveryTest {

    /** Settings from a system property only: no environment variable, no config file. */
    private static Settings fromProperty(String backend) {
        Properties properties = new Properties();
        properties.setProperty(Settings.BACKEND_PROPERTY, backend);
        return Settings.read(properties, Map.of(), Path.of("no-such-dir", "cthulhu.json"));
    }

    @Test
    void allThreeAreFoundAndAvailable() {
        List<Backend> found = Backends.discover();
        assertEquals(List.of("djl", "nd4j", "pure"), found.stream().map(Backend::name).sorted().toList());
        for (Backend b : found) {
            assertNull(Backends.probe(b), () -> b.name() + " should run here");
            assertEquals("io.cthulhu:cthulhu-backend-" + b.name(), b.artifact());
        }
    }

    @Test
    void withoutAChoiceTheHighestPriorityWinsInTheOrderNd4jDjlPure() {
        List<Backend> byPriority = Backends.discover().stream()
                .sorted(Comparator.comparingInt(Backend::priority).reversed()).toList();
        assertEquals(List.of("nd4j", "djl", "pure"), byPriority.stream().map(Backend::name).toList());
        assertEquals(List.of(20, 10, 0), byPriority.stream().map(Backend::priority).toList());
        Settings none = Settings.read(new Properties(), Map.of(), Path.of("no-such-dir", "cthulhu.json"));
        assertEquals("nd4j", Backends.resolve(none).name());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pure", "nd4j", "djl"})
    void theSystemPropertySelectsEachAndKUsesIt(String name) {
        Backend chosen = Backends.resolve(fromProperty(name));
        assertEquals(name, chosen.name());
        // One instance per backend: the property's choice and K.withBackend give the same object.
        assertSame(chosen, K.withBackend(name, K::currentBackend));
        assertEquals(name, K.withBackend(name, K::backend));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pure", "nd4j", "djl"})
    void aJvmStartedWithTheSystemPropertyRunsOnThatBackend(String name) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path output = Files.createTempFile("backend-" + name, ".txt");
        try {
            Process process = new ProcessBuilder(java.toString(), "-D" + Settings.BACKEND_PROPERTY + "=" + name,
                    "-cp", System.getProperty("java.class.path"), BackendReport.class.getName())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), () -> "exit status; output:\n" + text);
            assertTrue(text.lines().anyMatch(("default " + name)::equals), () -> "expected 'default " + name + "' in:\n" + text);
            assertTrue(text.contains("chosen by system property cthulhu.backend"), () -> "the log should say why:\n" + text);
        } finally {
            Files.delete(output);
        }
    }

    @Test
    void aBackendThatIsNotThereIsAnErrorListingTheOnesFound() {
        assertThrowsWithMessage(BackendUnavailableException.class, () -> Backends.resolve(fromProperty("tensorflow")),
                "'tensorflow'", "system property cthulhu.backend", "pure (priority 0, available)",
                "nd4j (priority 20, available)", "djl (priority 10, available)");
    }

    @Test
    void mixingTensorsOfTwoBackendsIsAnErrorNamingBoth() {
        List<String> names = OnEachBackend.BACKENDS;
        for (String first : names) {
            for (String second : names) {
                if (first.equals(second)) {
                    continue;
                }
                Tensor foreign = K.withBackend(first, () -> K.constant(new double[] {1, 2}, 2));
                try {
                    K.withBackend(second, () -> {
                        try (TensorScope scope = TensorScope.open()) {
                            Tensor mine = K.constant(new double[] {3, 4}, 2);
                            assertThrowsWithMessage(IllegalArgumentException.class, () -> K.add(mine, foreign),
                                    "backend '" + first + "'", "backend '" + second + "'", "K.convert");
                        }
                    });
                } finally {
                    foreign.close();
                }
            }
        }
    }

    @Test
    void convertMovesATensorBetweenBackends() {
        Tensor onNd4j = K.withBackend("nd4j", () -> K.constant(new double[] {1.5, -2, 0.25, 8}, 2, 2));
        try {
            K.withBackend("djl", () -> {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor moved = K.convert(onNd4j);
                    assertSame(K.currentBackend(), moved.backend());
                    assertEquals("djl", moved.backend().name());
                    // Small binary fractions: exact in float32, so the values must come across bit for bit.
                    assertExactly(new double[] {1.5, -2, 0.25, 8}, moved);
                    assertExactly(new double[] {2.5, -1, 1.25, 9}, K.add(moved, 1));
                    Tensor back = K.withBackend("pure", () -> K.convert(moved));
                    assertEquals("pure", back.backend().name());
                    assertExactly(new double[] {1.5, -2, 0.25, 8}, back);
                }
            });
        } finally {
            onNd4j.close();
        }
    }
}
