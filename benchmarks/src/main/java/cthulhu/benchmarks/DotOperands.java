package cthulhu.benchmarks;

import cthulhu.backend.Backend;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;

/**
 * The two float32 operands of a {@link MatmulShape} on one backend, seeded as every matmul
 * benchmark seeds them (3 and 4), and their {@code K.dot}.
 */
final class DotOperands implements AutoCloseable {

    private final Backend backend;
    private final Tensor left;
    private final Tensor right;

    /** @param shape {@code "m x k x n"}, as {@link MatmulShape#parse} reads it */
    DotOperands(Backend backend, String shape) {
        MatmulShape s = MatmulShape.parse(shape);
        this.backend = backend;
        this.left = Bench.tensor(backend, s.left(3), s.m(), s.k());
        this.right = Bench.tensor(backend, s.right(4), s.k(), s.n());
    }

    /** {@code K.dot(left, right)} on the backend, the product released by its scope; its size, for JMH to consume. */
    long dot() {
        return Bench.on(backend, () -> {
            try (TensorScope scope = TensorScope.open()) {
                return K.dot(left, right).size();
            }
        });
    }

    @Override
    public void close() {
        left.close();
        right.close();
    }
}
