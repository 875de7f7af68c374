/**
 * Weight initializers with Keras 2.2.4's definitions and defaults, and the registry
 * ({@link cthulhu.initializers.Initializers}) that resolves their names.
 */
package cthulhu.initializers;
