"""Writes Keras 3 models of the layers for sequences into the conformance suite's Keras fixtures,
each as .keras and as legacy .h5, with inputs and Keras's own predictions, in the format of
make_expected.py (<name>.x.csv, <name>.y.csv and a row of expected.tsv per file; rows of earlier
runs of this script are replaced, the others kept).

The weights are drawn at random (seeded) rather than left at their initial values, so that every
weight matters: orthogonal recurrent kernels, the LSTM's unit forget bias and GRU's 2-row bias all
differ from what cthulhu would initialize. Inputs hold padding (id 0, or all-zero steps for
Masking) so that masks are exercised.

Run: python3 make_sequence_models.py  (needs keras, jax, numpy; Keras 3.15.1 on jax wrote the
committed files)
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
import numpy as np
from keras import layers

DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources",
                   "cthulhu", "conformance", "keras")
PREFIX = "keras3_sequences__"
rng = np.random.default_rng(12)


def randomize(model):
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.get_weights()])


def embedding_lstm():
    """Embedding(mask_zero) → LSTM → Dense: masks carried from the ids to the LSTM."""
    model = keras.Sequential([keras.Input((6,)), layers.Embedding(7, 3, mask_zero=True), layers.LSTM(4),
                              layers.Dense(2, activation="softmax")])
    x = np.array([[0, 3, 1, 5, 0, 0], [2, 2, 6, 1, 4, 3], [0, 0, 0, 0, 1, 6], [5, 0, 4, 0, 3, 0]], dtype="float32")
    return model, x


def masked_grus():
    """Masking → GRU (reset_after, sequences) → GRU (Keras 2's reset_after=False) → Dense."""
    model = keras.Sequential([keras.Input((5, 2)), layers.Masking(0.0),
                              layers.GRU(3, reset_after=True, return_sequences=True),
                              layers.GRU(2, reset_after=False, go_backwards=True), layers.Dense(1)])
    x = rng.uniform(-1, 1, (4, 5, 2)).astype("float32")
    x[0, 3:] = 0
    x[2, :2] = 0
    return model, x


def wrappers():
    """Bidirectional (concat, then sum), TimeDistributed, LayerNormalization, SimpleRNN, RepeatVector and the mean."""
    model = keras.Sequential([keras.Input((4, 3)),
                              layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
                              layers.TimeDistributed(layers.Dense(2, activation="tanh")),
                              layers.LayerNormalization(),
                              layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True), merge_mode="sum"),
                              layers.GlobalAveragePooling1D(), layers.RepeatVector(2),
                              layers.SimpleRNN(2, activation="relu")])
    x = rng.uniform(-1, 1, (3, 4, 3)).astype("float32")
    return model, x


rows = []
for name, make in [("embedding_lstm", embedding_lstm), ("masked_grus", masked_grus), ("wrappers", wrappers)]:
    model, x = make()
    randomize(model)
    y = np.asarray(model.predict(x, verbose=0))
    for ext in ("keras", "h5"):
        file = PREFIX + name + "." + ext
        model.save(os.path.join(DST, file))
        np.savetxt(os.path.join(DST, file + ".x.csv"), x.reshape(len(x), -1), delimiter=",", fmt="%.9g")
        np.savetxt(os.path.join(DST, file + ".y.csv"), y.reshape(len(y), -1), delimiter=",", fmt="%.9g")
        rows.append("\t".join([file, ",".join(map(str, x.shape[1:])), "1e-05",
                               "Python Keras " + keras.__version__ + " predict of the model it wrote"]))

expected = os.path.join(DST, "expected.tsv")
kept = [line.rstrip("\n") for line in open(expected) if not line.startswith(PREFIX)]
with open(expected, "w") as out:
    out.write("\n".join(kept + rows) + "\n")
