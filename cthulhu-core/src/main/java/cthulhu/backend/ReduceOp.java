package cthulhu.backend;

/** The reductions along one axis every backend implements. */
public enum ReduceOp {
    /** The sum; 0 over an empty axis. */
    SUM,
    /** The largest element. */
    MAX,
    /** The smallest element. */
    MIN
}
