package cthulhu.callbacks;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file: {@code events.out.tfevents.<seconds>.<host>} holding TFRecord frames
 * ({@code uint64 length, uint32 masked CRC-32C of the length, data, uint32 masked CRC-32C of the
 * data}, little-endian; masked {@code crc = ((c >>> 15) | (c << 17)) + 0xa282ead8}) of
 * TensorFlow's {@code Event} protocol buffers: first {@code file_version "brain.Event:2"}, then one
 * {@code Summary} of scalar {@code simple_value}s per call of {@link #scalar}.
 */
final class EventFileWriter implements AutoCloseable {

    private final OutputStream out;

    /** Creates the directory and a new event file in it, and writes the version event. */
    EventFileWriter(Path dir) {
        try {
            Files.createDirectories(dir);
            long now = System.currentTimeMillis();
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            out = Files.newOutputStream(dir.resolve("events.out.tfevents." + now / 1000 + "." + host));
            ByteArrayOutputStream event = new ByteArrayOutputStream();
            CodedOutputStream coded = CodedOutputStream.newInstance(event);
            coded.writeDouble(1, now / 1000.0);
            coded.writeInt64(2, 0);
            coded.writeString(3, "brain.Event:2");
            coded.flush();
            record(event.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("TensorBoard cannot write an event file in " + dir, e);
        }
    }

    /** Writes one event at {@code step} with the scalar {@code tag = value}. */
    void scalar(String tag, double value, long step) {
        try {
            ByteArrayOutputStream summaryValue = new ByteArrayOutputStream();
            CodedOutputStream v = CodedOutputStream.newInstance(summaryValue);
            v.writeString(1, tag);
            v.writeFloat(2, (float) value);
            v.flush();
            ByteArrayOutputStream summary = new ByteArrayOutputStream();
            CodedOutputStream s = CodedOutputStream.newInstance(summary);
            s.writeByteArray(1, summaryValue.toByteArray());
            s.flush();
            ByteArrayOutputStream event = new ByteArrayOutputStream();
            CodedOutputStream e = CodedOutputStream.newInstance(event);
            e.writeDouble(1, System.currentTimeMillis() / 1000.0);
            e.writeInt64(2, step);
            e.writeByteArray(5, summary.toByteArray());
            e.flush();
            record(event.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("TensorBoard cannot write an event", e);
        }
    }

    private void record(byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(masked(length));
        out.write(data);
        out.write(masked(data));
        out.flush();
    }

    /** The masked CRC-32C of {@code bytes}, little-endian. */
    private static byte[] masked(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        int m = ((c >>> 15) | (c << 17)) + 0xa282ead8;
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(m).array();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("TensorBoard cannot close an event file", e);
        }
    }
}
