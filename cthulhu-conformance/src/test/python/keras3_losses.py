"""Prints Keras 3's losses and metrics on the inputs the conformance suite checks, as Java array rows.

Run with Keras 3 on the JAX backend in float64:
    pip install keras jax
    JAX_ENABLE_X64=1 KERAS_BACKEND=jax python keras3_losses.py
Its output is held in cthulhu.conformance.training.Keras3LossesTest, MetricsTest,
StatefulMetricsTest and Keras3ToolboxTest; the Maven
build never runs Python. Where Keras 2.2.4 defined a name, its formula is the same as Keras 3's
for these inputs (targets ±1 for the hinges, where Keras 3 would map 0/1 labels to ±1).
"""
import keras
import numpy as np

keras.config.set_floatx("float64")
L = keras.losses


def f64(values):
    return keras.ops.convert_to_tensor(np.asarray(values, dtype="float64"), dtype="float64")


def row(values):
    return "{" + ", ".join(repr(float(v)) for v in np.asarray(values).ravel()) + "}"


def show(name, value):
    print(name, row(keras.ops.convert_to_numpy(value)))


print("keras", keras.__version__, "backend", keras.backend.backend())
# Regression-style targets and predictions, 2 samples x 3.
Y = f64(np.array([[1.0, 2.0, 0.5], [0.0, -1.5, 3.0]]))
P = f64(np.array([[1.5, 1.0, 0.25], [0.5, -1.0, 4.5]]))
print("y", row(Y))
print("p", row(P))
show("mape", L.mean_absolute_percentage_error(Y, P))
show("msle", L.mean_squared_logarithmic_error(Y, P))
show("log_cosh", L.log_cosh(Y, P))
show("huber", L.huber(Y, P))
show("huber delta 0.5", L.Huber(delta=0.5, reduction=None)(Y, P))
show("cosine_similarity", L.cosine_similarity(Y, P))
# Distributions and counts.
D = f64(np.array([[0.2, 0.3, 0.5], [0.7, 0.1, 0.2]]))
Q = f64(np.array([[0.25, 0.25, 0.5], [0.6, 0.3, 0.1]]))
print("d", row(D))
print("q", row(Q))
show("kl_divergence", L.kl_divergence(D, Q))
show("poisson", L.poisson(D, Q))
# Hinge targets in ±1 and scores.
H = f64(np.array([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]))
S = f64(np.array([[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]]))
print("h", row(H))
print("s", row(S))
show("hinge", L.hinge(H, S))
show("squared_hinge", L.squared_hinge(H, S))
OH = f64(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
print("onehot", row(OH))
show("categorical_hinge", L.categorical_hinge(OH, S))
# Cross-entropies from logits and with label smoothing.
Z = f64(np.array([[2.0, -1.0, 0.5], [-30.0, 40.0, 0.0]]))
B = f64(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
print("z", row(Z))
print("b", row(B))
show("bce logits", L.BinaryCrossentropy(from_logits=True, reduction=None)(B, Z))
show("bce logits smoothing 0.2", L.BinaryCrossentropy(from_logits=True, label_smoothing=0.2, reduction=None)(B, Z))
show("bce probabilities smoothing 0.2", L.BinaryCrossentropy(label_smoothing=0.2, reduction=None)(B, Q))
show("cce logits", L.CategoricalCrossentropy(from_logits=True, reduction=None)(OH, Z))
show("cce logits smoothing 0.3", L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.3, reduction=None)(OH, Z))
show("cce probabilities smoothing 0.3", L.CategoricalCrossentropy(label_smoothing=0.3, reduction=None)(OH, Q))
show("scce logits", L.SparseCategoricalCrossentropy(from_logits=True, reduction=None)(f64([1.0, 2.0]), Z))
# Metrics.
M = keras.metrics
TOP = f64(np.array([[0.1, 0.4, 0.3, 0.2], [0.5, 0.2, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25]]))
LAB = f64(np.array([2.0, 2.0, 3.0]))
print("top", row(TOP))
print("labels", row(LAB))
show("sparse_top_k k=2", M.sparse_top_k_categorical_accuracy(LAB, TOP, k=2))
show("top_k k=1", M.top_k_categorical_accuracy(f64(np.eye(4)[[2, 2, 3]]), TOP, k=1))
show("top_k k=2", M.top_k_categorical_accuracy(f64(np.eye(4)[[2, 2, 3]]), TOP, k=2))
# Stateful metrics over two batches.
T1, P1 = np.array([1.0, 0.0, 1.0, 1.0]), np.array([0.9, 0.6, 0.4, 0.7])
T2, P2 = np.array([0.0, 0.0, 1.0]), np.array([0.2, 0.8, 0.55])
print("t1", row(T1), "p1", row(P1), "t2", row(T2), "p2", row(P2))
for name, metric in [("precision", M.Precision()), ("recall", M.Recall()), ("auc", M.AUC()),
                     ("auc pr", M.AUC(curve="PR"))]:
    metric.update_state(T1, P1)
    first = float(metric.result())
    metric.update_state(T2, P2)
    print(name, row([first, float(metric.result())]))
# Focal, Dice and Tversky losses (Keras3ToolboxTest); binary targets B, probabilities PB, logits Z.
PB = f64([[0.9, 0.3, 0.4], [0.2, 0.65, 0.99]])
show("binary_focal_crossentropy", L.binary_focal_crossentropy(B, PB))
show("binary_focal balanced gamma 3 smoothing 0.1", L.binary_focal_crossentropy(
    B, PB, apply_class_balancing=True, alpha=0.4, gamma=3.0, label_smoothing=0.1))
show("binary_focal logits", L.binary_focal_crossentropy(B, Z, from_logits=True))
PC = f64([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]])
show("categorical_focal_crossentropy", L.categorical_focal_crossentropy(OH, PC))
show("categorical_focal alpha 0.5 gamma 1 smoothing 0.2", L.categorical_focal_crossentropy(
    OH, PC, alpha=0.5, gamma=1.0, label_smoothing=0.2))
show("categorical_focal logits", L.categorical_focal_crossentropy(OH, Z, from_logits=True))
show("dice", L.dice(B, PB))
show("tversky", L.tversky(B, PB))
show("tversky 0.7 0.3", L.tversky(B, PB, alpha=0.7, beta=0.3))
YC = f64([[0.0, 1.0, 0.5], [1.0, 1.0, 0.2]])
PCOR = f64([[0.1, 0.9, 0.5], [1.0, 0.9, 0.2]])
show("pearson_correlation", M.pearson_correlation(YC, PCOR))
show("concordance_correlation", M.concordance_correlation(YC, PCOR))

# Stateful metrics over two batches: the value after the first and after both.


def two_batches(name, metric, t1=T1, p1=P1, t2=T2, p2=P2):
    metric.update_state(f64(t1), f64(p1))
    first = float(metric.result())
    metric.update_state(f64(t2), f64(p2))
    print(name, row([first, float(metric.result())]))


two_batches("true_positives", M.TruePositives())
two_batches("false_positives", M.FalsePositives())
two_batches("true_negatives", M.TrueNegatives())
two_batches("false_negatives", M.FalseNegatives())
two_batches("precision_at_recall 0.7", M.PrecisionAtRecall(0.7))
two_batches("recall_at_precision 0.8", M.RecallAtPrecision(0.8))
two_batches("sensitivity_at_specificity 0.5", M.SensitivityAtSpecificity(0.5))
two_batches("specificity_at_sensitivity 0.6", M.SpecificityAtSensitivity(0.6))
two_batches("sensitivity_at_specificity 0.5 thresholds 7", M.SensitivityAtSpecificity(0.5, num_thresholds=7))
two_batches("binary_io_u", M.BinaryIoU())
two_batches("binary_io_u class 1 threshold 0.3", M.BinaryIoU(target_class_ids=[1], threshold=0.3))
two_batches("root_mean_squared_error", M.RootMeanSquaredError())
R1 = [[1.0, 2.0], [2.0, 0.5], [3.0, 1.5]]
Q1 = [[1.1, 1.8], [2.3, 0.4], [2.6, 1.9]]
R2 = [[0.0, 1.0], [4.0, 2.5]]
Q2 = [[0.5, 1.2], [3.5, 2.0]]
two_batches("r2_score", M.R2Score(), R1, Q1, R2, Q2)
two_batches("r2_score variance_weighted", M.R2Score(class_aggregation="variance_weighted_average"), R1, Q1, R2, Q2)
two_batches("r2_score 1 regressor", M.R2Score(num_regressors=1), R1, Q1, R2, Q2)
two_batches("mean_io_u 3", M.MeanIoU(3), [0, 1, 2, 2], [0, 2, 2, 1], [1, 1, 0], [1, 0, 0])
two_batches("io_u 3 classes [0, 2]", M.IoU(3, [0, 2]), [0, 1, 2, 2], [0, 2, 2, 1], [1, 1, 0], [1, 0, 0])
C1 = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]
S1 = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]]
C2 = [[0, 1, 0], [0, 1, 0], [1, 0, 0]]
S2 = [[0.1, 0.8, 0.1], [0.5, 0.3, 0.2], [0.6, 0.3, 0.1]]
two_batches("one_hot_mean_io_u 3", M.OneHotMeanIoU(3), C1, S1, C2, S2)
two_batches("one_hot_io_u 3 [1]", M.OneHotIoU(3, [1]), C1, S1, C2, S2)
two_batches("f1_score micro", M.F1Score(average="micro"), C1, S1, C2, S2)
two_batches("f1_score macro", M.F1Score(average="macro"), C1, S1, C2, S2)
two_batches("f1_score weighted", M.F1Score(average="weighted"), C1, S1, C2, S2)
two_batches("f_beta_score beta 2 macro threshold 0.35", M.FBetaScore(average="macro", beta=2.0, threshold=0.35), C1, S1, C2, S2)
