/**
 * Saving: {@link cthulhu.saving.ModelIO}, the model archive (Keras-style JSON architecture plus a
 * checksummed binary weights file, written atomically), {@link cthulhu.saving.ModelFormatException}
 * for files that cannot be loaded.
 */
package cthulhu.saving;
