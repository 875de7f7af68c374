"""Prints Keras 3's activations at the points the conformance suite checks, as Java array rows.

Run with Keras 3 on the JAX backend in float64:
    pip install keras jax
    JAX_ENABLE_X64=1 KERAS_BACKEND=jax python keras3_activations.py
Its output is held in cthulhu.conformance.activations.Keras3ActivationsTest; the Maven build
never runs Python.
"""
import keras
import numpy as np

keras.config.set_floatx("float64")
A = keras.activations

X = np.array([-5.0, -3.0, -1.5, -1.0, -0.5, -0.25, 0.0, 0.3, 0.5, 1.0, 2.5, 3.0, 7.0])
FUNCTIONS = [
    ("relu6", A.relu6),
    ("leaky_relu", A.leaky_relu),
    ("gelu", A.gelu),
    ("gelu_approximate", lambda x: A.gelu(x, approximate=True)),
    ("silu", A.silu),
    ("mish", A.mish),
    ("celu", A.celu),
    ("log_sigmoid", A.log_sigmoid),
    ("hard_sigmoid", A.hard_sigmoid),
    ("hard_silu", A.hard_silu),
    ("hard_tanh", A.hard_tanh),
    ("hard_shrink", A.hard_shrink),
    ("soft_shrink", A.soft_shrink),
    ("tanh_shrink", A.tanh_shrink),
    ("squareplus", A.squareplus),
    ("sparse_plus", A.sparse_plus),
    ("sparse_sigmoid", A.sparse_sigmoid),
    ("threshold(x, 0.5, -2)", lambda x: A.threshold(x, 0.5, -2.0)),
]


def row(values):
    return "{" + ", ".join(repr(float(v)) for v in np.asarray(values).ravel()) + "}"


print("keras", keras.__version__, "backend", keras.backend.backend(), "floatx", keras.config.floatx())
print("x", row(X))
for name, f in FUNCTIONS:
    print(name, row(keras.ops.convert_to_numpy(f(keras.ops.convert_to_tensor(X)))))

# Functions along an axis, on one 2 x 4 input.
M = np.array([[1.0, -2.0, 0.5, 3.0], [0.2, 0.1, -0.4, 0.3]])
print("m", row(M))
for name, f in [("log_softmax", A.log_softmax), ("sparsemax", A.sparsemax), ("glu", A.glu),
                ("log_softmax axis 0", lambda x: A.log_softmax(x, axis=0)),
                ("sparsemax axis 0", lambda x: A.sparsemax(x, axis=0)),
                ("glu axis 0", lambda x: A.glu(x, axis=0))]:
    print(name, row(keras.ops.convert_to_numpy(f(keras.ops.convert_to_tensor(M)))))

# Derivatives at each function's kinks and around them, by JAX's autodiff of Keras 3's definitions:
# the one-sided choice at a kink is the convention the tests hold.
import jax

KINKS = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0])
print("kinks", row(KINKS))
for name, f in FUNCTIONS:
    g = jax.vmap(jax.grad(lambda v: f(v)))
    print("d " + name, row(np.asarray(g(KINKS))))
