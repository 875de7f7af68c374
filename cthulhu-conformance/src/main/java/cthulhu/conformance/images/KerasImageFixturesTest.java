package cthulhu.conformance.images;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.conformance.Tolerance;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertTensor;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The image layers against real Keras: each fixture, written by
 * {@code src/main/python/keras_image_fixtures.py} with Keras 3 on jax, holds a layer's Keras
 * config, an input, the weights and the output Keras computed in float32. The layer is rebuilt
 * here from Keras's own config through the {@link Layers} registry, given the same weights, and
 * must give the same output within float32 rounding of sums of a few dozen terms.
 */
class KerasImageFixturesTest extends ConformanceTestBase {

    private static final String RESOURCE = "/cthulhu/conformance/images/keras-image-fixtures.json";

    /** Keras's float32 sums against ours: relative 1e-4, absolute 1e-5. */
    private static final Tolerance KERAS_FLOAT32 = new Tolerance(1e-4, 1e-5);

    @SuppressWarnings("unchecked")
    static Stream<Arguments> fixtures() {
        try (InputStream in = KerasImageFixturesTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, "the Keras fixtures are missing from the classpath at " + RESOURCE);
            Map<String, Object> all = new ObjectMapper().readValue(in, new TypeReference<Map<String, Object>>() { });
            return ((List<Map<String, Object>>) all.get("fixtures")).stream().map(f -> Arguments.of(f.get("name"), f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
    }

    private static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void layerComputesWhatKerasComputed(String name, Map<String, Object> fixture) {
        Layer layer = Layers.fromConfig((String) fixture.get("class_name"), (Map<String, Object>) fixture.get("config"));
        int[] inputShape = ints(fixture.get("input_shape"));
        layer.ensureBuilt(Arrays.copyOfRange(inputShape, 1, inputShape.length));
        List<Tensor> weights = new ArrayList<>();
        for (Map<String, Object> w : (List<Map<String, Object>>) fixture.get("weights")) {
            weights.add(K.constant(doubles(w.get("values")), ints(w.get("shape"))));
        }
        layer.setWeights(weights);
        Tensor y = layer.call(K.constant(doubles(fixture.get("input")), inputShape), (Boolean) fixture.get("training"));
        assertTensor(doubles(fixture.get("output")), ints(fixture.get("output_shape")), y, KERAS_FLOAT32);
        layer.close();
    }
}
