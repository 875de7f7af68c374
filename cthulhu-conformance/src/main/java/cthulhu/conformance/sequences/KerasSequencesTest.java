package cthulhu.conformance.sequences;

import com.fasterxml.jackson.databind.ObjectMapper;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static cthulhu.conformance.TensorAssert.assertTensor;

/**
 * The layers for sequences against real Keras: {@code keras-sequences.json}, written by
 * {@code cthulhu-conformance/scripts/keras_sequences.py} (Keras 3, JAX backend, float32), holds
 * for each case the layer's class and arguments, its weights in Keras's order, an input, a mask
 * and Keras's output. Each layer is rebuilt through {@link Layers#fromConfig}, given the weights
 * and run. The cases cover SimpleRNN, LSTM and GRU (both {@code reset_after} variants) with
 * whole sequences, going backwards and masked steps, Bidirectional in every merge mode,
 * Embedding with {@code mask_zero}, LayerNormalization and masked GlobalAveragePooling1D.
 *
 * <p>Tolerance: 1e-4 relative, 1e-5 absolute, for Keras's float32 arithmetic over a few steps.
 */
class KerasSequencesTest extends ConformanceTestBase {

    private static final Tolerance KERAS_FLOAT32 = new Tolerance(1e-4, 1e-5);
    private static final List<Map<String, Object>> CASES = load();

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load() {
        try (InputStream in = KerasSequencesTest.class.getResourceAsStream("keras-sequences.json")) {
            if (in == null) {
                throw new IllegalStateException("keras-sequences.json is missing next to " + KerasSequencesTest.class.getName());
            }
            return (List<Map<String, Object>>) new ObjectMapper().readValue(in, Map.class).get("cases");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static IntStream cases() {
        return IntStream.range(0, CASES.size());
    }

    @SuppressWarnings("unchecked")
    private static Tensor tensor(Object stored) {
        Map<String, Object> m = (Map<String, Object>) stored;
        int[] shape = ((List<Number>) m.get("shape")).stream().mapToInt(Number::intValue).toArray();
        double[] values = ((List<Number>) m.get("values")).stream().mapToDouble(Number::doubleValue).toArray();
        return K.constant(values, shape);
    }

    @SuppressWarnings("unchecked")
    private static double[] values(Object stored) {
        return ((List<Number>) ((Map<String, Object>) stored).get("values")).stream().mapToDouble(Number::doubleValue).toArray();
    }

    @SuppressWarnings("unchecked")
    private static int[] shape(Object stored) {
        return ((List<Number>) ((Map<String, Object>) stored).get("shape")).stream().mapToInt(Number::intValue).toArray();
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void matchesKeras(int index) {
        Map<String, Object> c = CASES.get(index);
        Layer layer = Layers.fromConfig((String) c.get("class_name"), (Map<String, Object>) c.get("config"));
        Tensor x = tensor(c.get("input"));
        layer.ensureBuilt(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        List<Tensor> weights = new ArrayList<>();
        for (Object w : (List<Object>) c.get("weights")) {
            weights.add(tensor(w));
        }
        layer.setWeights(weights);
        Tensor y = c.containsKey("mask") ? layer.call(x, tensor(c.get("mask")), false) : layer.call(x);
        assertTensor(values(c.get("output")), shape(c.get("output")), y, KERAS_FLOAT32);
    }
}
