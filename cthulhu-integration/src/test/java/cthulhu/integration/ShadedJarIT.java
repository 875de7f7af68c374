package cthulhu.integration;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar (core, the three backends and their native libraries in one file, service files
 * merged) runs with {@code java -jar}: discovery finds all three, each loads and computes, and
 * the one of highest priority is the default.
 */
class ShadedJarIT {

    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void javaDashJarFindsAllThreeBackendsAvailable() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("shaded.jar", "target/cthulhu-integration-all.jar"));
        assertTrue(Files.isRegularFile(jar), "the shaded jar should have been built at " + jar + " by mvn package");
        Path output = Files.createTempFile("backend-report", ".txt");
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("java -jar " + jar + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), () -> "exit status of java -jar " + jar + "; output:\n" + text);
            List<String> lines = text.lines().toList();
            // The column sums of [[1, 2], [3, 4]] are [4, 6] on every backend.
            for (String expected : List.of(
                    "backend pure priority 0 io.cthulhu:cthulhu-backend-pure available: column sums [4.0, 6.0]",
                    "backend nd4j priority 20 io.cthulhu:cthulhu-backend-nd4j available: column sums [4.0, 6.0]",
                    "backend djl priority 10 io.cthulhu:cthulhu-backend-djl available: column sums [4.0, 6.0]")) {
                assertTrue(lines.contains(expected), () -> "no line '" + expected + "' in the output:\n" + text);
            }
            assertTrue(lines.contains("default nd4j"), () -> "nd4j, of highest priority, should be the default:\n" + text);
        } finally {
            Files.delete(output);
        }
    }
}
