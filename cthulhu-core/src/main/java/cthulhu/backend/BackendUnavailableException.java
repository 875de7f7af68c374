package cthulhu.backend;

/**
 * Thrown when no backend can be used: the one asked for is absent or fails to load, or none is
 * on the classpath. The message names what was asked for, every backend found and why each was
 * rejected, how to choose another, and the Maven artifact to add.
 */
public class BackendUnavailableException extends IllegalStateException {

    /** @param message the full explanation, with the fix */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message the full explanation, with the fix
     * @param cause why the backend failed to load
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
