package cthulhu.spark;

import cthulhu.models.Sequential;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The models an executor JVM holds, per saved model: each is deserialised from the broadcast
 * bytes once and then lent to task after task. A model is used by one thread at a time, so an
 * executor running several tasks at once holds one model per concurrent task; the models of the
 * few most recently used saved models are kept, older ones closed.
 *
 * <p>A saved model is known by its application and either its broadcast's id — training, whose
 * tasks change the lent models' weights, so that a model serves one fit only — or the digest of
 * its bytes — prediction, which leaves the weights alone, so that repeated calls on an unchanged
 * model reuse what an earlier call loaded whatever broadcast carried it. Broadcast ids start
 * again at 0 in every SparkContext, and one JVM may serve several in turn (local mode, a driver
 * that stops its session and starts another).
 */
final class ExecutorModels {

    private static final int KEPT_MODELS = 4;

    /** One saved model of one application: its broadcast's id, or the digest of its bytes with no id ({@code -1}). */
    private record Key(String application, long broadcast, String digest) {
        static Key of(Broadcast<byte[]> saved, String digest) {
            return new Key(SparkEnv.get().conf().getAppId(), digest == null ? saved.id() : -1, digest);
        }
    }

    /** Idle models per saved model, most recently used last. */
    private static final Map<Key, ArrayDeque<Sequential>> IDLE = new LinkedHashMap<>(16, 0.75f, true);
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** A model of {@code saved}, known by its broadcast, for this thread's exclusive use until {@link #giveBack}. */
    static Sequential borrow(Broadcast<byte[]> saved) {
        return borrow(saved, null);
    }

    /**
     * A model of {@code saved} for this thread's exclusive use until {@link #giveBack}, known by
     * {@code digest} (the digest of the saved bytes, see {@link #digest}), or by the broadcast when null.
     */
    static Sequential borrow(Broadcast<byte[]> saved, String digest) {
        synchronized (IDLE) {
            ArrayDeque<Sequential> idle = IDLE.get(Key.of(saved, digest));
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        return load(saved.value());
    }

    /** Returns a model lent by {@link #borrow(Broadcast)}. */
    static void giveBack(Broadcast<byte[]> saved, Sequential model) {
        giveBack(saved, null, model);
    }

    /**
     * Returns a model lent by {@link #borrow(Broadcast, String)} with the same {@code digest}; the
     * models of the least recently used saved model are closed when more than {@value #KEPT_MODELS} are held.
     */
    static void giveBack(Broadcast<byte[]> saved, String digest, Sequential model) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(Key.of(saved, digest), key -> new ArrayDeque<>()).push(model);
            Iterator<Map.Entry<Key, ArrayDeque<Sequential>>> oldest = IDLE.entrySet().iterator();
            while (IDLE.size() > KEPT_MODELS) {
                oldest.next().getValue().forEach(Sequential::close);
                oldest.remove();
            }
        }
    }

    /**
     * The SHA-256, in hex, of the names and contents of the entries of {@code saved} (a saved
     * model's archive): a saved model's identity for {@link #borrow(Broadcast, String)}. The
     * archive's own bytes would not do: they carry each entry's time of writing, so saving one
     * model twice gives other bytes.
     */
    static String digest(byte[] saved) {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(saved))) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                digest.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(zip.readAllBytes());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform provides SHA-256: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the saved model to identify it: " + e.getMessage(), e);
        }
    }

    /** How many models this JVM has deserialised so far. */
    static int loads() {
        return LOADS.get();
    }

    private static Sequential load(byte[] bytes) {
        try {
            Path file = Files.createTempFile("cthulhu-model", ".cthulhu");
            try {
                Files.write(file, bytes);
                Sequential model = Sequential.load(file);
                LOADS.incrementAndGet();
                return model;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot deserialise the broadcast model on this executor: " + e.getMessage(), e);
        }
    }
}
