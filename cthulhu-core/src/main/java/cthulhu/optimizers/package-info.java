/**
 * Optimizers: the {@link cthulhu.optimizers.Optimizer} base class with Keras 2.2.4's learning-rate
 * decay and per-variable state in {@link cthulhu.backend.Variable}s, {@link cthulhu.optimizers.SGD}
 * (momentum, Nesterov), {@link cthulhu.optimizers.RMSprop}, {@link cthulhu.optimizers.Adam}
 * (AMSGrad), and {@link cthulhu.optimizers.Optimizers}, the one registry of optimizer names.
 */
package cthulhu.optimizers;
