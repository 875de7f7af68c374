/**
 * Regularizers: weight and activity penalties added to the training loss
 * ({@link cthulhu.regularizers.L1L2} and the registry {@link cthulhu.regularizers.Regularizers}).
 */
package cthulhu.regularizers;
