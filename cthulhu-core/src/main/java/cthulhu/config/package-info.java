/**
 * Reading Keras-style configurations ({@code class_name} + {@code config}), shared by every
 * registry that rebuilds objects from a saved model: layers, initializers, optimizers; and
 * {@link cthulhu.config.NameRegistry}, the one name table behind every kind of name.
 */
package cthulhu.config;
