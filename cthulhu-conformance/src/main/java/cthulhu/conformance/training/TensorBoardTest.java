package cthulhu.conformance.training;

import com.google.protobuf.CodedInputStream;
import cthulhu.backend.K;
import cthulhu.callbacks.History;
import cthulhu.callbacks.TensorBoard;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Daoloth;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The TensorBoard callback's event files, read back by a reader written here from the TFRecord
 * and {@code Event}/{@code Summary} definitions: every frame's masked CRC-32C is checked, and the
 * scalars are those of the training's history.
 */
class TensorBoardTest extends ConformanceTestBase {

    /** One scalar read from a file, or the file-version event (tag null). */
    private record Scalar(String tag, long step, float value, String fileVersion) {
    }

    private static int masked(byte[] data, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, from, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static List<Scalar> read(Path dir) throws IOException {
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Scalar> out = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            long length = in.getLong();
            assertEquals(masked(bytes, start, 8), in.getInt(), "length CRC at " + start);
            int dataStart = in.position();
            in.position(dataStart + (int) length);
            assertEquals(masked(bytes, dataStart, (int) length), in.getInt(), "data CRC at " + dataStart);
            out.addAll(event(CodedInputStream.newInstance(bytes, dataStart, (int) length)));
        }
        return out;
    }

    /** Event: 1 wall_time (double), 2 step (int64), 3 file_version (string), 5 summary; Summary.Value: 1 tag, 2 simple_value. */
    private static List<Scalar> event(CodedInputStream e) throws IOException {
        long step = 0;
        String version = null;
        List<String> tags = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        for (int tag = e.readTag(); tag != 0; tag = e.readTag()) {
            switch (tag >>> 3) {
                case 1 -> e.readDouble();
                case 2 -> step = e.readInt64();
                case 3 -> version = e.readString();
                case 5 -> {
                    CodedInputStream summary = CodedInputStream.newInstance(e.readByteArray());
                    for (int t = summary.readTag(); t != 0; t = summary.readTag()) {
                        CodedInputStream value = CodedInputStream.newInstance(summary.readByteArray());
                        for (int v = value.readTag(); v != 0; v = value.readTag()) {
                            if (v >>> 3 == 1) {
                                tags.add(value.readString());
                            } else if (v >>> 3 == 2) {
                                values.add(value.readFloat());
                            } else {
                                value.skipField(v);
                            }
                        }
                    }
                }
                default -> e.skipField(tag);
            }
        }
        List<Scalar> out = new ArrayList<>();
        if (version != null) {
            out.add(new Scalar(null, step, 0, version));
        }
        for (int i = 0; i < tags.size(); i++) {
            out.add(new Scalar(tags.get(i), step, values.get(i), null));
        }
        return out;
    }

    @Test
    void crc32cIsTheCastagnoliChecksum() {
        // The standard check value of CRC-32C: "123456789" → 0xE3069283.
        CRC32C crc = new CRC32C();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, crc.getValue());
    }

    @Test
    void scalarsPerEpochAndBatchReadBack(@TempDir Path dir) throws IOException {
        History history;
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(1).inputShape(2));
            model.compile(new SGD(0.05), Losses.get("mse"));
            double[] x = {0.1, 0.2, 0.9, 0.1, 0.5, 0.5, 0.3, 0.8};
            double[] y = {0.3, 1.0, 1.0, 1.1};
            history = model.fit(K.constant(x, 4, 2), K.constant(y, 4, 1), new FitOptions().epochs(3).batchSize(2).verbose(0)
                    .shuffle(false).validationData(K.constant(x, 4, 2), K.constant(y, 4, 1))
                    .callbacks(new TensorBoard(dir, "batch")));
        }
        List<Scalar> train = read(dir.resolve("train"));
        assertEquals("brain.Event:2", train.get(0).fileVersion());
        List<Scalar> epochLoss = train.stream().filter(s -> "epoch_loss".equals(s.tag())).toList();
        List<Scalar> rates = train.stream().filter(s -> "epoch_learning_rate".equals(s.tag())).toList();
        List<Scalar> batchLoss = train.stream().filter(s -> "batch_loss".equals(s.tag())).toList();
        assertEquals(3, epochLoss.size());
        assertEquals(6, batchLoss.size());
        for (int e = 0; e < 3; e++) {
            assertEquals(e, epochLoss.get(e).step());
            assertEquals((float) (double) history.history().get("loss").get(e), epochLoss.get(e).value());
            assertEquals(0.05f, rates.get(e).value());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), batchLoss.stream().map(Scalar::step).toList());
        List<Scalar> validation = read(dir.resolve("validation")).stream().filter(s -> "epoch_loss".equals(s.tag())).toList();
        assertEquals(3, validation.size());
        assertEquals((float) (double) history.history().get("val_loss").get(2), validation.get(2).value());
    }
}
