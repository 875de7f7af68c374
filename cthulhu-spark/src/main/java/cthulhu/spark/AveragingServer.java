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
import java.io.InterruptedIOException;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The driver's end of parameter averaging when a Spark job runs whole epochs: a server the tasks
 * of the job connect to once. Each task asks it for its next epoch and waits there until the
 * driver has {@link #publish published} it — its number, the optimizer's step count and the
 * starting weights and optimizer state —, and one task hands each epoch's logs and final state
 * back ({@link #awaitFinished}); so one job runs epoch after epoch, with the driver's callbacks
 * between them, and the model's state (a megabyte for a small MLP) crosses between driver and
 * executor as one run of bytes each way, not inside a task's closure (serialised, compressed and
 * broadcast by Spark) and its result. The tasks end their job when the driver says so
 * ({@link #endJob}), when the model's configuration changes, and, once they have trained an epoch,
 * while another Spark job is running ({@link #otherJob}), whose tasks may need their slots. In a
 * barrier stage each task also sends
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
    private static final byte NEXT = 4;
    private static final byte HAND_IN = 5;
    /** What the server replies: the first byte of each reply. */
    private static final byte SUM = 1;
    private static final byte FAILED = 2;
    private static final byte EPOCH = 3;
    private static final byte TAKEN = 4;
    private static final byte END = 5;
    private static final byte JOINED = 6;
    /** {@link #next}'s answer when the task's job is to end. */
    private static final Object ENDS = new Object();

    /** The buffer of each end's socket streams: a state of a megabyte goes through in few system calls. */
    private static final int BUFFER = 1 << 16;
    /** How often the driver, waiting for an epoch, looks whether the job running it is over. */
    private static final long JOB_POLL_MILLIS = 20;

    private final ServerSocket socket;
    private final Address address;
    /** The fit's partitions: the size of a barrier stage's group. */
    private final int partitions;
    private final List<Socket> connections = new ArrayList<>();
    private Group group;
    private boolean closed;
    /**
     * The epoch {@link #published} (its number, the optimizer's step count at its start and its
     * starting state, written out), and the digest of the model configuration it trains; -1
     * before the first.
     */
    private long epoch = -1;
    private Bytes published;
    private String digest;
    /**
     * The number of values in each block of the published state: what every state and round
     * result a task sends must have; null before the first epoch, when nothing is accepted.
     */
    private int[] layout;
    /** What the first task to hand {@link #epoch} in handed in; null until then. */
    private Finished finished;
    /** Whether the running job's tasks are to end at their next epoch's start. */
    private boolean ending;
    /** The Spark jobs of others running now: tasks that have trained an epoch end to free their slots. */
    private final Set<Integer> otherJobs = new HashSet<>();

    private AveragingServer(ServerSocket socket, Address address, int partitions) {
        this.socket = socket;
        this.address = address;
        this.partitions = partitions;
        Thread accept = new Thread(this::accept, "cthulhu-averaging-server");
        accept.setDaemon(true);
        accept.start();
    }

    /**
     * A server on the driver's address ({@code spark.driver.bindAddress}, else {@code spark.driver.host})
     * at a free port, which the tasks reach at {@code spark.driver.host}, for a fit on {@code partitions}
     * partitions.
     *
     * @throws UncheckedIOException when no port can be opened there
     */
    static AveragingServer start(SparkConf conf, int partitions) {
        String host = conf.get("spark.driver.host", "localhost");
        long timeout = conf.getTimeAsMs(TIMEOUT_CONF, DEFAULT_TIMEOUT);
        try {
            ServerSocket server = new ServerSocket(0, 64, InetAddress.getByName(conf.get("spark.driver.bindAddress", host)));
            return new AveragingServer(server, new Address(host, server.getLocalPort(), (int) Math.min(timeout, Integer.MAX_VALUE)),
                    partitions);
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
     * Makes {@code epoch} the one tasks asking for their next epoch receive: the optimizer's step
     * count {@code iterations} at its start, its starting {@code state}, and the digest of the model
     * configuration it trains (a task built from another ends instead); forgets what was handed in
     * for earlier epochs.
     */
    synchronized void publish(long epoch, long iterations, String digest, Blocks state) {
        this.epoch = epoch;
        this.published = bytes(BUFFER, out -> {
            out.writeLong(epoch);
            out.writeLong(iterations);
            state.write(out, 1);
        });
        this.layout = state.lengths();
        this.digest = digest;
        this.finished = null;
        notifyAll();
    }

    /**
     * What the first task to finish the {@link #publish published} {@code epoch} handed in, once
     * it has; null if {@code jobOver} turns true first (the job running the epochs failed, or
     * ended without it).
     *
     * @throws IllegalStateException when the driver thread is interrupted while waiting
     */
    synchronized Finished awaitFinished(long epoch, BooleanSupplier jobOver) {
        while (this.epoch != epoch || finished == null) {
            if (jobOver.getAsBoolean()) {
                return null;
            }
            try {
                // A job's end does not notify the server: it is looked at this often.
                wait(JOB_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for epoch " + epoch + " on the executors", e);
            }
        }
        return finished;
    }

    /**
     * Whether the tasks of the running job end at their next epoch's start ({@code true}), or go on
     * with every epoch published; a new job starts with {@code false}.
     */
    synchronized void endJob(boolean end) {
        ending = end;
        notifyAll();
    }

    /**
     * Notes that Spark job {@code job}, not one of this fit's, started ({@code running}) or ended:
     * while one runs, a task that has trained an epoch ends at the next epoch's start, so that its
     * slot goes to that job, which may be one a callback started between two epochs and waits for.
     */
    synchronized void otherJob(int job, boolean running) {
        if (running) {
            otherJobs.add(job);
        } else {
            otherJobs.remove(job);
        }
        notifyAll();
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
     * One task's connection: its messages until it is done — joining its stage attempt's group,
     * asking for each epoch, its rounds, handing in an epoch's logs and final state.
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
                } else if (kind == NEXT) {
                    answer = next(in.readLong(), in.readUTF());
                    if (answer instanceof Bytes start) {
                        start.sendAs(out, EPOCH);
                    } else if (answer == ENDS) {
                        reply(out, END, new byte[0]);
                    }
                } else if (kind == HAND_IN) {
                    long epochOf = in.readLong();
                    // Each round's logs as they come: no count received allocates more than one round's.
                    List<double[]> rounds = new ArrayList<>();
                    for (double[] logs = Sums.readLogs(in); logs != null; logs = Sums.readLogs(in)) {
                        rounds.add(logs);
                    }
                    double[][] logs = rounds.toArray(double[][]::new);
                    long iterations = in.readLong();
                    answer = handIn(epochOf, new Finished(logs, iterations, Blocks.read(in, layout())));
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
                        reply(out, JOINED, new byte[0]);
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

    /**
     * The written-out epoch after {@code after} (-1: none yet) for a task whose model has the
     * configuration {@code digestOf}, once the driver has published it; {@link #ENDS} when the
     * task's job is to end instead: the fit is over, the driver ends the job, the epoch trains
     * another configuration, or another job waits for slots and this task has trained an epoch (a
     * job's first epoch always runs, so that jobs do not start and end without training).
     */
    private synchronized Object next(long after, String digestOf) throws InterruptedIOException {
        while (true) {
            if (closed || ending || after >= 0 && !otherJobs.isEmpty()) {
                return ENDS;
            }
            if (epoch > after) {
                return digestOf.equals(digest) ? published : ENDS;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while a task waited for its next epoch");
            }
        }
    }

    /** Keeps {@code done} as what was handed in for {@code epochOf} unless a task did before; null, or why it cannot. */
    private synchronized String handIn(long epochOf, Finished done) {
        if (closed) {
            return "the fit on the driver ended";
        }
        if (epochOf != epoch) {
            return "epoch " + epochOf + " is not running (epoch " + epoch + " is)";
        }
        if (finished == null) {
            finished = done;
            notifyAll();
        }
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
        if (partitions != this.partitions) {
            return "a task of a stage of " + partitions + " partitions cannot join a fit on " + this.partitions;
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

    /** An epoch as a task receives it: its number, the optimizer's step count at its start, and its starting state. */
    record Start(long epoch, long iterations, Blocks state) {
    }

    /** What a task hands in after an epoch: each round's logs, the optimizer's step count after it, and the final state. */
    record Finished(double[][] logs, long iterations, Blocks state) {
    }

    /** Where a task reaches the server, and how long it waits for a round's sum, in milliseconds. */
    record Address(String host, int port, int timeoutMillis) implements Serializable {
    }

    /**
     * A task's connection to the server: {@link #next} for each epoch, then in a barrier stage
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
         * @throws IllegalStateException when the server cannot be reached within the timeout, or refuses the task (a
         *     stage of another number of partitions, or older than the running one)
         */
        static Client connect(Address address, int stage, int attempt, int partition, int partitions) {
            Client c = open(address, partition);
            try {
                c.out.writeByte(JOIN);
                c.out.writeInt(stage);
                c.out.writeInt(attempt);
                c.out.writeInt(partition);
                c.out.writeInt(partitions);
                c.out.flush();
                // Joined before the task computes, so that a task failing before its first round fails its group at once.
                c.awaitReply("joining stage " + stage + " attempt " + attempt, JOINED);
                return c;
            } catch (IOException e) {
                c.close();
                throw c.lost("joining stage " + stage + " attempt " + attempt, e);
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }

        /**
         * The epoch after {@code after} (-1 for the job's first) that the driver publishes for a
         * model of configuration {@code digest}, once it does, however long that takes; null when
         * the job is to end instead.
         *
         * @throws IllegalStateException when the server refuses or is lost
         */
        Start next(long after, String digest) {
            try {
                out.writeByte(NEXT);
                out.writeLong(after);
                out.writeUTF(digest);
                out.flush();
                // The driver runs the callbacks between two epochs, for as long as they take: no timeout
                // here. A driver that is gone closes the connection.
                socket.setSoTimeout(0);
                byte kind = awaitReply("waiting for the epoch after " + after, EPOCH, END);
                socket.setSoTimeout(address.timeoutMillis());
                if (kind == END) {
                    return null;
                }
                return new Start(in.readLong(), in.readLong(), Blocks.read(in, null));
            } catch (IOException e) {
                throw lost("waiting for the epoch after " + after, e);
            }
        }

        /**
         * Hands in what this task's run of {@code epoch} ended with, and returns once the server
         * holds it.
         *
         * @throws IllegalStateException when the server refuses it (the epoch is over) or is lost
         */
        void handIn(long epoch, Finished done) {
            try {
                out.writeByte(HAND_IN);
                out.writeLong(epoch);
                for (double[] round : done.logs()) {
                    Sums.writeLogs(out, round);
                }
                // No logs: the end of the rounds.
                Sums.writeLogs(out, null);
                out.writeLong(done.iterations());
                done.state().write(out, 1);
                out.flush();
                awaitReply("handing in the final state of epoch " + epoch, TAKEN);
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
                awaitReply("round " + round, SUM);
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
         * one of the kinds {@code expected}, and returns its kind; its body follows in the stream.
         */
        private byte awaitReply(String doing, byte... expected) throws IOException {
            byte kind = in.readByte();
            int length = in.readInt();
            boolean known = false;
            for (byte k : expected) {
                known |= k == kind;
            }
            if (!known) {
                byte[] body = new byte[length];
                in.readFully(body);
                throw new IllegalStateException("Parameter averaging failed in " + doing + " for the task of partition "
                        + partition + " on executor " + Worker.executor() + ": " + new String(body, StandardCharsets.UTF_8));
            }
            return kind;
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
