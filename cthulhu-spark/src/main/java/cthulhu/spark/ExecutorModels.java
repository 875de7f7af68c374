package cthulhu.spark;

import cthulhu.models.Sequential;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models an executor JVM holds, per broadcast of a saved model: each is deserialised from
 * the broadcast bytes once and then lent to task after task. A model is used by one thread at a
 * time, so an executor running several tasks at once holds one model per concurrent task; the
 * models of the few most recent broadcasts are kept, older ones closed.
 *
 * <p>A broadcast is known by its application and its id: ids start again at 0 in every
 * SparkContext, and one JVM may serve several in turn (local mode, a driver that stops its
 * session and starts another).
 */
final class ExecutorModels {

    private static final int KEPT_BROADCASTS = 4;

    /** One broadcast of one application. */
    private record BroadcastKey(String application, long id) {
        static BroadcastKey of(Broadcast<byte[]> saved) {
            return new BroadcastKey(SparkEnv.get().conf().getAppId(), saved.id());
        }
    }

    /** Idle models per broadcast, most recently used broadcast last. */
    private static final Map<BroadcastKey, ArrayDeque<Sequential>> IDLE = new LinkedHashMap<>(16, 0.75f, true);
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** A model of {@code saved} for this thread's exclusive use until {@link #giveBack}. */
    static Sequential borrow(Broadcast<byte[]> saved) {
        synchronized (IDLE) {
            ArrayDeque<Sequential> idle = IDLE.get(BroadcastKey.of(saved));
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        return load(saved.value());
    }

    /** Returns a model lent by {@link #borrow}; it is closed if its broadcast has been dropped meanwhile. */
    static void giveBack(Broadcast<byte[]> saved, Sequential model) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(BroadcastKey.of(saved), key -> new ArrayDeque<>()).push(model);
            Iterator<Map.Entry<BroadcastKey, ArrayDeque<Sequential>>> oldest = IDLE.entrySet().iterator();
            while (IDLE.size() > KEPT_BROADCASTS) {
                oldest.next().getValue().forEach(Sequential::close);
                oldest.remove();
            }
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
