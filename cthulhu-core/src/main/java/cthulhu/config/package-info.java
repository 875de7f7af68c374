/**
 * Reading Keras-style configurations ({@code class_name} + {@code config}), shared by every
 * registry that rebuilds objects from a saved model: layers, initializers, optimizers.
 */
package cthulhu.config;
