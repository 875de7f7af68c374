package cthulhu.layers;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.config.ConfigReader;
import cthulhu.config.Configs;

import java.util.Arrays;
import java.util.Map;

/**
 * Flattens each sample to a vector (Keras's {@code Flatten}): {@code (batch, d1, …, dk)} becomes
 * {@code (batch, d1·…·dk)} in row-major order. With {@code dataFormat("channels_first")} the
 * channel axis is first moved last, so that the vector's order matches a channels-last model's,
 * as Keras does. No weights.
 */
public final class Flatten extends SpatialLayer<Flatten> {

    /** A flatten layer for channels-last inputs. */
    public Flatten() {
    }

    @Override
    public String className() {
        return "Flatten";
    }

    /**
     * @throws IllegalArgumentException naming the layer and shape when a dimension is unknown
     */
    @Override
    public int[] computeOutputShape(int[] inputShape) {
        long size = 1;
        for (int i = 0; i < inputShape.length; i++) {
            if (inputShape[i] < 0) {
                throw new IllegalArgumentException("Flatten " + getName() + ": the input shape " + Arrays.toString(inputShape)
                        + " has an unknown dimension (None at axis " + (i + 1) + "), so the flattened size is not known;"
                        + " declare the full input shape on the first layer");
            }
            size *= inputShape[i];
        }
        return new int[] {Math.toIntExact(size)};
    }

    @Override
    protected Tensor compute(Tensor inputs, boolean training) {
        Tensor x = inputs.rank() > 2 ? Spatial.toChannelsLast(inputs, format()) : inputs;
        return K.reshape(x, inputs.dim(0), -1);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        return Configs.of("data_format", format());
    }

    /** Reads Keras's config of {@code Flatten}. */
    static Flatten fromConfig(ConfigReader c) {
        return new Flatten().dataFormat(c.getString("data_format", null));
    }
}
