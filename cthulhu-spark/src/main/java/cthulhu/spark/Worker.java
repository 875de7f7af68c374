package cthulhu.spark;

import cthulhu.backend.BackendUnavailableException;
import cthulhu.backend.K;
import org.apache.spark.SparkEnv;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * How task code runs on an executor: with the backend named by the Spark setting
 * {@value #BACKEND_CONF} if the driver had one, else the backend the executor's own discovery
 * chooses ({@code -Dcthulhu.backend}, {@code CTHULHU_BACKEND}, {@code ~/.cthulhu/cthulhu.json},
 * priority), and with the driver model's float type. A backend that cannot load there is a
 * {@link WorkerBackendException} naming the executor and the backend.
 *
 * @param backend the backend's name, or null for the executor's discovery
 * @param floatx {@code "float32"} or {@code "float64"}
 */
record Worker(String backend, String floatx) implements Serializable {

    /** The Spark setting that names the backend executors use, e.g. {@code --conf spark.cthulhu.backend=nd4j}. */
    static final String BACKEND_CONF = "spark.cthulhu.backend";

    <T> T run(Supplier<T> body) {
        try {
            return backend == null
                    ? K.withFloatx(floatx, () -> {
                        K.currentBackend();
                        return body.get();
                    })
                    : K.withBackend(backend, () -> K.withFloatx(floatx, body));
        } catch (BackendUnavailableException e) {
            throw new WorkerBackendException("Executor " + executor() + " cannot load the cthulhu backend "
                    + (backend == null ? "that its discovery chose" : "'" + backend + "' named by " + BACKEND_CONF)
                    + ": " + e.getMessage() + " Put the backend's jar on the executors' classpath (in the application's"
                    + " shaded jar or with --jars), or choose another with --conf " + BACKEND_CONF + "=<name>", e);
        }
    }

    /** This JVM's executor as messages name it: its id and host. */
    static String executor() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "(no Spark executor)" : env.executorId() + " on host " + env.blockManager().blockManagerId().host();
    }
}
