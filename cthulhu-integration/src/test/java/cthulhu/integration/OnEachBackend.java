package cthulhu.integration;

import cthulhu.backend.K;
import cthulhu.backend.TensorScope;
import cthulhu.conformance.TensorAssert;
import cthulhu.conformance.Tolerance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs one computation on each of the three backends of this classpath and compares the results
 * with those of the pure-Java backend, reporting the largest difference found.
 */
final class OnEachBackend {

    /** The backends, the reference (pure Java) first. */
    static final List<String> BACKENDS = List.of("pure", "nd4j", "djl");

    private OnEachBackend() {
    }

    /**
     * The result of {@code body} on each backend in float type {@code floatx}, by backend name;
     * every tensor the body creates is freed when it returns.
     */
    static <T> Map<String, T> run(String floatx, Supplier<T> body) {
        Map<String, T> results = new LinkedHashMap<>();
        for (String backend : BACKENDS) {
            results.put(backend, K.withBackend(backend, () -> K.withFloatx(floatx, () -> {
                try (TensorScope scope = TensorScope.open()) {
                    return body.get();
                }
            })));
        }
        return results;
    }

    /**
     * Asserts that every backend's values equal the pure backend's within {@code tolerance} and
     * prints, per backend, the largest absolute difference and the largest share of the
     * tolerance used ({@code |a - r| / (atol + rtol · |r|)}; at most 1 when the assertion holds).
     *
     * @param what names the values in messages and in the printed line
     */
    static void assertAgree(String what, Map<String, double[]> values, Tolerance tolerance) {
        double[] reference = values.get(BACKENDS.get(0));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s", what));
        for (String backend : BACKENDS.subList(1, BACKENDS.size())) {
            double[] actual = values.get(backend);
            TensorAssert.assertClose(reference, actual, tolerance, what + " on " + backend + " against pure");
            double maxAbs = 0;
            double share = 0;
            for (int i = 0; i < reference.length; i++) {
                double d = Math.abs(actual[i] - reference[i]);
                if (Double.isFinite(d)) {
                    maxAbs = Math.max(maxAbs, d);
                    share = Math.max(share, d / (tolerance.atol() + tolerance.rtol() * Math.abs(reference[i])));
                }
            }
            line.append(String.format(Locale.ROOT, "  %s: max |d| %.1e (%.2f of tol)", backend, maxAbs, share));
        }
        System.out.println(line);
    }
}
