package cthulhu.callbacks;

import cthulhu.backend.K;
import cthulhu.backend.Variable;
import cthulhu.models.Model;
import cthulhu.optimizers.Optimizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Lets an interrupted {@code fit} resume where it stopped (Keras 3's {@code BackupAndRestore}).
 * After every epoch it saves the model — weights, optimizer state and step count — with the number
 * of epochs done, in {@code backupDir}; when a later {@code fit} with the same callback begins and
 * finds a backup, it restores the model from it and training resumes at the next epoch. When
 * training ends normally the backup is deleted (unless {@code deleteCheckpoint} is false).
 *
 * <p>A backup is atomic: the model goes to a new file {@code epoch-N.cthulhu}, then the pointer
 * file {@code checkpoint} is replaced by an atomic move, then the previous file is deleted; a
 * crash at any point leaves the last complete backup in force. Any model, a
 * {@link cthulhu.models.Sequential} or a functional graph, is backed up in cthulhu's archive and
 * read back with {@link Model#load}.
 */
public final class BackupAndRestore extends ModelCallback {

    private static final String POINTER = "checkpoint";

    private final Path dir;
    private final boolean deleteCheckpoint;
    private int restoredEpochs;

    /** Backs up to {@code backupDir} and deletes the backup when training completes. */
    public BackupAndRestore(Path backupDir) {
        this(backupDir, true);
    }

    /**
     * @param backupDir the directory of the backup, created if missing
     * @param deleteCheckpoint whether to delete the backup when training ends normally
     */
    public BackupAndRestore(Path backupDir, boolean deleteCheckpoint) {
        this.dir = backupDir;
        this.deleteCheckpoint = deleteCheckpoint;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        restoredEpochs = 0;
        Path pointer = dir.resolve(POINTER);
        if (!Files.exists(pointer)) {
            return;
        }
        try {
            String file = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            restoredEpochs = Integer.parseInt(file.substring("epoch-".length(), file.length() - ".cthulhu".length()));
            try (Model saved = Model.load(dir.resolve(file))) {
                restore(saved);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore cannot read the backup in " + dir, e);
        }
    }

    /** Copies the saved weights, optimizer state and step count into the model being trained. */
    private void restore(Model saved) {
        model().setWeights(saved.getWeights());
        Optimizer from = saved.getOptimizer();
        Optimizer to = model().getOptimizer();
        List<Variable> savedVariables = saved.trainableVariables();
        List<Variable> variables = model().trainableVariables();
        for (int i = 0; i < variables.size(); i++) {
            List<Variable> source = from.stateOf(savedVariables.get(i));
            List<Variable> target = to.stateOf(variables.get(i));
            for (int k = 0; k < target.size(); k++) {
                // A copy: the saved model's tensors are released with it.
                target.get(k).assign(K.add(source.get(k).value(), 0.0));
            }
        }
        to.setIterations(from.iterations());
    }

    @Override
    public int initialEpoch(int planned) {
        return Math.max(planned, restoredEpochs);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        try {
            Files.createDirectories(dir);
            Path pointer = dir.resolve(POINTER);
            String previous = Files.exists(pointer) ? Files.readString(pointer, StandardCharsets.UTF_8).trim() : null;
            String file = "epoch-" + (epoch + 1) + ".cthulhu";
            model().save(dir.resolve(file));
            Path temporary = dir.resolve(POINTER + ".tmp");
            Files.writeString(temporary, file, StandardCharsets.UTF_8);
            Files.move(temporary, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (previous != null && !previous.equals(file)) {
                Files.deleteIfExists(dir.resolve(previous));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore cannot write the backup in " + dir, e);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        if (!deleteCheckpoint) {
            return;
        }
        try {
            Path pointer = dir.resolve(POINTER);
            if (Files.exists(pointer)) {
                Files.deleteIfExists(dir.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim()));
                Files.delete(pointer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore cannot delete the backup in " + dir, e);
        }
    }
}
