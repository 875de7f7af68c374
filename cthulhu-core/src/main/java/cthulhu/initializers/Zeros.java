package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.Map;

/** Keras's {@code Zeros}: every element 0. Name {@code "zeros"}. */
public record Zeros() implements KerasInitializer {

    @Override
    public Tensor apply(int... shape) {
        return K.zeros(shape);
    }

    @Override
    public String className() {
        return "Zeros";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of();
    }
}
