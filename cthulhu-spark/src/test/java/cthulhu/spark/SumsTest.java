package cthulhu.spark;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Task results as they travel and add up: a float32 model's values stay floats from the tensors
 * to the bytes and back, and their sample-weighted sums and means equal the same arithmetic done
 * in doubles on the values as read from the tensors — exactly, since every product of a float and
 * a sample count below 2^29 is a double; the mean the averaging server writes in one pass is the
 * float32 mean of that sum.
 */
class SumsTest {

    private static final double[] A = {0.1, -2.5e-3, 3.75, 1e-7, -0.3};
    private static final double[] B = {7.0 / 3, 0.2, -1e5, 4.1e-4, 9.9};
    private static final double[] C = {-0.6, 1.3, 2.7e-5, -8.25, 0.45};
    private static final int LONG_BLOCK = 40_000;

    @Test
    void aFloat32ResultTravelsBitForBitAndItsMeanIsItsValues() {
        K.withFloatx("float32", () -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor a = K.constant(A, 5);
                Sums sums = roundTrip(Sums.of(List.of(a), new double[] {0.5}, 7, 2));
                assertArrayEquals(a.toDoubleArray(), sums.meanTensors().values(0), 0);
                assertArrayEquals(new double[] {0.5}, sums.meanLogs(), 0);
                assertEquals(7, sums.samples());
                assertEquals(2, sums.steps());
            }
        });
    }

    @Test
    void float32ResultsAddUpToTheirSampleWeightedMeanInDoubles() {
        K.withFloatx("float32", () -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor a = K.constant(A, 5);
                Tensor b = K.constant(B, 5);
                Tensor c = K.constant(C, 5);
                // Two results added where they were computed (as treeReduce does), then travelling, then a third added.
                Sums total = roundTrip(Sums.of(List.of(a), new double[] {1}, 3, 1).add(Sums.of(List.of(b), new double[] {2}, 5, 4)))
                        .add(roundTrip(Sums.of(List.of(c), new double[] {3}, 4, 2)));
                double[] fa = a.toDoubleArray();
                double[] fb = b.toDoubleArray();
                double[] fc = c.toDoubleArray();
                double[] expected = new double[5];
                for (int i = 0; i < 5; i++) {
                    expected[i] = (fa[i] * 3 + fb[i] * 5 + fc[i] * 4) / 12;
                }
                assertArrayEquals(expected, total.meanTensors().values(0), 0);
                assertArrayEquals(new double[] {(1.0 * 3 + 2 * 5 + 3 * 4) / 12}, total.meanLogs(), 1e-15);
                assertEquals(12, total.samples());
                assertEquals(4, total.steps());
            }
        });
    }

    @Test
    void theMeanWrittenInOnePassIsTheFloat32MeanOfTheSumInPartitionOrder() {
        K.withFloatx("float32", () -> {
            try (TensorScope scope = TensorScope.open()) {
                // A block of five values and one of 40,000, which the writer goes through in three chunks.
                List<Sums> parts = List.of(part(A, 1, 3, 1), Sums.none(), part(B, 2, 5, 4), part(C, 3, 4, 2));
                Sums written = writtenAndReadBack(parts);
                // The sum as the driver adds results between jobs, then rounded to the model's floats.
                Sums added = Sums.none();
                for (Sums part : parts) {
                    added = added.add(roundTrip(part));
                }
                for (int i = 0; i < 2; i++) {
                    int[] shape = {i == 0 ? 5 : LONG_BLOCK};
                    assertArrayEquals(added.meanTensors().tensor(i, K.dtype(), shape).toFloatArray(),
                            written.meanTensors().tensor(i, K.dtype(), shape).toFloatArray(), 0);
                }
                assertArrayEquals(added.meanLogs(), written.meanLogs(), 0);
                assertEquals(12, written.samples());
                assertEquals(4, written.steps());
            }
        });
    }

    /** A result of {@code samples} samples: {@code values}, then {@value #LONG_BLOCK} values of a sine. */
    private static Sums part(double[] values, double loss, long samples, int steps) {
        double[] sine = new double[LONG_BLOCK];
        for (int i = 0; i < sine.length; i++) {
            sine[i] = Math.sin(i * values[0]);
        }
        return Sums.of(List.of(K.constant(values, 5), K.constant(sine, LONG_BLOCK)), new double[] {loss}, samples, steps);
    }

    @Test
    void float64ValuesThatAreNoFloatsTravelAsDoubles() {
        K.withFloatx("float64", () -> {
            try (TensorScope scope = TensorScope.open()) {
                Sums total = roundTrip(Sums.of(List.of(K.constant(A, 5)), new double[] {1}, 3, 1))
                        .add(roundTrip(Sums.of(List.of(K.constant(B, 5)), new double[] {1}, 1, 1)));
                double[] expected = new double[5];
                for (int i = 0; i < 5; i++) {
                    expected[i] = (A[i] * 3 + B[i]) / 4;
                }
                assertArrayEquals(expected, total.meanTensors().values(0), 0);
            }
        });
    }

    @Test
    void aFloat32ModelsStateRestoresBitForBit() {
        K.withFloatx("float32", () -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor a = K.constant(A, 5);
                Blocks shipped = roundTrip(Blocks.of(List.of(a), 1));
                Tensor back = shipped.tensor(0, a.dtype(), a.shape());
                assertEquals(a.dtype(), back.dtype());
                assertArrayEquals(a.toFloatArray(), back.toFloatArray(), 0);
            }
        });
    }

    /** {@link Sums#writeFloatMean} of {@code parts}, read back as a task reads it. */
    private static Sums writtenAndReadBack(List<Sums> parts) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Sums.writeFloatMean(new DataOutputStream(bytes), parts);
            return Sums.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
