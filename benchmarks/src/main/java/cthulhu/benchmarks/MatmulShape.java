package cthulhu.benchmarks;

/**
 * A matrix product {@code (m × k) · (k × n)}, parsed from the benchmark parameter
 * {@code "m x k x n"}; the report counts {@code 2·m·n·k} floating-point operations per product.
 */
record MatmulShape(int m, int k, int n) {

    /**
     * @param spec {@code "1024x1024x1024"}-style dimensions m, k, n
     * @throws IllegalArgumentException if {@code spec} is not three positive integers joined by {@code x}
     */
    static MatmulShape parse(String spec) {
        String[] parts = spec.split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("Matmul shape '" + spec + "' must be m x k x n, e.g. 128x784x512");
        }
        MatmulShape s = new MatmulShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        if (s.m <= 0 || s.k <= 0 || s.n <= 0) {
            throw new IllegalArgumentException("Matmul shape '" + spec + "' needs positive dimensions");
        }
        return s;
    }

    /** Floating-point operations of one product: {@code 2·m·n·k}. */
    double flops() {
        return 2.0 * m * n * k;
    }

    float[] left(long seed) {
        return Bench.uniform(m * k, -1, 1, seed);
    }

    float[] right(long seed) {
        return Bench.uniform(k * n, -1, 1, seed);
    }
}
