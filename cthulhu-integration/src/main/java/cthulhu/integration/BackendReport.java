package cthulhu.integration;

import cthulhu.backend.Backend;
import cthulhu.backend.Backends;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;

import java.util.Arrays;

/**
 * Prints every backend that discovery finds on the classpath, whether it can run here, and the
 * one chosen when the user names none: the entry point of the shaded jar, which proves that the
 * merged service files and the bundled native libraries work from a single jar.
 *
 * <p>One line per backend, in discovery order:
 * <pre>
 * backend nd4j priority 20 io.cthulhu:cthulhu-backend-nd4j available: column sums [4.0, 6.0]
 * </pre>
 * where the column sums of {@code [[1, 2], [3, 4]]} are computed on that backend; an unavailable
 * backend prints {@code unavailable: <reason>} instead. The last line is {@code default <name>}.
 * The exit status is 1 when some discovered backend cannot run, else 0.
 */
public final class BackendReport {

    private BackendReport() {
    }

    /** Prints the report; takes no arguments. */
    public static void main(String[] args) {
        boolean allAvailable = true;
        for (Backend b : Backends.discover()) {
            Throwable failure = Backends.probe(b);
            String status = failure == null ? "available: column sums " + columnSums(b) : "unavailable: " + failure;
            allAvailable &= failure == null;
            System.out.printf("backend %s priority %d %s %s%n", b.name(), b.priority(), b.artifact(), status);
        }
        System.out.println("default " + K.backend());
        if (!allAvailable) {
            System.exit(1);
        }
    }

    private static String columnSums(Backend backend) {
        return K.withBackend(backend, () -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = K.constant(new double[] {1, 2, 3, 4}, 2, 2);
                return Arrays.toString(K.sum(x, 0, false).toDoubleArray());
            }
        });
    }
}
