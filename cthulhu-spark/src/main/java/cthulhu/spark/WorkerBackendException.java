package cthulhu.spark;

/**
 * Thrown when an executor cannot load the cthulhu backend it was asked to use. The message names
 * the executor, its host, the backend and why it failed, with the fix.
 */
public class WorkerBackendException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** @param message the executor, the backend and the reason */
    public WorkerBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
