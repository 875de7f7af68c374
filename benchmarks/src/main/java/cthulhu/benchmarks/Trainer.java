package cthulhu.benchmarks;

/**
 * One implementation of a training problem: owns its weights, optimizer state and the batches of
 * its data set, and frees its native memory on {@link #close()}.
 */
interface Trainer extends AutoCloseable {

    /**
     * One optimizer step on batch {@code i} (forward, loss, backward, Adam update).
     *
     * @return the batch loss before the update
     */
    float step(int i);

    /** The number of batches in the data set. */
    int batches();

    /**
     * One pass over every batch in order.
     *
     * @return the mean of the batch losses, the loss Keras's {@code fit} reports for an epoch
     */
    default float epoch() {
        double sum = 0;
        for (int i = 0; i < batches(); i++) {
            sum += step(i);
        }
        return (float) (sum / batches());
    }

    @Override
    void close();
}
