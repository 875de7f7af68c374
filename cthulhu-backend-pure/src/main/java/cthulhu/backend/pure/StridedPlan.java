package cthulhu.backend.pure;

import java.util.Arrays;

/**
 * A walk over a row-major output of some shape that reads one or more operands through their
 * own strides (0 along a broadcast axis). Axes of size 1 are dropped and adjacent axes that are
 * contiguous for every operand are merged, so the walk is a sequence of runs along one
 * innermost axis, each handed to a {@link Run} that loops over it.
 */
final class StridedPlan {

    /** A loop over one run of {@code n} output elements starting at {@code out}. */
    @FunctionalInterface
    interface Run {
        /**
         * @param out the output offset of the run's first element
         * @param off0 the first element's offset in operand 0
         * @param off1 the first element's offset in operand 1 (0 if absent)
         * @param off2 the first element's offset in operand 2 (0 if absent)
         * @param n the run length
         */
        void run(int out, int off0, int off1, int off2, int n);
    }

    private final int[] shape;
    private final int[][] strides;
    private final int[] offsets;
    private final int size;

    private StridedPlan(int[] shape, int[][] strides, int[] offsets, int size) {
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
        this.size = size;
    }

    /**
     * The strides, per axis of {@code out}, at which an operand of shape {@code in} that
     * broadcasts to {@code out} is read: row-major strides, 0 along the axes it is repeated on.
     */
    static int[] broadcastStrides(int[] in, int[] out) {
        int[] s = new int[out.length];
        int stride = 1;
        for (int i = in.length - 1, o = out.length - 1; i >= 0; i--, o--) {
            s[o] = in[i] == 1 ? 0 : stride;
            stride *= in[i];
        }
        return s;
    }

    /**
     * Plans a walk over {@code shape} with one to three operands.
     *
     * @param shape the output shape
     * @param offsets each operand's offset of the output's first element
     * @param strides each operand's stride per output axis
     */
    static StridedPlan of(int[] shape, int[] offsets, int[]... strides) {
        int ops = strides.length;
        int size = (int) cthulhu.backend.Shapes.size(shape);
        int[] dims = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = rank > 0;
            for (int p = 0; p < ops && merge; p++) {
                merge = st[p][rank - 1] == strides[p][d] * shape[d];
            }
            if (merge) {
                dims[rank - 1] *= shape[d];
                for (int p = 0; p < ops; p++) {
                    st[p][rank - 1] = strides[p][d];
                }
            } else {
                dims[rank] = shape[d];
                for (int p = 0; p < ops; p++) {
                    st[p][rank] = strides[p][d];
                }
                rank++;
            }
        }
        if (rank == 0) {
            return new StridedPlan(new int[] {1}, new int[ops][1], offsets.clone(), size);
        }
        int[][] trimmed = new int[ops][];
        for (int p = 0; p < ops; p++) {
            trimmed[p] = Arrays.copyOf(st[p], rank);
        }
        return new StridedPlan(Arrays.copyOf(dims, rank), trimmed, offsets.clone(), size);
    }

    /** The length of every run. */
    int runLength() {
        return shape[shape.length - 1];
    }

    /** Operand {@code p}'s stride along a run: 0 (broadcast), 1 (contiguous) or larger. */
    int runStride(int p) {
        return strides[p][shape.length - 1];
    }

    /**
     * Calls {@code run} once per run, in output order on one thread or split over the cores
     * when {@code size · costPerElement} is large.
     */
    void forEachRun(Run run, int costPerElement) {
        if (size == 0) {
            return;
        }
        int inner = runLength();
        int rows = size / inner;
        Parallel.forRange(rows, (long) size * costPerElement, (from, to) -> runRows(run, from, to));
    }

    private void runRows(Run run, int from, int to) {
        int rank = shape.length;
        int ops = strides.length;
        int inner = shape[rank - 1];
        int[] index = new int[rank];
        int[] off = new int[3];
        int rest = from;
        for (int d = rank - 2; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        for (int p = 0; p < ops; p++) {
            int o = offsets[p];
            for (int d = 0; d < rank - 1; d++) {
                o += index[d] * strides[p][d];
            }
            off[p] = o;
        }
        for (int r = from; r < to; r++) {
            run.run(r * inner, off[0], off[1], off[2], inner);
            for (int d = rank - 2; d >= 0; d--) {
                for (int p = 0; p < ops; p++) {
                    off[p] += strides[p][d];
                }
                if (++index[d] < shape[d]) {
                    break;
                }
                for (int p = 0; p < ops; p++) {
                    off[p] -= strides[p][d] * shape[d];
                }
                index[d] = 0;
            }
        }
    }
}
