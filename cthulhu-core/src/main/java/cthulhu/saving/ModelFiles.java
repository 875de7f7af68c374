package cthulhu.saving;

import cthulhu.models.Model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The one entry for model files: reads any supported format, recognised by content, and writes
 * the format a file name asks for.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>format</th><th>recognised by</th><th>written for</th><th>class</th></tr>
 *   <tr><td>cthulhu archive</td><td>a zip holding {@code model.json}</td><td>any other name</td><td>{@link ModelIO}</td></tr>
 *   <tr><td>Keras 3 {@code .keras}</td><td>a zip holding {@code config.json}</td><td>{@code *.keras}</td><td>{@link KerasArchive}</td></tr>
 *   <tr><td>legacy HDF5</td><td>the HDF5 signature</td><td>{@code *.h5}, {@code *.hdf5}</td><td>{@link LegacyHdf5}</td></tr>
 * </table>
 */
public final class ModelFiles {

    private static final byte[] ZIP = {'P', 'K', 3, 4};

    private ModelFiles() {
    }

    /** The formats {@link #load} recognises. */
    enum Format { CTHULHU, KERAS, HDF5 }

    /**
     * Reads a model from any supported format, compiled when the file holds a training
     * configuration.
     *
     * @throws NoSuchFileException when there is no such file
     * @throws ModelFormatException naming the file and the problem when it is in no supported
     *     format, damaged, or holds something cthulhu cannot build; nothing half-loaded is returned
     */
    public static Model load(Path path) throws IOException {
        return load(path, true);
    }

    /**
     * Reads a model from any supported format; with {@code compile = false} a Keras file's
     * optimizer, loss and metrics are not restored.
     *
     * @throws NoSuchFileException when there is no such file
     * @throws ModelFormatException as {@link #load(Path)}
     */
    public static Model load(Path path, boolean compile) throws IOException {
        return switch (detect(path)) {
            case CTHULHU -> ModelIO.load(path);
            case KERAS -> KerasArchive.read(path, compile);
            case HDF5 -> LegacyHdf5.read(path, compile);
        };
    }

    /**
     * Writes the model in the format its name asks for: {@code .keras} Keras 3's zip,
     * {@code .h5}/{@code .hdf5} Keras's legacy HDF5, any other name cthulhu's archive.
     *
     * @throws IllegalArgumentException when the chosen Keras format cannot express a layer or
     *     activation of the model, naming it
     * @throws IOException when the file cannot be written
     */
    public static void save(Model model, Path path) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".keras")) {
            KerasArchive.write(model, path);
        } else if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            LegacyHdf5.write(model, path);
        } else {
            ModelIO.save(model, path);
        }
    }

    /**
     * Sets the model's weights from a Keras weights file ({@code .weights.h5} of Keras 3, or a
     * legacy {@code .h5}) or from the weights of a Keras model file.
     *
     * @throws ModelFormatException naming the file, layer and weight when one is missing or its
     *     shape differs; the model's weights are then unchanged
     */
    public static void loadWeights(Model model, Path path) throws IOException {
        if (detect(path) != Format.HDF5) {
            throw new ModelFormatException(path, "weights load from an HDF5 file (.weights.h5 or .h5); this is a model"
                    + " archive — load it with Model.load");
        }
        LegacyHdf5.readWeights(path, model);
    }

    /**
     * Writes the model's weights: Keras 3's layout for {@code *.weights.h5}, the legacy layout
     * for other {@code *.h5}.
     *
     * @throws IllegalArgumentException for a name that does not end in {@code .h5}
     * @throws IOException when the file cannot be written
     */
    public static void saveWeights(Model model, Path path) throws IOException {
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".h5")) {
            throw new IllegalArgumentException("Weights are saved as HDF5: give a name ending in .weights.h5 (Keras 3) or .h5"
                    + " (legacy), not " + path.getFileName());
        }
        LegacyHdf5.writeWeights(model, path);
    }

    /** The format of a file by its first bytes (and, for a zip, its entries). */
    static Format detect(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no model file there");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(8);
        }
        if (Hdf5.isHdf5(head)) {
            return Format.HDF5;
        }
        if (head.length >= 4 && head[0] == ZIP[0] && head[1] == ZIP[1] && head[2] == ZIP[2] && head[3] == ZIP[3]) {
            try (ZipFile zip = new ZipFile(path.toFile())) {
                if (zip.getEntry(KerasArchive.CONFIG) != null) {
                    return Format.KERAS;
                }
                if (zip.getEntry(ModelIO.ARCHITECTURE) != null) {
                    return Format.CTHULHU;
                }
                throw new ModelFormatException(path, "the zip archive has neither " + KerasArchive.CONFIG + " (Keras 3 .keras) nor "
                        + ModelIO.ARCHITECTURE + " (cthulhu archive)");
            } catch (ZipException e) {
                throw new ModelFormatException(path, "the file is damaged or not a cthulhu model archive"
                        + " or Keras .keras file: the zip archive is truncated or damaged (" + e.getMessage() + ")", e);
            }
        }
        throw new ModelFormatException(path, head.length == 0 ? "the file is empty"
                : "it is neither a zip archive (.keras, cthulhu archive) nor an HDF5 file (.h5): its first bytes are "
                + hex(head));
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }
}
