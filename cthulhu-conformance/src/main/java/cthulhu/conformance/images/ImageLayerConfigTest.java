package cthulhu.conformance.images;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.AveragePooling1D;
import cthulhu.layers.AveragePooling2D;
import cthulhu.layers.BatchNormalization;
import cthulhu.layers.Conv1D;
import cthulhu.layers.Conv2D;
import cthulhu.layers.Conv2DTranspose;
import cthulhu.layers.Cropping1D;
import cthulhu.layers.Cropping2D;
import cthulhu.layers.DepthwiseConv2D;
import cthulhu.layers.Flatten;
import cthulhu.layers.GlobalAveragePooling1D;
import cthulhu.layers.GlobalAveragePooling2D;
import cthulhu.layers.GlobalMaxPooling1D;
import cthulhu.layers.GlobalMaxPooling2D;
import cthulhu.layers.Layer;
import cthulhu.layers.Layers;
import cthulhu.layers.MaxPooling1D;
import cthulhu.layers.MaxPooling2D;
import cthulhu.layers.Permute;
import cthulhu.layers.Reshape;
import cthulhu.layers.SeparableConv2D;
import cthulhu.layers.SpatialDropout1D;
import cthulhu.layers.SpatialDropout2D;
import cthulhu.layers.UpSampling1D;
import cthulhu.layers.UpSampling2D;
import cthulhu.layers.ZeroPadding1D;
import cthulhu.layers.ZeroPadding2D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The image layers' Keras configs: each round-trips through JSON and the {@link Layers}
 * registry, and Keras's own JSON (Keras 2.2.4's {@code to_json}) reads.
 */
class ImageLayerConfigTest extends ConformanceTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> viaJson(Map<String, Object> value) throws Exception {
        return JSON.readValue(JSON.writeValueAsString(value), new TypeReference<Map<String, Object>>() { });
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                arguments("Conv1D", (Supplier<Layer>) () -> new Conv1D(4, 3, "relu").padding("causal").dilationRate(2)),
                arguments("Conv2D", (Supplier<Layer>) () -> new Conv2D(8, 3).strides(2, 1).padding("same")
                        .dataFormat("channels_first").useBias(false).kernelInitializer("he_normal").inputShape(3, 9, 9)),
                arguments("Conv2DTranspose", (Supplier<Layer>) () -> new Conv2DTranspose(2, 3, "tanh").strides(2)),
                arguments("DepthwiseConv2D", (Supplier<Layer>) () -> new DepthwiseConv2D(3, 2).depthwiseInitializer("ones")),
                arguments("SeparableConv2D", (Supplier<Layer>) () -> new SeparableConv2D(5, 3).pointwiseInitializer("zeros")),
                arguments("MaxPooling1D", (Supplier<Layer>) () -> new MaxPooling1D(3).strides(1)),
                arguments("MaxPooling2D", (Supplier<Layer>) () -> new MaxPooling2D(2, 3).padding("same")),
                arguments("AveragePooling1D", (Supplier<Layer>) AveragePooling1D::new),
                arguments("AveragePooling2D", (Supplier<Layer>) () -> new AveragePooling2D(2).dataFormat("channels_first")),
                arguments("GlobalMaxPooling1D", (Supplier<Layer>) GlobalMaxPooling1D::new),
                arguments("GlobalMaxPooling2D", (Supplier<Layer>) () -> new GlobalMaxPooling2D().keepdims(true)),
                arguments("GlobalAveragePooling1D", (Supplier<Layer>) GlobalAveragePooling1D::new),
                arguments("GlobalAveragePooling2D", (Supplier<Layer>) GlobalAveragePooling2D::new),
                arguments("Flatten", (Supplier<Layer>) Flatten::new),
                arguments("Reshape", (Supplier<Layer>) () -> new Reshape(4, -1)),
                arguments("Permute", (Supplier<Layer>) () -> new Permute(2, 1)),
                arguments("ZeroPadding1D", (Supplier<Layer>) () -> new ZeroPadding1D(1, 2)),
                arguments("ZeroPadding2D", (Supplier<Layer>) () -> new ZeroPadding2D(1, 2, 3, 4)),
                arguments("Cropping1D", (Supplier<Layer>) () -> new Cropping1D(2)),
                arguments("Cropping2D", (Supplier<Layer>) () -> new Cropping2D(1, 2)),
                arguments("UpSampling1D", (Supplier<Layer>) () -> new UpSampling1D(3)),
                arguments("UpSampling2D", (Supplier<Layer>) () -> new UpSampling2D(2, 3)),
                arguments("SpatialDropout1D", (Supplier<Layer>) () -> new SpatialDropout1D(0.2, 5L)),
                arguments("SpatialDropout2D", (Supplier<Layer>) () -> new SpatialDropout2D(0.3)),
                arguments("BatchNormalization", (Supplier<Layer>) () -> new BatchNormalization().axis(1).momentum(0.9)
                        .epsilon(1e-5).center(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void configRoundTripsThroughJson(String className, Supplier<Layer> factory) throws Exception {
        Layer layer = factory.get();
        layer.setName("my_layer");
        Map<String, Object> serialized = viaJson(Layers.serialize(layer));
        assertEquals(className, serialized.get("class_name"));
        Layer rebuilt = Layers.deserialize(serialized);
        assertEquals(layer.getClass(), rebuilt.getClass());
        assertEquals(viaJson(layer.getConfig()), viaJson(rebuilt.getConfig()));
    }

    @Test
    void kerasJsonReads() throws Exception {
        // Keras 2.2.4's to_json() for Conv2D(16, (3, 3), strides=2, padding='same', activation='relu', input_shape=(28, 28, 1)).
        String conv = "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"conv2d_1\", \"trainable\": true,"
                + " \"batch_input_shape\": [null, 28, 28, 1], \"dtype\": \"float32\", \"filters\": 16,"
                + " \"kernel_size\": [3, 3], \"strides\": [2, 2], \"padding\": \"same\", \"data_format\": \"channels_last\","
                + " \"dilation_rate\": [1, 1], \"activation\": \"relu\", \"use_bias\": true, \"kernel_initializer\":"
                + " {\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 1.0, \"mode\": \"fan_avg\","
                + " \"distribution\": \"uniform\", \"seed\": null}}, \"bias_initializer\": {\"class_name\": \"Zeros\","
                + " \"config\": {}}, \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null,"
                + " \"kernel_constraint\": null, \"bias_constraint\": null}}";
        Conv2D c = assertInstanceOf(Conv2D.class, Layers.deserialize(JSON.readValue(conv, new TypeReference<Map<String, Object>>() { })));
        assertArrayEquals(new int[] {14, 14, 16}, c.computeOutputShape(new int[] {28, 28, 1}));
        c.ensureBuilt(new int[] {28, 28, 1});
        assertEquals(3 * 3 * 16 + 16, c.countParams());
        String pool = "{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"max_pooling2d_1\", \"trainable\": true,"
                + " \"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"}}";
        MaxPooling2D p = assertInstanceOf(MaxPooling2D.class,
                Layers.deserialize(JSON.readValue(pool, new TypeReference<Map<String, Object>>() { })));
        assertArrayEquals(new int[] {7, 7, 16}, p.computeOutputShape(new int[] {14, 14, 16}));
        String bn = "{\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"batch_normalization_1\","
                + " \"trainable\": true, \"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001, \"center\": true,"
                + " \"scale\": true, \"beta_initializer\": {\"class_name\": \"Zeros\", \"config\": {}}, \"gamma_initializer\":"
                + " {\"class_name\": \"Ones\", \"config\": {}}, \"moving_mean_initializer\": {\"class_name\": \"Zeros\","
                + " \"config\": {}}, \"moving_variance_initializer\": {\"class_name\": \"Ones\", \"config\": {}},"
                + " \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null,"
                + " \"gamma_constraint\": null}}";
        BatchNormalization b = assertInstanceOf(BatchNormalization.class,
                Layers.deserialize(JSON.readValue(bn, new TypeReference<Map<String, Object>>() { })));
        b.ensureBuilt(new int[] {7, 7, 16});
        assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"),
                b.variables().stream().map(v -> v.name()).toList());
    }

    @Test
    void unsupportedKerasOptionsAreRejected() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Layers.fromConfig("Conv2D",
                Map.of("filters", 2, "kernel_size", List.of(3, 3), "groups", 2)), "groups");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Layers.fromConfig("UpSampling2D",
                Map.of("size", List.of(2, 2), "interpolation", "bilinear")), "interpolation", "nearest");
    }

    @Test
    void conv2dTransposeReadsAndWritesOutputPadding() {
        // Keras: same padding, stride 2, kernel 3, output_padding 0 → (n − 1)·2 + 3 − 2 + 0 = 2n − 1.
        Layer layer = Layers.fromConfig("Conv2DTranspose", Map.of("filters", 2, "kernel_size", List.of(3, 3),
                "strides", List.of(2, 2), "padding", "same", "output_padding", List.of(0, 1)));
        assertArrayEquals(new int[] {7, 8, 2}, layer.computeOutputShape(new int[] {4, 4, 3}));
        assertEquals(List.of(0, 1), layer.getConfig().get("output_padding"));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Layers.fromConfig("Conv2DTranspose",
                Map.of("filters", 2, "kernel_size", List.of(3, 3), "output_padding", List.of(1, 1)))
                .computeOutputShape(new int[] {4, 4, 3}), "output_padding [1, 1]", "strides [1, 1]");
    }
}
