package cthulhu.conformance.backend;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.ForeignBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Tensors never cross backends implicitly: an operation on one backend given a tensor of another
 * fails naming both backends and the fix ({@code K.convert}), and {@code K.convert} moves values.
 * The second backend is {@link ForeignBackend}, a test wrapper around the backend under test.
 */
class MixedBackendsTest extends ConformanceTestBase {

    private static Tensor alien(Backend foreign, double[] values, int... shape) {
        return K.withBackend(foreign, () -> K.constant(values, shape));
    }

    @Test
    void everyKindOfOperationRejectsATensorOfAnotherBackend() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        String here = "'" + K.backend() + "'";
        String there = "'" + foreign.name() + "'";
        Tensor a = alien(foreign, new double[] {1, 2, 3, 4}, 2, 2);
        Tensor mine = K.constant(new double[] {1, 2, 3, 4}, 2, 2);
        List<Executable> uses = List.of(
                () -> K.add(mine, a), () -> K.add(a, mine), () -> K.multiply(a, 2), () -> K.exp(a),
                () -> K.sum(a, 0, false), () -> K.argmax(a, 1), () -> K.dot(mine, a), () -> K.matmul(a, mine, false, true),
                () -> K.reshape(a, 4), () -> K.transpose(a), () -> K.slice(a, 0, 0, 1),
                () -> K.concatenate(List.of(mine, a), 0), () -> K.gather(a, 0), () -> K.broadcastTo(a, 3, 2, 2),
                () -> K.where(mine, mine, a), () -> K.softmax(a, -1), () -> K.relu(a), () -> K.dense(mine, a, null),
                () -> K.cast(a, K.dtype()));
        for (Executable use : uses) {
            assertThrowsWithMessage(IllegalArgumentException.class, use, here, there, "K.convert");
        }
    }

    @Test
    void convertMovesValuesToTheActiveBackend() {
        Backend foreign = new ForeignBackend(K.currentBackend());
        Tensor a = alien(foreign, new double[] {1.5, -2, 3, 0.25}, 2, 2);
        Tensor moved = K.convert(a);
        assertSame(K.currentBackend(), moved.backend());
        assertTensor(new double[] {1.5, -2, 3, 0.25}, new int[] {2, 2}, moved);
        assertTensor(new double[] {2.5, -1, 4, 1.25}, new int[] {2, 2}, K.add(moved, 1));
    }

    @Test
    void theForeignBackendComputesLikeTheOneItWraps() {
        // Guards the test wrapper itself: the same operation on both gives the same values.
        Backend foreign = new ForeignBackend(K.currentBackend());
        double[] x = {0.5, -1, 2, 3};
        Tensor there = K.withBackend(foreign, () -> K.softmax(K.multiply(K.constant(x, 2, 2), 3), -1));
        Tensor here = K.softmax(K.multiply(K.constant(x, 2, 2), 3), -1);
        assertTensor(here.toDoubleArray(), new int[] {2, 2}, there);
    }
}
