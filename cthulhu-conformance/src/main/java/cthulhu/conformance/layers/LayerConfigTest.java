package cthulhu.conformance.layers;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import cthulhu.activations.Activations;
import cthulhu.backend.K;
import cthulhu.config.Configs;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.initializers.VarianceScaling;
import cthulhu.layers.AlphaDarkness;
import cthulhu.layers.Azatoth;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Darkness;
import cthulhu.layers.ELU;
import cthulhu.layers.Layer;
import cthulhu.layers.LayerNames;
import cthulhu.layers.Layers;
import cthulhu.layers.LeakyReLU;
import cthulhu.layers.PReLU;
import cthulhu.layers.ReLU;
import cthulhu.layers.Softmax;
import cthulhu.layers.ThresholdedReLU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Layer configurations: each layer's {@code getConfig} holds its constructor arguments under
 * Keras's keys, survives a round trip through JSON and {@link Layers#deserialize}, Keras 2.2.4's
 * own JSON reads, and bad configurations fail naming the key. Also the Keras-style unique names.
 */
class LayerConfigTest extends ConformanceTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> viaJson(Map<String, Object> value) throws Exception {
        return JSON.readValue(JSON.writeValueAsString(value), new TypeReference<Map<String, Object>>() { });
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                arguments("Dense", (Supplier<Layer>) () -> new Daoloth(7, "relu").inputDim(3).useBias(false)
                        .kernelInitializer("he_normal").biasInitializer("ones")),
                arguments("Dense", (Supplier<Layer>) () -> new Daoloth(4).kernelInitializer(new VarianceScaling(2.0, "fan_out", "uniform", 5L))),
                arguments("Activation", (Supplier<Layer>) () -> new Azatoth("softsign")),
                arguments("LeakyReLU", (Supplier<Layer>) () -> new LeakyReLU(0.05)),
                arguments("PReLU", (Supplier<Layer>) () -> new PReLU().alphaInitializer("random_uniform").sharedAxes(1, 2)),
                arguments("PReLU", (Supplier<Layer>) PReLU::new),
                arguments("ELU", (Supplier<Layer>) () -> new ELU(0.7)),
                arguments("ThresholdedReLU", (Supplier<Layer>) () -> new ThresholdedReLU(0.25)),
                arguments("Softmax", (Supplier<Layer>) () -> new Softmax(1)),
                arguments("ReLU", (Supplier<Layer>) () -> new ReLU(6.0, 0.1, 0.5)),
                arguments("ReLU", (Supplier<Layer>) ReLU::new),
                arguments("Dropout", (Supplier<Layer>) () -> new Darkness(0.4, 12L)),
                arguments("AlphaDropout", (Supplier<Layer>) () -> new AlphaDarkness(0.1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void configRoundTripsThroughJson(String className, Supplier<Layer> factory) throws Exception {
        Layer layer = factory.get();
        layer.setName("my_" + className.toLowerCase());
        Map<String, Object> serialized = viaJson(Layers.serialize(layer));
        assertEquals(className, serialized.get("class_name"));
        Layer rebuilt = Layers.deserialize(serialized);
        assertEquals(layer.getClass(), rebuilt.getClass());
        assertEquals(viaJson(layer.getConfig()), viaJson(rebuilt.getConfig()));
        assertEquals("my_" + className.toLowerCase(), rebuilt.getName());
    }

    @Test
    void denseConfigHasKerasKeys() {
        Daoloth layer = new Daoloth(5, "tanh").inputDim(3);
        layer.setName("dense_1");
        Map<String, Object> config = layer.getConfig();
        assertEquals(List.of("name", "trainable", "batch_input_shape", "units", "activation", "use_bias",
                "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                "kernel_constraint", "bias_constraint"), new ArrayList<>(config.keySet()));
        assertEquals("dense_1", config.get("name"));
        assertEquals(true, config.get("trainable"));
        assertEquals(Arrays.asList(null, 3), config.get("batch_input_shape"));
        assertEquals(5, config.get("units"));
        assertEquals("tanh", config.get("activation"));
        assertEquals(true, config.get("use_bias"));
        assertEquals("VarianceScaling", ((Map<?, ?>) config.get("kernel_initializer")).get("class_name"));
        assertEquals(Map.of("class_name", "Zeros", "config", Map.of()), config.get("bias_initializer"));
        assertEquals("linear", new Daoloth(2).getConfig().get("activation"));
    }

    @Test
    void advancedActivationConfigsHaveKerasKeys() {
        assertEquals(0.3, new LeakyReLU().getConfig().get("alpha"));
        assertEquals(1.0, new ELU().getConfig().get("alpha"));
        assertEquals(1.0, new ThresholdedReLU().getConfig().get("theta"));
        assertEquals(-1, new Softmax().getConfig().get("axis"));
        Map<String, Object> relu = new ReLU().getConfig();
        assertTrue(relu.containsKey("max_value"));
        assertNull(relu.get("max_value"));
        assertEquals(0.0, relu.get("negative_slope"));
        assertEquals(0.0, relu.get("threshold"));
        assertEquals(List.of(1, 2), new PReLU().sharedAxes(1, 2).getConfig().get("shared_axes"));
        assertEquals(0.5, new Darkness(0.5).getConfig().get("rate"));
        assertEquals(0.5, new AlphaDarkness(0.5).getConfig().get("rate"));
    }

    @Test
    void kerasJsonReads() throws Exception {
        // Written by Keras 2.2.4's model.to_json() for a Dense and a Dropout layer.
        String dense = "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_1\", \"trainable\": true,"
                + " \"batch_input_shape\": [null, 4], \"dtype\": \"float32\", \"units\": 3, \"activation\": \"relu\","
                + " \"use_bias\": true, \"kernel_initializer\": {\"class_name\": \"VarianceScaling\", \"config\":"
                + " {\"scale\": 1.0, \"mode\": \"fan_avg\", \"distribution\": \"uniform\", \"seed\": null}},"
                + " \"bias_initializer\": {\"class_name\": \"Zeros\", \"config\": {}}, \"kernel_regularizer\": null,"
                + " \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null,"
                + " \"bias_constraint\": null}}";
        Layer layer = Layers.deserialize(JSON.readValue(dense, new TypeReference<Map<String, Object>>() { }));
        Daoloth d = assertInstanceOf(Daoloth.class, layer);
        assertEquals("dense_1", d.getName());
        assertEquals(3, d.units());
        assertEquals(Activations.get("relu"), d.activation());
        assertArrayEquals(new int[] {4}, d.inputShape());
        d.call(K.zeros(2, 4));
        assertEquals(4 * 3 + 3, d.countParams());

        String dropout = "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"dropout_1\", \"trainable\": true,"
                + " \"rate\": 0.5, \"noise_shape\": null, \"seed\": null}}";
        Darkness darkness = assertInstanceOf(Darkness.class,
                Layers.deserialize(JSON.readValue(dropout, new TypeReference<Map<String, Object>>() { })));
        assertEquals(0.5, darkness.rate());

        String prelu = "{\"class_name\": \"PReLU\", \"config\": {\"name\": \"p_re_lu_1\", \"trainable\": false,"
                + " \"alpha_initializer\": {\"class_name\": \"Zeros\", \"config\": {}}, \"alpha_regularizer\": null,"
                + " \"alpha_constraint\": null, \"shared_axes\": [1]}}";
        PReLU p = assertInstanceOf(PReLU.class,
                Layers.deserialize(JSON.readValue(prelu, new TypeReference<Map<String, Object>>() { })));
        assertArrayEquals(new int[] {1}, p.sharedAxes());
        assertFalse(p.isTrainable());
    }

    @Test
    void badConfigsNameTheProblem() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.fromConfig("Conv9D", Map.of()), "Unknown layer: Conv9D", "Dense", "Layers.register");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.fromConfig("Dense", Map.of("units", 3, "unitz", 4)), "unitz", "layer Dense");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.fromConfig("Dense", Map.of("activation", "relu")), "units", "required");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.fromConfig("Dense", Map.of("units", "three")), "units", "integer", "three");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.fromConfig("Dense", Map.of("units", 3, "kernel_regularizer", Map.of("class_name", "L3"))),
                "Unknown regularizer: L3", "L1L2");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.fromConfig("AlphaDropout", Map.of("rate", 0.5, "noise_shape", List.of(1, 4))), "noise_shape");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.fromConfig("ReLU", Map.of("max_value", -2.0)), "maxValue of a ReLU layer cannot be a negative value");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Layers.deserialize(Map.of("config", Map.of())), "class_name");
    }

    @Test
    void customLayersRegister() {
        Layers.register("ConformanceScale", config -> new Azatoth(x -> K.multiply(x, 2)));
        Map<String, Object> config = Configs.of("name", "scale_1");
        Layer layer = Layers.fromConfig("ConformanceScale", config);
        assertEquals("scale_1", layer.getName());
        assertTrue(Layers.classNames().contains("ConformanceScale"));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Layers.register("Dense", c -> new Daoloth(1)), "built-in");
    }

    @Test
    void namesAreUniquePerModelLikeKeras() {
        LayerNames names = new LayerNames();
        Layer first = new Daoloth(2);
        Layer second = new Daoloth(2);
        Layer leaky = new LeakyReLU();
        Layer named = new Daoloth(2);
        named.setName("dense_3");
        Layer next = new Daoloth(2);
        assertEquals("dense", first.getName(), "an unnamed layer shows its class name in snake case");
        assertEquals("dense_1", names.assign(first));
        assertEquals("dense_2", names.assign(second));
        assertEquals("leaky_re_lu_1", names.assign(leaky));
        assertEquals("dense_3", names.assign(named));
        assertEquals("dense_4", names.assign(next), "a taken name is skipped");
        assertEquals("dense_1", first.getName());
        assertEquals("p_re_lu_1", new LayerNames().assign(new PReLU()));
        assertEquals("thresholded_re_lu_1", new LayerNames().assign(new ThresholdedReLU()));
        Layer duplicate = new ELU();
        duplicate.setName("dense_2");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> names.assign(duplicate), "dense_2", "unique");
        // a second model counts from 1 again
        assertEquals("dense_1", new LayerNames().assign(new Daoloth(1)));
    }
}
