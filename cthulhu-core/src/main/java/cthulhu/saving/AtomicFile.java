package cthulhu.saving;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces a file atomically: the content is written to a temporary file beside the target, then
 * renamed over it, so that a reader never sees a half-written model.
 */
final class AtomicFile {

    /** Writes the content to a given path. */
    @FunctionalInterface
    interface Writer {
        /** Writes the whole content to {@code path}, an empty file. */
        void write(Path path) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Writes {@code target} through {@code writer}, creating the parent directories.
     *
     * @throws IOException when the target is a directory or cannot be written
     */
    static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException("Cannot save model to " + target + ": it is a directory; give a file name such as model.keras or model.cthulhu");
        }
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
