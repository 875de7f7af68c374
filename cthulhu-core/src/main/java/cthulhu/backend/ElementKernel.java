package cthulhu.backend;

/**
 * An element-wise computation over several tensors of one shape, run by
 * {@link K#mapElements} in one pass over their storage: element {@code i} of every output is a
 * function of element {@code i} of every input, nothing else.
 *
 * <p>The pass hands the kernel the elements a chunk at a time. A kernel is written in double,
 * {@link #apply(double[][], double[][], int)}; float32 tensors are widened on the way in and
 * rounded once on the way out, unless the kernel also has a float32 form ({@link #floats()},
 * made with {@link #of}), which then computes float32 tensors in single precision, as Keras
 * computes a float32 model, without the widening. Optimizers use this for their update: one
 * read and one write of each element, where the same formula written with {@link K} would run a
 * kernel (and allocate a tensor) per operation.
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

    /**
     * The same computation on float32 elements, run for float32 tensors in place of widening them
     * to double; null (the default) when the kernel has none.
     */
    default FloatKernel floats() {
        return null;
    }

    /**
     * An element kernel over float32 elements: {@link ElementKernel#apply(double[][], double[][], int)}
     * in single precision.
     */
    @FunctionalInterface
    interface FloatKernel {

        /** As {@link ElementKernel#apply(double[][], double[][], int)}, on float32 elements. */
        void apply(float[][] in, float[][] out, int length);
    }

    /**
     * A kernel with both forms: {@code doubles} for float64 tensors, {@code floats} for float32
     * tensors. The two must compute the same formula, each in its own precision.
     */
    static ElementKernel of(ElementKernel doubles, FloatKernel floats) {
        return new ElementKernel() {
            @Override
            public void apply(double[][] in, double[][] out, int length) {
                doubles.apply(in, out, length);
            }

            @Override
            public FloatKernel floats() {
                return floats;
            }
        };
    }
}
