/**
 * Saving: {@link cthulhu.saving.ModelIO}, the model archive (Keras-style JSON architecture plus a
 * checksummed binary weights file, written atomically), {@link cthulhu.saving.ModelFormatException}
 * for files that cannot be loaded, and {@link cthulhu.saving.NameRegistry}, the name table behind
 * the loss, metric and optimizer registries.
 */
package cthulhu.saving;
