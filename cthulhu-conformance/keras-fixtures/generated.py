"""Small models written by real Keras 3 (jax backend) for the conformance suite, with the outputs
Keras computes, in the format KerasGraphFixtures reads:

    gen__<name>.keras, gen__<name>.h5   the same model in both formats
    gen__<name>_keras2config.h5         the .h5 with its model_config in tf.keras 2's form
    <file>.x<i>.csv                     input i, one sample a row, flattened row-major
    <file>.y<j>.csv                     what Keras predicts for output j
    generated.tsv                       file, input shapes (";" between inputs), tolerance, source

and compiled models that took one training step before saving, with the step Keras takes next:

    <file>.tx.csv, <file>.ty.csv        the batch of the training steps
    <file>.after.csv                    each weight after Keras's next step (one a line, row-major)
    training.tsv                        file, x shape, y shape, tolerance, source

Run: python3 make_expected.py --generated  (needs keras, jax, numpy)
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
import numpy as np
from keras import layers

DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources",
                   "cthulhu", "conformance", "keras")
SOURCE = "Python Keras " + keras.__version__ + " (jax) predict"


def residual():
    x = keras.Input((4,), name="x")
    h = layers.Dense(8, activation="relu", name="d1")(x)
    r = layers.Dense(8, name="d2")(h)
    return keras.Model(x, layers.Dense(3, name="out")(layers.Add(name="skip")([h, r])), name="residual")


def merges():
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    pa = layers.Dense(5, name="pa")(a)
    pb = layers.Dense(5, activation="tanh", name="pb")(b)
    merged = [layers.Add()([pa, pb]), layers.Subtract()([pa, pb]), layers.Multiply()([pa, pb]),
              layers.Average()([pa, pb]), layers.Maximum()([pa, pb]), layers.Minimum()([pa, pb]),
              layers.Dot(axes=1)([pa, pb]), layers.Dot(axes=1, normalize=True)([pa, pb])]
    return keras.Model([a, b], layers.Dense(2, name="out")(layers.Concatenate()(merged)), name="merges")


def two_outputs():
    x = keras.Input((6,), name="x")
    h = layers.Dense(8, activation="tanh", name="trunk")(x)
    return keras.Model(x, [layers.Dense(3, activation="softmax", name="cls")(h), layers.Dense(1, name="reg")(h)],
                       name="two_outputs")


def shared():
    a = keras.Input((5,), name="left")
    b = keras.Input((5,), name="right")
    tower = layers.Dense(4, activation="relu", name="tower")
    ta, tb = tower(a), tower(b)
    joined = layers.Concatenate()([ta, tb, layers.Subtract()([ta, tb])])
    return keras.Model([a, b], layers.Dense(1, activation="sigmoid", name="same")(joined), name="siamese")


def nested():
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="relu", name="e1"),
                              layers.Dense(3, name="e2")], name="encoder")
    sub_in = keras.Input((3,), name="code")
    head = keras.Model(sub_in, layers.Dense(2, activation="tanh", name="h1")(sub_in), name="head")
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    ea, eb = inner(a), inner(b)
    out = layers.Add(name="sum")([head(ea), head(eb)])
    return keras.Model([a, b], [out, ea], name="nested")


def hard_sigmoid():
    # Keras 3's hard_sigmoid is relu6(x + 3) / 6, not Keras 2's clip(0.2x + 0.5, 0, 1).
    return keras.Sequential([keras.Input((3,)), layers.Dense(5, activation="hard_sigmoid", name="hs"),
                             layers.Dense(4, name="lin"), layers.Activation("hard_sigmoid", name="act")],
                            name="hard_sigmoid")


def trained(optimizer):
    x = keras.Input((3,), name="x")
    h = layers.Dense(4, activation="tanh", name="hidden")(x)
    model = keras.Model(x, layers.Dense(2, name="out")(layers.Concatenate()([h, x])), name="trained")
    model.compile(optimizer, "mse")
    return model


MODELS = ("Functional", "Model", "Sequential")


def keras2_refs(value, nested):
    """The keras_history of every __keras_tensor__ in a Keras 3 call's arguments, as tf.keras 2's
    [layer, node index, tensor index, {}]; a nested model's calls count from 1 there."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            name, node, index = value["config"]["keras_history"]
            return [[name, node + (1 if name in nested else 0), index, {}]]
        return [r for v in value.values() for r in keras2_refs(v, nested)]
    if isinstance(value, list):
        return [r for v in value for r in keras2_refs(v, nested)]
    return []


def keras2_object(value):
    """A Keras 3 config value as tf.keras 2 wrote it: no module, registered_name or build_config,
    dtype policies as their name, InputLayer's batch_shape as batch_input_shape."""
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy":
            return value["config"]["name"]
        out = {k: keras2_object(v) for k, v in value.items()
               if k not in ("module", "registered_name", "build_config", "compile_config", "optional")}
        if "batch_shape" in out:
            out["batch_input_shape"] = out.pop("batch_shape")
        return out
    if isinstance(value, list):
        return [keras2_object(v) for v in value]
    return value


def keras2_config(model):
    """A Keras 3 model config in tf.keras 2's form: a functional model as class Model (nested ones
    as Functional) whose inbound_nodes are lists of [layer, node index, tensor index, kwargs]."""
    if model["class_name"] == "Sequential":
        return keras2_object(model)
    nested = {l["name"] for l in model["config"]["layers"] if l["class_name"] in MODELS}
    layers = []
    for l in model["config"]["layers"]:
        entry = keras2_config(l) if l["class_name"] in MODELS else keras2_object(l)
        entry["name"] = l["name"]
        entry["inbound_nodes"] = [keras2_refs(node, nested) for node in l["inbound_nodes"]]
        layers.append(entry)
    ends = {}
    for key in ("input_layers", "output_layers"):
        refs = model["config"][key]
        refs = [refs] if isinstance(refs[0], str) else refs
        ends[key] = [[n, i + (1 if n in nested else 0), t] for n, i, t in refs]
    return {"class_name": "Functional", "config": {"name": model["config"]["name"], "layers": layers, **ends}}


def rewrite_as_keras2(source, target):
    """A copy of a Keras 3 .h5 model whose model_config is in tf.keras 2's form and whose
    keras_version says 2.15.0: the same model and weights, read through the Keras 2 path."""
    import json
    import shutil
    import h5py
    shutil.copy(source, target)
    with h5py.File(target, "r+") as f:
        config = keras2_config(json.loads(f.attrs["model_config"]))
        config["class_name"] = "Model"
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = "2.15.0"
        f["model_weights"].attrs["keras_version"] = "2.15.0"


def csv(path, a):
    a = np.asarray(a)
    np.savetxt(path, a.reshape(len(a), -1), delimiter=",", fmt="%.9g")


def main():
    rows, train_rows = [], []
    for name, make, scale in [("residual", residual, 1), ("merges", merges, 1), ("two_outputs", two_outputs, 1),
                              ("shared", shared, 1), ("nested", nested, 1), ("hard_sigmoid", hard_sigmoid, 4)]:
        keras.utils.set_random_seed(11)
        model = make()
        rng = np.random.default_rng(5)
        xs = [(scale * rng.standard_normal((4,) + tuple(i.shape[1:]))).astype("float32") for i in model.inputs]
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = ys if isinstance(ys, (list, tuple)) else [ys]
        for ext in ("keras", "h5"):
            file = "gen__" + name + "." + ext
            model.save(os.path.join(DST, file))
            for i, x in enumerate(xs):
                csv(os.path.join(DST, file + ".x%d.csv" % i), x)
            for j, y in enumerate(ys):
                csv(os.path.join(DST, file + ".y%d.csv" % j), y)
            shapes = ";".join(",".join(str(d) for d in i.shape[1:]) for i in model.inputs)
            rows.append("\t".join([file, shapes, "1e-05", SOURCE]))
            if ext == "h5" and name in ("nested", "shared"):
                # The same model with its config in tf.keras 2's form (lists of inbound nodes,
                # a nested model's calls counted from 1), predicting what Keras 3 predicted.
                k2 = "gen__" + name + "_keras2config.h5"
                rewrite_as_keras2(os.path.join(DST, file), os.path.join(DST, k2))
                for i, x in enumerate(xs):
                    csv(os.path.join(DST, k2 + ".x%d.csv" % i), x)
                for j, y in enumerate(ys):
                    csv(os.path.join(DST, k2 + ".y%d.csv" % j), y)
                rows.append("\t".join([k2, shapes, "1e-05", SOURCE + " of " + file + ", its model_config"
                                        " rewritten in tf.keras 2's form"]))
    for name, optimizer in [("adam", lambda: keras.optimizers.Adam(0.01)),
                            ("sgd_momentum", lambda: keras.optimizers.SGD(0.05, momentum=0.9))]:
        for ext in ("keras", "h5"):
            keras.utils.set_random_seed(3)
            model = trained(optimizer())
            rng = np.random.default_rng(9)
            x = rng.standard_normal((8, 3)).astype("float32")
            y = rng.standard_normal((8, 2)).astype("float32")
            model.train_on_batch(x, y)
            model.train_on_batch(x, y)
            file = "gen__trained_" + name + "." + ext
            model.save(os.path.join(DST, file))
            model.train_on_batch(x, y)
            csv(os.path.join(DST, file + ".tx.csv"), x)
            csv(os.path.join(DST, file + ".ty.csv"), y)
            with open(os.path.join(DST, file + ".after.csv"), "w") as out:
                for w in model.weights:
                    out.write(",".join("%.9g" % v for v in np.asarray(w).ravel()) + "\n")
            train_rows.append("\t".join([file, "3", "2", "1e-05", "Python Keras " + keras.__version__
                                         + " (jax) train_on_batch: the step after the saved one"]))
    with open(os.path.join(DST, "generated.tsv"), "w") as out:
        out.write("file\tinput_shapes\ttolerance\tsource\n" + "\n".join(rows) + "\n")
    with open(os.path.join(DST, "training.tsv"), "w") as out:
        out.write("file\tx_shape\ty_shape\ttolerance\tsource\n" + "\n".join(train_rows) + "\n")
    print("\n".join(rows + train_rows))
