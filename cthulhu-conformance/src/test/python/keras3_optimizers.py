"""Prints Keras 3's CosineDecayRestarts at steps 0, 5, 10, 15, 29, 30, 45, 70 (held in
LearningRateSchedulesTest) and its Ftrl and Lamb on two steps from p = [1, -2, 0.3], gradients [0.5, 0.25, -0.1]
then [0.2, -0.4, 0.05]: the parameters after each step, held in
cthulhu.conformance.training.OptimizerStepsTest. The Maven build never runs it.

    pip install keras jax
    JAX_ENABLE_X64=1 KERAS_BACKEND=jax python keras3_optimizers.py
"""
import keras
import numpy as np

keras.config.set_floatx("float64")
print("keras", keras.__version__, "backend", keras.backend.backend())
O = keras.optimizers
for name, make in [
    ("ftrl lr 0.1", lambda: O.Ftrl(learning_rate=0.1)),
    ("ftrl every option", lambda: O.Ftrl(learning_rate=0.1, learning_rate_power=-0.7, initial_accumulator_value=0.5,
                                         l1_regularization_strength=0.05, l2_regularization_strength=0.1,
                                         l2_shrinkage_regularization_strength=0.2, beta=0.3)),
    ("lamb lr 0.1", lambda: O.Lamb(learning_rate=0.1)),
    ("lamb lr 0.1 weight_decay 0.1", lambda: O.Lamb(learning_rate=0.1, weight_decay=0.1)),
]:
    v = keras.Variable(np.array([1.0, -2.0, 0.3]), dtype="float64")
    opt = make()
    steps = []
    for g in [[0.5, 0.25, -0.1], [0.2, -0.4, 0.05]]:
        opt.apply_gradients([(keras.ops.convert_to_tensor(np.array(g), dtype="float64"), v)])
        steps.append("{" + ", ".join(repr(float(x)) for x in keras.ops.convert_to_numpy(v)) + "}")
    print(name, "{" + ", ".join(steps) + "}")
for name, schedule in [
    ("cosine_decay_restarts t_mul 2 m_mul 0.5 alpha 0.1", O.schedules.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)),
    ("cosine_decay_restarts t_mul 1", O.schedules.CosineDecayRestarts(0.1, 10, t_mul=1.0)),
]:
    print(name, "{" + ", ".join(repr(float(schedule(s))) for s in [0, 5, 10, 15, 29, 30, 45, 70]) + "}")
