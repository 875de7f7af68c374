"""Writes keras-image-fixtures.json: outputs of real Keras image layers with fixed weights.

Run from this directory with Keras 3 on the jax backend (pip install keras jax):

    KERAS_BACKEND=jax python3 keras_image_fixtures.py

Each fixture holds the layer's class name and Keras config, the input, the weights in Keras's
order and the output of the layer called on the input (training or not). Inputs and weights
are drawn from a seeded generator and rounded to float32, the precision Keras computed in.
The Maven build never runs this script; it reads the JSON it wrote.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

RNG = np.random.default_rng(11)


def values(shape, low=-1.0, high=1.0):
    return RNG.uniform(low, high, size=shape).astype(np.float32)


def fixture(name, layer, input_shape, training=False):
    x = values(input_shape)
    layer.build(input_shape)
    weights = []
    for w in layer.weights:
        positive = "variance" in w.path
        weights.append(values(w.shape, 0.5, 1.5) if positive else values(w.shape))
    layer.set_weights(weights)
    y = np.asarray(layer(x, training=training))
    # The weights are set explicitly, so initializers do not shape the output; Keras 3 spells them
    # as class names ("GlorotUniform"), which are the initializer registry's concern, not the layers'.
    config = {k: v for k, v in layer.get_config().items() if not k.endswith("_initializer")}
    config.pop("dtype", None)
    return {
        "name": name,
        "class_name": layer.__class__.__name__,
        "config": config,
        "training": training,
        "input_shape": list(input_shape),
        "input": x.astype(float).ravel().tolist(),
        "weights": [{"shape": list(w.shape), "values": w.astype(float).ravel().tolist()} for w in weights],
        "output_shape": list(y.shape),
        "output": y.astype(float).ravel().tolist(),
    }


L = keras.layers
FIXTURES = [
    fixture("conv2d same strides 2x1 relu", L.Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="relu"), (2, 5, 4, 2)),
    fixture("conv2d same dilation 2", L.Conv2D(2, 3, padding="same", dilation_rate=2), (1, 6, 5, 2)),
    fixture("conv2d channels_first valid", L.Conv2D(2, 2, data_format="channels_first", use_bias=False), (1, 2, 4, 3)),
    fixture("conv1d causal dilation 2", L.Conv1D(2, 3, padding="causal", dilation_rate=2), (2, 7, 3)),
    fixture("conv1d same stride 2", L.Conv1D(3, 4, strides=2, padding="same", activation="tanh"), (1, 9, 2)),
    fixture("conv2d_transpose same stride 2", L.Conv2DTranspose(2, 3, strides=2, padding="same"), (1, 3, 3, 2)),
    fixture("conv2d_transpose valid stride 2", L.Conv2DTranspose(3, 3, strides=2, padding="valid"), (1, 2, 3, 2)),
    fixture("depthwise_conv2d same multiplier 2", L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), (1, 4, 4, 2)),
    fixture("separable_conv2d valid", L.SeparableConv2D(3, 2, depth_multiplier=2), (1, 4, 5, 2)),
    fixture("max_pooling2d same 3 stride 2", L.MaxPooling2D(3, strides=2, padding="same"), (1, 5, 6, 2)),
    fixture("average_pooling2d same 3 stride 2", L.AveragePooling2D(3, strides=2, padding="same"), (1, 5, 6, 2)),
    fixture("average_pooling1d same 2", L.AveragePooling1D(2, padding="same"), (2, 5, 2)),
    fixture("max_pooling1d valid 3 stride 1", L.MaxPooling1D(3, strides=1), (1, 6, 3)),
    fixture("global_average_pooling2d", L.GlobalAveragePooling2D(), (2, 3, 4, 3)),
    fixture("up_sampling2d 2x3", L.UpSampling2D((2, 3)), (1, 2, 2, 2)),
    fixture("zero_padding2d", L.ZeroPadding2D(((1, 0), (2, 1))), (1, 2, 2, 1)),
    fixture("cropping2d", L.Cropping2D(((1, 0), (0, 2))), (1, 3, 4, 1)),
    fixture("batch_normalization inference", L.BatchNormalization(), (4, 3, 3)),
    fixture("batch_normalization training", L.BatchNormalization(momentum=0.9, epsilon=1e-3), (4, 3, 3), training=True),
    fixture("batch_normalization axis 1", L.BatchNormalization(axis=1, center=False), (2, 3, 4)),
]

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "../resources/cthulhu/conformance/images/keras-image-fixtures.json")
    with open(out, "w") as f:
        json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "fixtures": FIXTURES}, f)
    print("wrote", len(FIXTURES), "fixtures with Keras", keras.__version__, "to", os.path.normpath(out))
