package cthulhu.backend.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtNDManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Properties;

/**
 * Loads DJL's PyTorch engine from the native library shipped in the classified
 * {@code ai.djl.pytorch:pytorch-native-cpu} jar, never from the network.
 *
 * <p>How DJL 0.36 finds libtorch ({@code ai.djl.pytorch.jni.LibUtils}): a libtorch in
 * {@code PYTORCH_LIBRARY_PATH} or {@code java.library.path} wins; otherwise the bundled
 * {@code native/lib/pytorch.properties} of the native jar is used, a CPU build matching the
 * operating system and architecture (GPU or not), and its files are extracted to DJL's cache
 * directory ({@code ~/.djl.ai/pytorch}, or {@code DJL_CACHE_DIR} / {@code ENGINE_CACHE_DIR}).
 * DJL downloads only when no such jar is on the classpath or {@code PYTORCH_VERSION} names
 * another version ({@code PYTORCH_FLAVOR} matters only to that download). Separately, DJL's
 * engine start pings an AWS metadata endpoint unless offline mode or {@code OPT_OUT_TRACKING} is set.
 *
 * <p>So before the engine class loads, {@link #newManager()} sets the system properties
 * {@code ai.djl.offline=true} (any download attempt then fails at once instead of hanging) and
 * {@code OPT_OUT_TRACKING=true}, each only if the user has not set it, and checks that the
 * native jar is present and that {@code PYTORCH_VERSION}, if set, agrees with it. Users set nothing.
 *
 * <p>It also sets {@code ai.djl.pytorch.num_threads=1} unless that property or
 * {@code OMP_NUM_THREADS} is set: the small operations of Keras-style models gain nothing from
 * libtorch's OpenMP pool, whose threads spin between operations and, on a busy machine, wait for
 * a core (a 40-epoch training test took 19 s with two threads and 2 s with one on two shared cores).
 */
final class PyTorchNatives {

    /** The resource DJL reads to find the bundled libtorch; it is in the classified native jar. */
    static final String BUNDLE_PROPERTIES = "native/lib/pytorch.properties";

    private static final String ENGINE = "PyTorch";
    private static final String NATIVE_ARTIFACT = "ai.djl.pytorch:pytorch-native-cpu:2.7.1";
    private static final String CLASSIFIERS = "linux-x86_64, linux-aarch64, osx-aarch64 or win-x86_64";

    private PyTorchNatives() {
    }

    /**
     * Configures offline loading, starts the PyTorch engine and opens a base manager on the CPU.
     *
     * @throws IllegalStateException if the native jar is missing or {@code PYTORCH_VERSION} asks
     *     for a version it does not hold
     * @throws ai.djl.engine.EngineException with the cause when libtorch fails to load
     */
    static PtNDManager newManager() {
        Properties bundle = bundle();
        setIfAbsent("ai.djl.offline", "DJL_OFFLINE", "true");
        setIfAbsent("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "OMP_NUM_THREADS", "1");
        String bundled = bundle.getProperty("version", "");
        String wanted = envOrProperty("PYTORCH_VERSION");
        if (wanted != null && !wanted.isEmpty() && !bundled.startsWith(wanted)) {
            throw new IllegalStateException("PYTORCH_VERSION=" + wanted + " asks DJL to download PyTorch " + wanted
                    + ", but the bundled native library is " + bundled + " and the djl backend never downloads. "
                    + "Unset PYTORCH_VERSION (environment variable or system property).");
        }
        // The engine picks a GPU device by default when it sees one; the bundled library is CPU-only.
        return (PtNDManager) Engine.getEngine(ENGINE).newBaseManager(Device.cpu());
    }

    /** The bundled library's description, e.g. {@code version=2.7.1-20250812, flavor=cpu, classifier=linux-x86_64}. */
    static Properties bundle() {
        URL url = Thread.currentThread().getContextClassLoader() == null ? null
                : Thread.currentThread().getContextClassLoader().getResource(BUNDLE_PROPERTIES);
        if (url == null) {
            url = PyTorchNatives.class.getClassLoader().getResource(BUNDLE_PROPERTIES);
        }
        if (url == null) {
            throw new IllegalStateException("The PyTorch native library is not on the classpath (no "
                    + BUNDLE_PROPERTIES + "), and the djl backend never downloads it. Add " + NATIVE_ARTIFACT
                    + " with the classifier of this platform (" + CLASSIFIERS + "; this JVM runs on "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + url, e);
        }
        return p;
    }

    private static void setIfAbsent(String property, String env, String value) {
        if (System.getProperty(property) == null && System.getenv(env) == null) {
            System.setProperty(property, value);
        }
    }

    private static String envOrProperty(String name) {
        String env = System.getenv(name);
        return env != null ? env : System.getProperty(name);
    }
}
