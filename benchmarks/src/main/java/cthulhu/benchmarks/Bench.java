package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * What every benchmark shares: the backend lookup, the cthulhu call wrapper and the synthetic
 * data, drawn from fixed seeds so that every implementation sees the same numbers.
 */
public final class Bench {

    /** JVM flag that enables the vector module in every measurement fork. */
    public static final String ADD_VECTOR_MODULE = "--add-modules";
    /** The module {@link #ADD_VECTOR_MODULE} names. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Heap of every fork: room for a few 64 MiB arrays of the element-wise benchmarks. */
    public static final String HEAP = "-Xmx3g";

    private Bench() {
    }

    /**
     * The backend registered under {@code name}, resolved once so that each measured call pays
     * only for the {@link K#withBackend(Backend, Supplier)} override, not for discovery.
     *
     * @throws cthulhu.backend.BackendUnavailableException if that backend is absent or cannot load
     */
    public static Backend backend(String name) {
        return K.withBackend(name, K::currentBackend);
    }

    /** Runs {@code body} with {@code backend} active on this thread and returns its result. */
    public static <T> T on(Backend backend, Supplier<T> body) {
        return K.withBackend(backend, body);
    }

    /** {@code n} floats uniform in {@code [min, max)} from {@code seed}. */
    public static float[] uniform(int n, double min, double max, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(min, max);
        }
        return out;
    }

    /**
     * A Glorot-uniform kernel of shape {@code fanIn × fanOut}, row-major: uniform in
     * {@code ±sqrt(6 / (fanIn + fanOut))}, the Keras default every implementation starts from.
     */
    public static float[] glorotUniform(int fanIn, int fanOut, long seed) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        return uniform(fanIn * fanOut, -limit, limit, seed);
    }

    /** {@code n} one-hot rows of width {@code classes}, row-major, classes drawn from {@code seed}. */
    public static float[] oneHot(int n, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n * classes];
        for (int i = 0; i < n; i++) {
            out[i * classes + random.nextInt(classes)] = 1f;
        }
        return out;
    }

    /** A tensor on {@code backend} holding {@code data} with {@code shape}; created outside any scope. */
    public static Tensor tensor(Backend backend, float[] data, int... shape) {
        return on(backend, () -> K.constant(data, shape));
    }
}
