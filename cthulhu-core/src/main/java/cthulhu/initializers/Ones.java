package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.Map;

/** Keras's {@code Ones}: every element 1. Name {@code "ones"}. */
public record Ones() implements KerasInitializer {

    @Override
    public Tensor apply(int... shape) {
        return K.ones(shape);
    }

    @Override
    public String className() {
        return "Ones";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of();
    }
}
