/**
 * Training callbacks with Keras's hooks: {@link cthulhu.callbacks.Callback},
 * {@link cthulhu.callbacks.History} (what {@code fit} returns), {@link cthulhu.callbacks.EarlyStopping},
 * {@link cthulhu.callbacks.ModelCheckpoint} and {@link cthulhu.callbacks.ProgbarLogger}, which
 * prints Keras's progress bar.
 */
package cthulhu.callbacks;
