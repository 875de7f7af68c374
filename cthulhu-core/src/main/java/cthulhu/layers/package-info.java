/**
 * Layers: the {@link cthulhu.layers.Layer} base class, the Keras 2.2.4 core and advanced
 * activation layers ({@link cthulhu.layers.Daoloth} = Dense, {@link cthulhu.layers.Azatoth} =
 * Activation, {@link cthulhu.layers.Darkness} = Dropout, {@link cthulhu.layers.AlphaDarkness} =
 * AlphaDropout, {@code LeakyReLU}, {@code PReLU}, {@code ELU}, {@code ThresholdedReLU},
 * {@code Softmax}, {@code ReLU}), the layers for sequences ({@link cthulhu.layers.Embedding},
 * {@link cthulhu.layers.Masking}, the recurrent layers on {@link cthulhu.layers.Recurrent},
 * their wrappers {@link cthulhu.layers.Bidirectional} and {@link cthulhu.layers.TimeDistributed}),
 * the class registry {@link cthulhu.layers.Layers} that rebuilds a
 * layer from its configuration, and {@link cthulhu.layers.LayerNames}, which names a model's layers.
 */
package cthulhu.layers;
