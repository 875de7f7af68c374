package cthulhu.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set size of this process (VmRSS in {@code /proc/self/status}), the measure of
 * native memory used by the soak tests: their JVM has a fixed, pre-touched heap
 * ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}), so that what grows is native.
 */
final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /**
     * VmRSS in bytes after a garbage collection and a 200 ms pause: ND4J frees the buffers of its
     * internal temporaries, and DJL's cleaner its unreferenced arrays, once the collector has found
     * them unreachable.
     *
     * @throws IllegalStateException where there is no {@code /proc/self/status} (not Linux)
     */
    static long settledBytes() {
        System.gc();
        try {
            Thread.sleep(200);
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + STATUS + " to measure the resident set; the soak tests "
                    + "need Linux", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while measuring the resident set", e);
        }
        throw new IllegalStateException("No VmRSS line in " + STATUS);
    }

    /** Bytes as MiB with one decimal, for reports. */
    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
