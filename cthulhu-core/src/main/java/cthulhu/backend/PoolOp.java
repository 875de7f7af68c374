package cthulhu.backend;

/** How a pooling window ({@link Backend#pool}) combines its cells. */
public enum PoolOp {
    /** The largest cell; padding never wins. */
    MAX,
    /** The mean of the window's cells inside the input: padding is not counted (TensorFlow's {@code avg_pool}). */
    AVERAGE
}
