package cthulhu.initializers;

import java.util.SplittableRandom;

/**
 * The source of fresh seeds for everything random that was given no seed of its own: unseeded
 * initializers and dropout masks. {@link #reset(long)} makes a whole run reproducible, like
 * Keras's {@code np.random.seed}.
 */
public final class Seeds {

    private static SplittableRandom source = new SplittableRandom();

    private Seeds() {
    }

    /** The next seed of the global sequence. Thread-safe. */
    public static synchronized long next() {
        return source.nextLong();
    }

    /** Restarts the global sequence from {@code seed}, so that the seeds drawn after it repeat from run to run. */
    public static synchronized void reset(long seed) {
        source = new SplittableRandom(seed);
    }
}
