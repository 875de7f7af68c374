/**
 * Optimizers: the {@link cthulhu.optimizers.Optimizer} base class with Keras 2.2.4's learning-rate
 * decay, learning-rate schedules, gradient clipping and per-variable state in
 * {@link cthulhu.backend.Variable}s; each optimizer's update is one fused element-wise pass
 * ({@link cthulhu.backend.K#mapElements}). Keras 2.2.4's {@link cthulhu.optimizers.SGD} (momentum,
 * Nesterov), {@link cthulhu.optimizers.RMSprop} (with Keras 3's momentum and centered options),
 * {@link cthulhu.optimizers.Adagrad}, {@link cthulhu.optimizers.Adadelta},
 * {@link cthulhu.optimizers.Adam} (AMSGrad), {@link cthulhu.optimizers.Adamax},
 * {@link cthulhu.optimizers.Nadam}; Keras 3's {@link cthulhu.optimizers.AdamW} and
 * {@link cthulhu.optimizers.Lion}; and {@link cthulhu.optimizers.Optimizers}, the one registry of
 * optimizer names.
 */
package cthulhu.optimizers;
