/**
 * Learning-rate schedules (Keras 3's {@code keras.optimizers.schedules}), accepted by every
 * optimizer wherever a learning rate is.
 */
package cthulhu.optimizers.schedules;
