package cthulhu.callbacks;

import cthulhu.models.Model;

/**
 * A callback that acts on the model it watches (Keras's {@code Callback.model}): it keeps the
 * model {@link #setModel} gives it.
 */
abstract class ModelCallback implements Callback {

    private Model model;

    @Override
    public final void setModel(Model model) {
        this.model = model;
    }

    /** The model being trained, or null before {@link #setModel}. */
    final Model model() {
        return model;
    }
}
