package cthulhu.backend;

/**
 * An element-wise computation over several tensors of one shape, run by
 * {@link K#mapElements} in one pass over their storage: element {@code i} of every output is a
 * function of element {@code i} of every input, nothing else.
 *
 * <p>The pass hands the kernel the elements a chunk at a time, as double arrays: float32 tensors
 * are widened on the way in and rounded once on the way out, so a kernel is written once, in
 * double, for both types. Optimizers use this for their update: one read and one write of each
 * element, where the same formula written with {@link K} would run a kernel (and allocate a
 * tensor) per operation.
 */
@FunctionalInterface
public interface ElementKernel {

    /**
     * Computes elements {@code [0, length)} of every output from the same elements of the inputs.
     *
     * @param in the inputs' elements, in the order given to {@link K#mapElements}; read only
     * @param out one array per output, each of at least {@code length} elements, to fill
     * @param length the number of elements in this chunk
     */
    void apply(double[][] in, double[][] out, int length);
}
