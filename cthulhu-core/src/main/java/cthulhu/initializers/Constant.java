package cthulhu.initializers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.Configs;

import java.util.Map;

/**
 * Keras's {@code Constant}: every element {@code value}. Name {@code "constant"} gives value 0.
 *
 * @param value the value of every element; default 0
 */
public record Constant(double value) implements KerasInitializer {

    /** Value 0, Keras's default. */
    public Constant() {
        this(0);
    }

    @Override
    public Tensor apply(int... shape) {
        return K.full(K.dtype(), value, shape);
    }

    @Override
    public String className() {
        return "Constant";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Configs.of("value", value);
    }
}
