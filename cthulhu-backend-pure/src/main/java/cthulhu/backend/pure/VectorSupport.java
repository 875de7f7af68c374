package cthulhu.backend.pure;

/**
 * Whether the kernels written on the JDK vector module ({@code jdk.incubator.vector}) are
 * used. This class names no vector type, so the backend loads and runs without the module; the
 * vector kernels live in their own classes, reached only when {@link #ENABLED} is true.
 */
final class VectorSupport {

    /**
     * System property that, set to {@code false}, keeps the plain-Java kernels even when the
     * vector module is present (for comparing the two).
     */
    static final String PROPERTY = "cthulhu.pure.vector";

    /**
     * True when the JVM was started with {@code --add-modules jdk.incubator.vector} and
     * {@value #PROPERTY} is not {@code false}.
     */
    static final boolean ENABLED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    private VectorSupport() {
    }
}
