"""Writes the real-Keras reference values of the sequence-layer tests.

Run from the repository root (Keras 3 with the JAX backend; the Maven build never runs this):

    pip install keras jax
    KERAS_BACKEND=jax python3 cthulhu-conformance/scripts/keras_sequences.py

It builds small Keras layers with fixed weights, runs them on fixed inputs (some with masks)
in float32 (Keras's default; its JAX RNN loop runs only there) and writes cthulhu-conformance/src/main/resources/cthulhu/conformance/sequences/
keras-sequences.json: for each case the layer's Keras class name, the constructor arguments
cthulhu reads (Keras 2.2.4 keys), the weights in Keras's order, the input, the mask and Keras's
output. KerasSequencesTest rebuilds each layer through cthulhu's layer registry and compares.
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402

rng = np.random.default_rng(2024)

BATCH, STEPS, FEATURES, UNITS = 2, 5, 3, 4
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "cthulhu", "conformance", "sequences",
                   "keras-sequences.json")


def tensor(a):
    a = np.asarray(a, dtype=np.float32)
    return {"shape": list(a.shape), "values": [float(v) for v in a.ravel()]}


def fixed_weights(layer):
    weights = [rng.uniform(-0.6, 0.6, w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def case(name, class_name, config, layer, x, mask=None):
    inputs = keras.ops.convert_to_tensor(x)
    if mask is None:
        y = layer(inputs)
    else:
        y = layer(inputs, mask=keras.ops.convert_to_tensor(mask.astype(bool)))
    weights = [tensor(w) for w in layer.get_weights()]
    entry = {"name": name, "class_name": class_name, "config": config, "weights": weights, "input": tensor(x),
             "output": tensor(np.asarray(y))}
    if mask is not None:
        entry["mask"] = tensor(mask)
    return entry


def recurrent(cls, **kwargs):
    layer = cls(UNITS, **kwargs)
    layer.build((BATCH, STEPS, FEATURES))
    fixed_weights(layer)
    return layer


x = rng.uniform(-1, 1, (BATCH, STEPS, FEATURES)).astype(np.float32)
mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], dtype=np.float32)
cases = []
for name, cls, extra in [("SimpleRNN", keras.layers.SimpleRNN, {}),
                         ("LSTM", keras.layers.LSTM, {"recurrent_activation": "sigmoid"}),
                         ("GRU", keras.layers.GRU, {"recurrent_activation": "sigmoid", "reset_after": False}),
                         ("GRU", keras.layers.GRU, {"recurrent_activation": "sigmoid", "reset_after": True})]:
    for sequences, backwards, masked in [(True, False, False), (False, True, False), (False, False, True),
                                         (False, True, True)]:
        kwargs = dict(extra, return_sequences=sequences, go_backwards=backwards)
        layer = recurrent(cls, **kwargs)
        label = f"{name} {kwargs}" + (" masked" if masked else "")
        cases.append(case(label, name, dict(kwargs, units=UNITS), layer, x, mask if masked else None))

for mode in ["concat", "sum", "mul", "ave"]:
    inner = keras.layers.LSTM(UNITS, recurrent_activation="sigmoid", return_sequences=True)
    layer = keras.layers.Bidirectional(inner, merge_mode=mode)
    layer.build((BATCH, STEPS, FEATURES))
    fixed_weights(layer)
    config = {"layer": {"class_name": "LSTM", "config": {"units": UNITS, "recurrent_activation": "sigmoid",
                                                         "return_sequences": True}}, "merge_mode": mode}
    cases.append(case(f"Bidirectional {mode}", "Bidirectional", config, layer, x))

ids = np.array([[3, 1, 4, 0, 0], [5, 9, 2, 6, 0]], dtype=np.float32)
embedding = keras.layers.Embedding(10, FEATURES, mask_zero=True)
embedding.build((BATCH, STEPS))
fixed_weights(embedding)
cases.append(case("Embedding mask_zero", "Embedding", {"input_dim": 10, "output_dim": FEATURES, "mask_zero": True},
                  embedding, ids))

norm = keras.layers.LayerNormalization()
norm.build((BATCH, STEPS, FEATURES))
fixed_weights(norm)
cases.append(case("LayerNormalization", "LayerNormalization", {}, norm, x))

pool = keras.layers.GlobalAveragePooling1D()
cases.append(case("GlobalAveragePooling1D masked", "GlobalAveragePooling1D", {}, pool, x, mask))

with open(OUT, "w") as f:
    json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
