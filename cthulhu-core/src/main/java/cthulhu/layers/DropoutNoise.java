package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.initializers.Seeds;

import java.util.SplittableRandom;

/**
 * The random keep-mask of the dropout layers: each element kept with probability
 * {@code 1 - rate}, from a seed that changes on every call. A seeded instance draws its seeds
 * from its own sequence, so that a run repeats; an unseeded one from {@link Seeds}.
 */
final class DropoutNoise {

    private final double rate;
    private final Long seed;
    private final SplittableRandom seeds;

    /**
     * @throws IllegalArgumentException naming the layer when {@code rate} is outside {@code [0, 1)}
     */
    DropoutNoise(String layer, double rate, Long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(layer + " needs a rate in [0, 1), the fraction of inputs to drop, got " + rate);
        }
        this.rate = rate;
        this.seed = seed;
        this.seeds = seed == null ? null : new SplittableRandom(seed);
    }

    double rate() {
        return rate;
    }

    Long seed() {
        return seed;
    }

    /** 1 where an element of {@code inputs} is kept (probability {@code 1 - rate}), 0 elsewhere, in the inputs' dtype. */
    Tensor keepMask(Tensor inputs) {
        return keepMask(inputs.shape(), inputs.dtype());
    }

    /** As {@link #keepMask(Tensor)} for a mask of {@code shape}, which broadcasts to the inputs' (a noise shape). */
    Tensor keepMask(Tensor inputs, int[] shape) {
        return keepMask(shape, inputs.dtype());
    }

    /** A mask of the given shape and type: 1 with probability {@code 1 − rate}, else 0. */
    Tensor keepMask(int[] shape, cthulhu.backend.DType dtype) {
        Tensor uniform = K.randomUniform(shape, 0, 1, nextSeed());
        Tensor keep = K.greaterEqual(uniform, rate);
        return keep.dtype() == dtype ? keep : K.cast(keep, dtype);
    }

    private synchronized long nextSeed() {
        return seeds != null ? seeds.nextLong() : Seeds.next();
    }
}
