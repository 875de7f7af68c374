package cthulhu.constraints;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;

import java.util.Map;

/** Keras's {@code non_neg}: negative elements become 0, {@code w · [w >= 0]}. */
public final class NonNeg implements Constraint {

    @Override
    public Tensor apply(Tensor w) {
        return K.relu(w);
    }

    @Override
    public String className() {
        return "NonNeg";
    }

    @Override
    public Map<String, Object> getConfig() {
        return Map.of();
    }
}
