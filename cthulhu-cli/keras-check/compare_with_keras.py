"""Loads every model cthulhu exported (WORK/*.keras, WORK/*.h5) with Python Keras 3 and compares
its predictions for the fixture's inputs with cthulhu's (WORK/<file>.cthulhu.csv; for the
functional graphs of generated.tsv and the models of keras3.tsv WORK/<file>.out.<ext>, one WORK/<file>.out.<ext>.y<j>.cthulhu.csv
per output), within 1e-5 absolute; and has Keras take one training step on each compiled model of
training.tsv that cthulhu exported (WORK/<file>.out.<ext>), which must give the weights Keras's own
step gave. A file cthulhu refused to export (WORK/<file>.err, e.g. a layer Keras 3 removed) is
reported with cthulhu's reason and not counted. Usage: compare_with_keras.py WORK FIXTURES"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
import numpy as np

work, fixtures = sys.argv[1], sys.argv[2]
rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(fixtures, "expected.tsv"))][1:]
passed = failed = 0
for name, shape, _, _ in rows:
    x = np.loadtxt(os.path.join(fixtures, name + ".x.csv"), delimiter=",", ndmin=2).astype("float32")
    x = x.reshape((len(x),) + tuple(int(d) for d in shape.split(",")))
    for ext in ("keras", "h5"):
        exported = os.path.join(work, name + "." + ext)
        if not os.path.exists(exported):
            reason = open(exported + ".err").read().strip().splitlines()[-1] if os.path.exists(exported + ".err") else "?"
            print(f"not exported  {name}.{ext}: {reason}")
            continue
        try:
            model = keras.models.load_model(exported)
            keras_y = np.asarray(model.predict(x, verbose=0)).reshape(len(x), -1)
            cthulhu_y = np.loadtxt(exported + ".cthulhu.csv", delimiter=",", ndmin=2)
            diff = float(np.max(np.abs(keras_y - cthulhu_y)))
            ok = diff <= 1e-5
            compiled = "compiled " + type(model.optimizer).__name__ if getattr(model, "optimizer", None) else "not compiled"
            err = exported + ".err"
            if os.path.exists(err) and os.path.getsize(err) > 0:
                compiled += "; exported without training config: " + open(err).read().strip().splitlines()[0][:160]
            print(f"{'ok' if ok else 'MISMATCH':13} {name}.{ext}: max |keras - cthulhu| = {diff:.2e} ({compiled})")
        except Exception as e:  # a file Keras cannot load is a failure of the export
            ok = False
            print(f"LOAD FAILED   {name}.{ext}: {str(e).splitlines()[0][:200]}")
        passed += ok
        failed += not ok
tables = [[line.rstrip("\n").split("\t") for line in open(os.path.join(fixtures, t))][1:] for t in ("generated.tsv", "keras3.tsv")]
for name, shapes, _, _ in tables[0] + tables[1]:
    xs = []
    for i, shape in enumerate(shapes.split(";")):
        x = np.loadtxt(os.path.join(fixtures, f"{name}.x{i}.csv"), delimiter=",", ndmin=2).astype("float32")
        xs.append(x.reshape((len(x),) + tuple(int(d) for d in shape.split(","))))
    for ext in ("keras", "h5"):
        exported = os.path.join(work, f"{name}.out.{ext}")
        if not os.path.exists(exported):
            print(f"NOT EXPORTED  {name} as .{ext}: " + open(exported + ".err").read().strip()[-200:])
            failed += 1
            continue
        try:
            model = keras.models.load_model(exported)
            ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
            ys = ys if isinstance(ys, (list, tuple)) else [ys]
            diff = max(float(np.max(np.abs(np.asarray(y).reshape(len(xs[0]), -1) - np.loadtxt(
                f"{exported}.y{j}.cthulhu.csv", delimiter=",", ndmin=2)))) for j, y in enumerate(ys))
            ok = diff <= 1e-5
            print(f"{'ok' if ok else 'MISMATCH':13} {name} as .{ext}: {type(model).__name__}, {len(xs)} input(s),"
                  f" {len(ys)} output(s), max |keras - cthulhu| = {diff:.2e}")
        except Exception as e:  # a file Keras cannot load is a failure of the export
            ok = False
            print(f"LOAD FAILED   {name} as .{ext}: {str(e).splitlines()[0][:200]}")
        passed += ok
        failed += not ok
for name, _, _, _, _ in [line.rstrip("\n").split("\t") for line in open(os.path.join(fixtures, "training.tsv"))][1:]:
    x = np.loadtxt(os.path.join(fixtures, name + ".tx.csv"), delimiter=",", ndmin=2).astype("float32")
    y = np.loadtxt(os.path.join(fixtures, name + ".ty.csv"), delimiter=",", ndmin=2).astype("float32")
    after = [np.array(line.split(","), dtype="float64") for line in open(os.path.join(fixtures, name + ".after.csv"))]
    for ext in ("keras",):  # cthulhu writes no optimizer state to .h5, which Keras 3 cannot restore from it
        exported = os.path.join(work, f"{name}.out.{ext}")
        try:
            model = keras.models.load_model(exported)
            steps = int(model.optimizer.iterations.numpy())
            model.train_on_batch(x, y)
            diff = max(float(np.max(np.abs(np.asarray(w).ravel() - a))) for w, a in zip(model.weights, after))
            ok = steps == 2 and diff <= 1e-5
            print(f"{'ok' if ok else 'MISMATCH':13} {name} as .{ext}: {type(model.optimizer).__name__} at step {steps},"
                  f" after one more step max |keras - expected| = {diff:.2e}")
        except Exception as e:  # a file Keras cannot load or train is a failure of the export
            ok = False
            print(f"LOAD FAILED   {name} as .{ext}: {str(e).splitlines()[0][:200]}")
        passed += ok
        failed += not ok
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
