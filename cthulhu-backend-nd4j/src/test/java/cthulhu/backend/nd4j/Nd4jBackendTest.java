package cthulhu.backend.nd4j;

import cthulhu.backend.Backend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration, availability and the report when ND4J's native library cannot load. */
class Nd4jBackendTest {

    @Test
    void isRegisteredAsAServiceAboveThePureBackend() {
        Backend found = ServiceLoader.load(Backend.class).stream().map(ServiceLoader.Provider::get)
                .filter(b -> b.name().equals("nd4j")).findFirst().orElseThrow();
        assertTrue(found instanceof Nd4jBackend);
        assertEquals(20, found.priority());
        assertEquals("io.cthulhu:cthulhu-backend-nd4j", found.artifact());
    }

    @Test
    void checkAvailableLoadsTheNativeLibraryHere() {
        new Nd4jBackend().checkAvailable();
    }

    /**
     * A JVM told to load the natives of a platform that does not exist fails to load ND4J; asking
     * for the backend then reports the platform and the original {@code UnsatisfiedLinkError}.
     */
    @Test
    void aNativeLoadFailureIsReportedWithItsCause() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Dorg.bytedeco.javacpp.platform=linux-nowhere",
                "-cp", System.getProperty("java.class.path"), NativeLoadFailureProbe.class.getName()))
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM finished");
        String report = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), report);
        assertTrue(report.contains("REPORT Backend 'nd4j' was requested by"), report);
        assertTrue(report.contains("cannot run on this machine"), report);
        assertTrue(report.contains("cannot load or run on platform linux-nowhere"), report);
        assertTrue(report.contains("CAUSE java.lang.IllegalStateException"), report);
        assertTrue(report.contains("CAUSE java.lang.UnsatisfiedLinkError"), report);
    }
}
