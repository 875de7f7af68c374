"""Copies the Keras model fixtures into the conformance suite's resources with their expected
predictions, one uniform format for the Java tests:

    <name>.x.csv   inputs, one sample a row, flattened row-major
    <name>.y.csv   what the Keras that wrote the model predicts for them
    expected.tsv   file, input shape, tolerance, where the expected outputs come from

Expected outputs come, in this order of preference, from
  1. the fixture's own Keras predictions (dl4j-test-resources' *_inputs_and_outputs.h5, written
     by Keras 2.3.1; keras3/*.y0.csv, written by Keras 3.15.1; idaes' _expected.json, whose
     values its source checks to 1e-4);
  2. Python Keras 3 (jax backend): keras.models.load_model(file, compile=False).predict(x) on
     seeded standard-normal inputs, for files Keras 3 loads;
  3. a NumPy forward pass over the weights read with h5py (Dense + the layer's Keras 2
     formula), for Keras 2 files Keras 3 cannot load.

Run: python3 make_expected.py SHARED_KERAS_MODELS_DIR [--with-keras3]  (needs keras, jax, h5py, numpy),
then python3 make_sequence_models.py, which adds its rows to the expected.tsv this script rewrites.

    python3 make_expected.py --generated  writes the models of generated.py instead (functional
    graphs, Keras 3 activations, compiled models trained a step): see that file.
"""
import json
import os
import shutil
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import h5py
import numpy as np

if "--generated" in sys.argv:
    import generated
    generated.main()
    sys.exit(0)

SRC = sys.argv[1]
DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources",
                   "cthulhu", "conformance", "keras")
os.makedirs(DST, exist_ok=True)
rows = []


def save(name, x, y, shape, tol, source):
    np.savetxt(os.path.join(DST, name + ".x.csv"), x.reshape(len(x), -1), delimiter=",", fmt="%.9g")
    np.savetxt(os.path.join(DST, name + ".y.csv"), y.reshape(len(y), -1), delimiter=",", fmt="%.9g")
    rows.append("\t".join([name, ",".join(map(str, shape)), str(tol), source]))


def keras_predict(path, shape):
    import keras
    model = keras.models.load_model(path, compile=False)
    x = np.random.default_rng(7).standard_normal((4,) + tuple(shape)).astype("float32")
    return x, np.asarray(model.predict(x, verbose=0))


ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "softmax": lambda x: np.exp(x - x.max(-1, keepdims=True)) / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True),
}


def numpy_predict(path, shape):
    """Keras 2 semantics of Dense, Activation, Dropout, AlphaDropout and PReLU, in float64."""
    if path.endswith(".keras"):
        import io
        import zipfile
        z = zipfile.ZipFile(path)
        config = json.loads(z.read("config.json"))
        f = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    else:
        f = h5py.File(path, "r")
        config = json.loads(f.attrs["model_config"])
    layers = config["config"]["layers"] if isinstance(config["config"], dict) else config["config"]
    x = np.random.default_rng(7).standard_normal((4,) + tuple(shape)).astype("float32")
    h = x.astype("float64")
    dense = 0
    for layer in layers:
        kind, c = layer["class_name"], layer["config"]
        if kind == "InputLayer":
            continue
        if path.endswith(".keras"):  # tf.keras 2.15's .keras: groups "layers\\dense", "layers\\dense_1", ...
            if kind != "Dense":
                raise ValueError("no NumPy forward pass for " + kind + " in a .keras file")
            g = f["layers\\dense" + ("_%d" % dense if dense else "")]["vars"]
            dense += 1
            w = [np.asarray(g[str(i)], dtype="float64") for i in range(len(g))]
        else:
            group = f["model_weights"][c["name"]] if c["name"] in f["model_weights"] else None
            names = [n.decode() if hasattr(n, "decode") else n for n in group.attrs["weight_names"]] if group else []
            w = [np.asarray(group[n], dtype="float64") for n in names]
        if kind == "Dense":
            h = ACTIVATIONS[c["activation"]](h @ w[0] + (w[1] if len(w) > 1 else 0))
        elif kind == "Activation":
            h = ACTIVATIONS[c["activation"]](h)
        elif kind == "PReLU":
            h = np.maximum(h, 0) + w[0] * np.minimum(h, 0)
        elif kind not in ("InputLayer", "Dropout", "AlphaDropout"):
            raise ValueError("no NumPy forward pass for " + kind)
    return x, h


def input_shape_of(path):
    if path.endswith(".keras"):
        import zipfile
        config = json.loads(zipfile.ZipFile(path).read("config.json"))
    else:
        config = json.loads(h5py.File(path, "r").attrs["model_config"])
    layers = config["config"]["layers"] if isinstance(config["config"], dict) else config["config"]
    c = layers[0]["config"]
    shape = c.get("batch_shape") or c.get("batch_input_shape")
    return [d for d in shape[1:]]


for f in sorted(os.listdir(SRC)):
    path = os.path.join(SRC, f)
    if not (f.endswith(".h5") or f.endswith(".keras")) or "_inputs_and_outputs" in f:
        continue
    shutil.copy(path, DST)
    name = f
    io_file = path.replace("_model.h5", "_inputs_and_outputs.h5")
    expected = path.replace(".keras", "_expected.json")
    if f.endswith("_model.h5") and os.path.exists(io_file):
        io = h5py.File(io_file, "r")
        x = np.asarray(io["inputs"][list(io["inputs"].keys())[0]])
        y = np.asarray(io["outputs"][list(io["outputs"].keys())[0]])
        save(name, x, y, x.shape[1:], 1e-5, "Keras 2.3.1 (dl4j-test-resources inputs_and_outputs.h5)")
    elif f.endswith(".keras") and os.path.exists(expected):
        e = json.load(open(expected))
        x = np.asarray(e["model_input"], dtype="float32")
        save(name, x, np.asarray(e["model_output_expected"]), x.shape[1:], 1e-4,
             "IDAES expected.json (Keras 3.2.1 outputs, checked there to 1e-4)")
    else:
        shape = input_shape_of(path)
        try:
            x, y = keras_predict(path, shape)
            save(name, x, y, shape, 1e-5, "Python Keras 3.15.1 load_model + predict")
        except Exception as e:  # Keras 3 cannot read some Keras 2 files
            print(f, "Keras 3 cannot load it:", str(e).splitlines()[0][:100], file=sys.stderr)
            x, y = numpy_predict(path, shape)
            save(name, x, y, shape, 1e-5, "NumPy forward pass (Keras 2 formulas, float64) over the weights read with h5py")

# keras3/ holds convolutional, recurrent, functional and Keras 3 activation models; with --with-keras3
# those cthulhu reads are copied, listed in keras3.tsv in generated.tsv's format (one x<i>.csv per
# input, one y<j>.csv per output).
KERAS3_MODELS = ["dev_cnn_bn_globalmax", "dev_conv1d_flatten", "dev_embedding_mask_gru", "dev_functional_siamese",
                 "dev_keras3_activations", "dev_simplernn_lstm"]
keras3_rows = []
for base in KERAS3_MODELS if "--with-keras3" in sys.argv else []:
    meta = json.load(open(os.path.join(SRC, "keras3", base + ".shape.json")))
    for ext in ("keras", "h5"):
        name = "keras3__" + base + "." + ext
        shutil.copy(os.path.join(SRC, "keras3", base + "." + ext), os.path.join(DST, name))
        for kind in ("x", "y"):
            for i in range(len(meta[kind])):
                shutil.copy(os.path.join(SRC, "keras3", "%s.%s%d.csv" % (base, kind, i)),
                            os.path.join(DST, "%s.%s%d.csv" % (name, kind, i)))
        shapes = ";".join(",".join(str(d) for d in shape[1:]) for shape in meta["x"])
        keras3_rows.append("\t".join([name, shapes, "1e-05", "Keras 3.15.1 (keras3/" + base + ".y<j>.csv)"]))
if keras3_rows:
    with open(os.path.join(DST, "keras3.tsv"), "w") as out:
        out.write("file\tinput_shapes\ttolerance\tsource\n" + "\n".join(keras3_rows) + "\n")

# Where each file comes from (repository, path, commit, Keras version, license by repository).
shutil.copy(os.path.join(SRC, "MANIFEST.tsv"), DST)

with open(os.path.join(DST, "expected.tsv"), "w") as out:
    out.write("file\tinput_shape\ttolerance\tsource\n")
    out.write("\n".join(rows) + "\n")
print("\n".join(rows))
