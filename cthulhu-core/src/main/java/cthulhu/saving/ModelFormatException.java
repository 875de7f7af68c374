package cthulhu.saving;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A saved model that cannot be loaded: the file is damaged (not an archive, bad magic number,
 * truncated, checksum mismatch, malformed JSON) or its weights do not match its architecture.
 * The message names the file and what is wrong.
 */
public class ModelFormatException extends IOException {

    private final Path path;

    /**
     * @param path the file that was read
     * @param problem what is wrong with it
     */
    public ModelFormatException(Path path, String problem) {
        super("Cannot load model " + path + ": " + problem);
        this.path = path;
    }

    /**
     * @param path the file that was read
     * @param problem what is wrong with it
     * @param cause the underlying error
     */
    public ModelFormatException(Path path, String problem, Throwable cause) {
        super("Cannot load model " + path + ": " + problem, cause);
        this.path = path;
    }

    /** The file that was read. */
    public Path path() {
        return path;
    }
}
