package cthulhu.spark;

import org.apache.spark.SparkConf;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's end of parameter averaging when a Spark job runs a whole epoch: a server the
 * tasks of an epoch connect to once. Each task fetches the epoch's starting state from it
 * ({@link #publish}) and one task hands the epoch's final state back to it ({@link #take}), so
 * that the model's weights and optimizer state (a megabyte for a small MLP) cross between
 * driver and executor as one run of bytes each way, not inside the task's closure (serialised,
 * compressed and broadcast by Spark) and its result. In a barrier stage each task also sends
 * its partition's result every round and receives the sum of all partitions' results, added in
 * partition order — the same sum on every task, computed once — so a round costs a round trip
 * to the driver. Values travel as their raw bytes ({@link Blocks#write}), streamed between the
 * tensors' copies and the socket, and what a task sends must have the published state's block
 * lengths, so no message can make the driver allocate more than a state.
 *
 * <p>The tasks of one stage attempt form a group. A task of a newer attempt (Spark reruns a
 * failed barrier stage whole) ends the older group, whose tasks are told so; a task that
 * disconnects before it has said it is done fails its group, whose waiting tasks are told which
 * partition left in which round. A task waits for a round's sum at most the timeout, then fails
 * naming its partition and executor.
 */
final class AveragingServer implements AutoCloseable {

    /** The Spark setting that bounds a task's wait for a round's sum, e.g. {@code 600s} (the default). */
    static final String TIMEOUT_CONF = "spark.cthulhu.averaging.timeout";
    static final String DEFAULT_TIMEOUT = "600s";

    private static final int MAGIC = 0x63746875;
    /** What a task sends: the first byte of each message. */
    private static final byte ROUND = 1;
    private static final byte DONE = 2;
    private static final byte JOIN = 3;
    private static final byte FETCH = 4;
    private static final byte HAND_IN = 5;
    /** What the server replies: the first byte of each reply. */
    private static final byte SUM = 1;
    private static final byte FAILED = 2;
    private static final byte STATE = 3;
    private static final byte TAKEN = 4;

    /** The buffer of each end's socket streams: a state of a megabyte goes through in few system calls. */
    private static final int BUFFER = 1 << 16;

    private final ServerSocket socket;
    private final Address address;
    private final List<Socket> connections = new ArrayList<>();
    private Group group;
    private boolean closed;
    /** The epoch whose starting state is {@link #published}, written out; -1 before the first. */
    private long epoch = -1;
    private Bytes published;
    /**
     * The number of values in each block of the published state: what every state and round
     * result a task sends must have; null before the first epoch, when nothing is accepted.
     */
    private int[] layout;
    /** The final states tasks handed in for {@link #epoch}, by the task attempt that ran them. */
    private final Map<Long, Blocks> handedIn = new HashMap<>();

    private AveragingServer(ServerSocket socket, Address address) {
        this.socket = socket;
        this.address = address;
        Thread accept = new Thread(this::accept, "cthulhu-averaging-server");
        accept.setDaemon(true);
        accept.start();
    }

    /**
     * A server on the driver's address ({@code spark.driver.bindAddress}, else {@code spark.driver.host})
     * at a free port, which the tasks reach at {@code spark.driver.host}.
     *
     * @throws UncheckedIOException when no port can be opened there
     */
    static AveragingServer start(SparkConf conf) {
        String host = conf.get("spark.driver.host", "localhost");
        long timeout = conf.getTimeAsMs(TIMEOUT_CONF, DEFAULT_TIMEOUT);
        try {
            ServerSocket server = new ServerSocket(0, 64, InetAddress.getByName(conf.get("spark.driver.bindAddress", host)));
            return new AveragingServer(server, new Address(host, server.getLocalPort(), (int) Math.min(timeout, Integer.MAX_VALUE)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the parameter averaging server on the driver's host " + host + ": "
                    + e.getMessage(), e);
        }
    }

    /** Where tasks reach the server, and how long they wait for a round's sum. */
    Address address() {
        return address;
    }

    /**
     * Makes {@code state} the starting state tasks of {@code epoch} fetch, and forgets the states
     * handed in for earlier epochs.
     */
    synchronized void publish(long epoch, Blocks state) {
        this.epoch = epoch;
        this.published = bytes(BUFFER, out -> state.write(out, 1));
        this.layout = state.lengths();
        handedIn.clear();
    }

    /**
     * The final state of {@link #publish published} {@code epoch} that the task attempt {@code taskAttempt}
     * (Spark's {@code TaskContext.taskAttemptId}) handed in.
     *
     * @throws IllegalStateException when that attempt handed in no state for the epoch
     */
    synchronized Blocks take(long epoch, long taskAttempt) {
        Blocks state = this.epoch == epoch ? handedIn.remove(taskAttempt) : null;
        if (state == null) {
            throw new IllegalStateException("Task attempt " + taskAttempt + " of epoch " + epoch
                    + " reported its result but the parameter averaging server holds no final state from it");
        }
        handedIn.clear();
        return state;
    }

    /** Stops accepting, tells the tasks of a running group that the fit is over, and closes every connection. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (group != null) {
                group.fail("the fit on the driver ended");
            }
            notifyAll();
            for (Socket s : connections) {
                closeQuietly(s);
            }
        }
        closeQuietly(socket);
    }

    private void accept() {
        while (true) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    closeQuietly(s);
                    return;
                }
                connections.add(s);
            }
            Thread t = new Thread(() -> serve(s), "cthulhu-averaging-" + s.getRemoteSocketAddress());
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * One task's connection: its messages until it is done — fetching the starting state, joining
     * its stage attempt's group, its rounds, handing in the final state.
     */
    private void serve(Socket s) {
        Group g = null;
        int partition = -1;
        int round = 0;
        // Why the task left before saying it is done; null once it has.
        String left = "its connection closed";
        try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), BUFFER));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), BUFFER))) {
            // As the task's end: a reply's last bytes must not wait for the acknowledgement of those before.
            s.setTcpNoDelay(true);
            if (in.readInt() != MAGIC) {
                return;
            }
            while (true) {
                byte kind = in.readByte();
                Object answer;
                if (kind == DONE) {
                    left = null;
                    return;
                } else if (kind == FETCH) {
                    answer = fetch(in.readLong());
                    if (answer instanceof Bytes state) {
                        state.sendAs(out, STATE);
                    }
                } else if (kind == HAND_IN) {
                    long epochOf = in.readLong();
                    long taskAttempt = in.readLong();
                    answer = handIn(epochOf, taskAttempt, Blocks.read(in, layout()));
                    if (answer == null) {
                        reply(out, TAKEN, new byte[0]);
                    }
                } else if (kind == JOIN && g == null) {
                    int stage = in.readInt();
                    int attempt = in.readInt();
                    partition = in.readInt();
                    int partitions = in.readInt();
                    answer = join(stage, attempt, partition, partitions);
                    if (answer instanceof Group joined) {
                        g = joined;
                    }
                } else if (kind == ROUND && g != null) {
                    answer = g.add(this, partition, round, Sums.read(in, layout()));
                    if (answer instanceof Bytes sum) {
                        sum.sendAs(out, SUM);
                        round++;
                    }
                } else {
                    // Only a task of this fit speaks to the server, in this order: anything else is not one.
                    left = "it sent a message out of order";
                    return;
                }
                if (answer instanceof String refusal) {
                    reply(out, FAILED, refusal.getBytes(StandardCharsets.UTF_8));
                    left = "it was refused: " + refusal;
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            left = e instanceof EOFException ? "its connection closed" : e.toString();
        } finally {
            synchronized (this) {
                if (g != null && left != null) {
                    g.fail("the task of partition " + partition + " left in round " + round + " (" + left + ")");
                    notifyAll();
                }
                connections.remove(s);
            }
        }
    }

    /** The written-out starting state of {@code epochOf}, or why there is none. */
    private synchronized Object fetch(long epochOf) {
        if (closed) {
            return "the fit on the driver ended";
        }
        return epochOf == epoch ? published : "epoch " + epochOf + " is not running (epoch " + epoch + " is)";
    }

    /** Keeps {@code state} as {@code taskAttempt}'s final state of {@code epochOf}; null, or why it cannot. */
    private synchronized String handIn(long epochOf, long taskAttempt, Blocks state) {
        if (closed) {
            return "the fit on the driver ended";
        }
        if (epochOf != epoch) {
            return "epoch " + epochOf + " is not running (epoch " + epoch + " is)";
        }
        handedIn.put(taskAttempt, state);
        return null;
    }

    /**
     * The published state's block lengths, which what a task sends must have.
     *
     * @throws IOException before the first epoch is published: nothing a task sends is expected then
     */
    private synchronized int[] layout() throws IOException {
        if (layout == null) {
            throw new IOException("no epoch has started");
        }
        return layout;
    }

    /** The group of {@code stage}'s {@code attempt} with this task in it, or why the task cannot join. */
    private synchronized Object join(int stage, int attempt, int partition, int partitions) {
        if (closed) {
            return "the fit on the driver ended";
        }
        if (group == null || group.newerThanThis(stage, attempt)) {
            if (group != null) {
                group.fail("stage " + stage + " attempt " + attempt + " replaced stage " + group.stage + " attempt " + group.attempt);
                notifyAll();
            }
            group = new Group(stage, attempt, partitions);
        } else if (group.stage != stage || group.attempt != attempt) {
            return "stage " + stage + " attempt " + attempt + " is older than the running stage " + group.stage
                    + " attempt " + group.attempt;
        }
        if (partition < 0 || partition >= group.partitions || group.joined[partition]) {
            return "partition " + partition + " cannot join stage " + stage + " attempt " + attempt + " of "
                    + group.partitions + " partitions twice";
        }
        group.joined[partition] = true;
        return group;
    }

    private static void reply(DataOutputStream out, byte kind, byte[] body) throws IOException {
        out.writeByte(kind);
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    /** The tasks of one stage attempt and the round they are in. */
    private static final class Group {
        final int stage;
        final int attempt;
        final int partitions;
        final boolean[] joined;
        /** Each partition's result of the current round, null until it arrives. */
        Sums[] results;
        int arrived;
        /** Rounds completed; the sum of the last one, written out, in {@link #sum}. */
        long completed;
        Bytes sum;
        String failure;

        Group(int stage, int attempt, int partitions) {
            this.stage = stage;
            this.attempt = attempt;
            this.partitions = partitions;
            this.joined = new boolean[partitions];
            this.results = new Sums[partitions];
        }

        boolean newerThanThis(int otherStage, int otherAttempt) {
            return otherStage > stage || otherStage == stage && otherAttempt > attempt;
        }

        void fail(String why) {
            if (failure == null) {
                failure = why;
            }
        }

        /**
         * Adds {@code partition}'s result to the round, waits for the others, and returns the
         * round's sum written out (its tensors, when every partition's are a float32 model's, as
         * their mean rounded to floats), or why the group failed.
         */
        Object add(AveragingServer server, int partition, int round, Sums result) throws IOException {
            synchronized (server) {
                if (failure != null) {
                    return failure;
                }
                results[partition] = result;
                long waitingFor = completed;
                if (++arrived == partitions) {
                    List<Sums> parts = Arrays.asList(results);
                    boolean floats = parts.stream().allMatch(r -> r.samples() == 0 || r.floatTensors())
                            && parts.stream().anyMatch(r -> r.samples() > 0);
                    // A float32 model restores the mean as floats: sent so, the reply is half the sum's doubles.
                    int size = server.published.size() + BUFFER;
                    sum = floats ? bytes(size, out -> Sums.writeFloatMean(out, parts))
                            : bytes(size, parts.stream().reduce(Sums.none(), Sums::add)::write);
                    results = new Sums[partitions];
                    arrived = 0;
                    completed++;
                    server.notifyAll();
                }
                while (completed == waitingFor && failure == null && !server.closed) {
                    try {
                        server.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return "the averaging server was interrupted in round " + round;
                    }
                }
                if (completed > waitingFor) {
                    return sum;
                }
                return failure != null ? failure : "the fit on the driver ended";
            }
        }
    }

    /** Where a task reaches the server, and how long it waits for a round's sum, in milliseconds. */
    record Address(String host, int port, int timeoutMillis) implements Serializable {
    }

    /**
     * A task's connection to the server: {@link #state} first, then in a barrier stage
     * {@link #exchange} each round, {@link #handIn} by the task whose result the driver keeps,
     * and {@link #done} last; closing without {@code done} tells the other tasks this one failed.
     */
    static final class Client implements AutoCloseable {
        private final Address address;
        private final int partition;
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private int round;

        private Client(Address address, int partition, Socket socket) throws IOException {
            this.address = address;
            this.partition = partition;
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
            this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
        }

        /**
         * Connects the task of {@code partition}, which exchanges no rounds (the only partition).
         *
         * @throws IllegalStateException when the server cannot be reached within the timeout
         */
        static Client open(Address address, int partition) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(address.timeoutMillis());
                socket.connect(new InetSocketAddress(address.host(), address.port()), address.timeoutMillis());
                Client c = new Client(address, partition, socket);
                c.out.writeInt(MAGIC);
                return c;
            } catch (IOException e) {
                closeQuietly(socket);
                throw new IllegalStateException("The task of partition " + partition + " on executor " + Worker.executor()
                        + " cannot reach the parameter averaging server at " + address.host() + ":" + address.port()
                        + " (spark.driver.host): " + e.getMessage(), e);
            }
        }

        /**
         * Connects the task of {@code partition} (of {@code partitions}) in {@code stage}'s {@code attempt}
         * and joins its group, which exchanges rounds.
         *
         * @throws IllegalStateException when the server cannot be reached within the timeout
         */
        static Client connect(Address address, int stage, int attempt, int partition, int partitions) {
            Client c = open(address, partition);
            try {
                c.out.writeByte(JOIN);
                c.out.writeInt(stage);
                c.out.writeInt(attempt);
                c.out.writeInt(partition);
                c.out.writeInt(partitions);
                // Sent now, so that a task failing before its first round fails its group at once.
                c.out.flush();
                return c;
            } catch (IOException e) {
                c.close();
                throw c.lost("joining stage " + stage + " attempt " + attempt, e);
            }
        }

        /**
         * The starting state of {@code epoch}, as the driver published it.
         *
         * @throws IllegalStateException when the server has no such epoch running, or is lost
         */
        Blocks state(long epoch) {
            try {
                out.writeByte(FETCH);
                out.writeLong(epoch);
                out.flush();
                awaitReply(STATE, "fetching the starting state of epoch " + epoch);
                return Blocks.read(in, null);
            } catch (IOException e) {
                throw lost("fetching the starting state of epoch " + epoch, e);
            }
        }

        /**
         * Hands in {@code state} as the final state of {@code epoch} run by the task attempt
         * {@code taskAttempt}, and returns once the server holds it.
         *
         * @throws IllegalStateException when the server refuses it (the epoch is over) or is lost
         */
        void handIn(long epoch, long taskAttempt, Blocks state) {
            try {
                out.writeByte(HAND_IN);
                out.writeLong(epoch);
                out.writeLong(taskAttempt);
                state.write(out, 1);
                out.flush();
                awaitReply(TAKEN, "handing in the final state of epoch " + epoch);
            } catch (IOException e) {
                throw lost("handing in the final state of epoch " + epoch, e);
            }
        }

        /**
         * Sends this partition's result of the round and returns the sum of every partition's.
         *
         * @throws IllegalStateException when the round fails on another task or the server, or no sum
         *     comes within the timeout ({@value #TIMEOUT_CONF})
         */
        Sums exchange(Sums mine) {
            try {
                out.writeByte(ROUND);
                mine.write(out);
                out.flush();
                awaitReply(SUM, "round " + round);
                Sums sum = Sums.read(in, null);
                round++;
                return sum;
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("The task of partition " + partition + " on executor " + Worker.executor() + " waited more than "
                        + address.timeoutMillis() + " ms for round " + round + "'s average from the parameter averaging server at "
                        + address.host() + ":" + address.port() + "; another task is stuck or slower than " + TIMEOUT_CONF
                        + " allows", e);
            } catch (IOException e) {
                throw lost("round " + round, e);
            }
        }

        /**
         * Reads the head of the server's reply to what this task was {@code doing}, which must be of
         * kind {@code expected}; its body follows in the stream.
         */
        private void awaitReply(byte expected, String doing) throws IOException {
            byte kind = in.readByte();
            int length = in.readInt();
            if (kind != expected) {
                byte[] body = new byte[length];
                in.readFully(body);
                throw new IllegalStateException("Parameter averaging failed in " + doing + " for the task of partition "
                        + partition + " on executor " + Worker.executor() + ": " + new String(body, StandardCharsets.UTF_8));
            }
        }

        private IllegalStateException lost(String doing, IOException e) {
            return new IllegalStateException("The task of partition " + partition + " on executor " + Worker.executor()
                    + " lost the parameter averaging server at " + address.host() + ":" + address.port() + " in " + doing
                    + ": " + e.getMessage(), e);
        }

        /** Tells the server this task has finished. */
        void done() {
            try {
                out.writeByte(DONE);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("The task of partition " + partition + " cannot tell the parameter averaging server it is done: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }

    /** Something written to a stream once, to be sent as it is to every task that asks. */
    private interface Written {
        void to(DataOutput out) throws IOException;
    }

    /** What {@code written} writes, in an array first sized for {@code size} bytes. */
    private static Bytes bytes(int size, Written written) {
        Bytes bytes = new Bytes(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            written.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a message of the parameter averaging server: " + e.getMessage(), e);
        }
        return bytes;
    }

    /** Bytes written once and sent as they are to every task that asks. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        /**
         * Sends these bytes as the body of a reply of {@code kind}: straight from the array, without
         * the copy {@code toByteArray} makes or the lock {@code writeTo} takes, so that the threads
         * of a round's tasks send the same sum at once.
         */
        void sendAs(DataOutputStream out, byte kind) throws IOException {
            out.writeByte(kind);
            out.writeInt(count);
            out.write(buf, 0, count);
            out.flush();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing is best effort: the peer sees the connection end either way.
        }
    }
}
