package cthulhu.spark;

import cthulhu.models.Sequential;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
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
 * The models an executor JVM holds, per model source: each is built from its {@link Source} once
 * and then lent to task after task. A model is used by one thread at a time, so an executor
 * running several tasks at once holds one model per concurrent task; the models of the few most
 * recently used sources are kept, older ones closed.
 *
 * <p>A source is known by its application and a digest of what it carries, so that repeated
 * calls reuse what an earlier call built whatever carried it: a {@link #saved saved model}
 * (prediction and evaluation, which use its weights and leave them alone) by the digest of its
 * archive's entries; a {@link #config model's configuration} (training, whose tasks set every
 * variable from the shipped state before they compute) by the digest of its JSON — so that fit
 * after fit of one architecture and training configuration builds no model, while a changed
 * configuration (a callback's new learning rate) is a new source. Broadcast ids and application
 * ids differ between SparkContexts, and one JVM may serve several in turn (local mode, a driver
 * that stops its session and starts another).
 */
final class ExecutorModels {

    private static final int KEPT_MODELS = 4;

    /** What an executor builds a model from, known by a digest of its content. */
    interface Source extends Serializable {
        /** The digest that identifies the model this source builds. */
        String digest();

        /** A new model from this source. */
        Sequential build();
    }

    /** A saved model's archive, broadcast. */
    private record Saved(Broadcast<byte[]> bytes, String digest) implements Source {
        @Override
        public Sequential build() {
            try {
                Path file = Files.createTempFile("cthulhu-model", ".cthulhu");
                try {
                    Files.write(file, bytes.value());
                    return Sequential.load(file);
                } finally {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot deserialise the broadcast model on this executor: " + e.getMessage(), e);
            }
        }
    }

    /** A model's architecture and training configuration as its JSON ({@link Sequential#toJson}), shipped in the task. */
    private record Config(String json, String digest) implements Source {
        @Override
        public Sequential build() {
            return Sequential.fromJson(json);
        }
    }

    /** One source of one application. */
    private record Key(String application, String digest) {
        static Key of(Source source) {
            return new Key(SparkEnv.get().conf().getAppId(), source.digest());
        }
    }

    /** Idle models per source, most recently used last. */
    private static final Map<Key, ArrayDeque<Sequential>> IDLE = new LinkedHashMap<>(16, 0.75f, true);
    private static final AtomicInteger BUILDS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The saved model {@code bytes} (a cthulhu archive) as a source, broadcast by {@code context}; the caller destroys the broadcast. */
    static Source saved(JavaSparkContext context, byte[] bytes) {
        return new Saved(context.broadcast(bytes), entriesDigest(bytes));
    }

    /** The architecture and training configuration of {@code model} as a source; its weights travel separately. */
    static Source config(Sequential model) {
        String json = model.toJson();
        return new Config(json, sha256(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Releases what {@code source} holds on the cluster (a saved model's broadcast). */
    static void release(Source source) {
        if (source instanceof Saved s) {
            s.bytes().destroy();
        }
    }

    /** A model of {@code source} for this thread's exclusive use until {@link #giveBack}. */
    static Sequential borrow(Source source) {
        synchronized (IDLE) {
            ArrayDeque<Sequential> idle = IDLE.get(Key.of(source));
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        Sequential model = source.build();
        BUILDS.incrementAndGet();
        return model;
    }

    /**
     * Returns a model lent by {@link #borrow} for the same source; the models of the least
     * recently used source are closed when more than {@value #KEPT_MODELS} are held.
     */
    static void giveBack(Source source, Sequential model) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(Key.of(source), key -> new ArrayDeque<>()).push(model);
            Iterator<Map.Entry<Key, ArrayDeque<Sequential>>> oldest = IDLE.entrySet().iterator();
            while (IDLE.size() > KEPT_MODELS) {
                oldest.next().getValue().forEach(Sequential::close);
                oldest.remove();
            }
        }
    }

    /**
     * The SHA-256 of the names and contents of the entries of {@code saved} (a saved model's
     * archive). The archive's own bytes would not do: they carry each entry's time of writing, so
     * saving one model twice gives other bytes.
     */
    private static String entriesDigest(byte[] saved) {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(saved))) {
            MessageDigest digest = sha256();
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                digest.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(zip.readAllBytes());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the saved model to identify it: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of {@code bytes}, in hex. */
    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform provides SHA-256: " + e.getMessage(), e);
        }
    }

    /** How many models this JVM has built so far. */
    static int builds() {
        return BUILDS.get();
    }
}
