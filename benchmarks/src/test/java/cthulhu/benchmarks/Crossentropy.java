package cthulhu.benchmarks;

/** The categorical crossentropy of one sample, in double: the reference the trainer tests compute. */
final class Crossentropy {

    private Crossentropy() {
    }

    /**
     * {@code -Σ y · log softmax(z)}, with the softmax shifted by {@code max(z)} so that no
     * exponential overflows.
     *
     * @param logits the sample's logits {@code z}
     * @param labels one-hot rows of width {@code logits.length}, row-major
     * @param row the sample's row in {@code labels}
     */
    static double of(double[] logits, float[] labels, int row) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        double loss = 0;
        for (int c = 0; c < logits.length; c++) {
            loss -= labels[row * logits.length + c] * (logits[c] - max - Math.log(sum));
        }
        return loss;
    }
}
