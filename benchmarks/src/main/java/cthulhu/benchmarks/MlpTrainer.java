package cthulhu.benchmarks;

/**
 * One implementation of the {@link MlpSpec} training problem: owns its weights, optimizer state
 * and the batches of the data set, and frees its native memory on {@link #close()}.
 */
interface MlpTrainer extends AutoCloseable {

    /**
     * One optimizer step on batch {@code i} (forward, loss, backward, Adam update).
     *
     * @return the batch loss before the update
     */
    float step(int i);

    /** The number of batches in the data set. */
    int batches();

    /** One pass over every batch in order; returns the last batch loss. */
    default float epoch() {
        float loss = Float.NaN;
        for (int i = 0; i < batches(); i++) {
            loss = step(i);
        }
        return loss;
    }

    @Override
    void close();

    /**
     * The trainer named {@code impl}: a cthulhu backend ({@code pure}, {@code nd4j}, {@code djl})
     * or a raw library ({@code raw-djl}, {@code raw-nd4j}, {@code dl4j}).
     *
     * @throws IllegalArgumentException for another name
     */
    static MlpTrainer create(String impl, MlpSpec spec) {
        return switch (impl) {
            case "raw-djl" -> new DjlMlp(spec);
            case "raw-nd4j" -> new Nd4jMlp(spec);
            case "dl4j" -> new Dl4jMlp(spec);
            case "pure", "nd4j", "djl" -> new CthulhuMlp(Bench.backend(impl), spec);
            default -> throw new IllegalArgumentException("Unknown MLP implementation '" + impl
                    + "'; use pure, nd4j, djl, raw-djl, raw-nd4j or dl4j");
        };
    }
}
