package cthulhu.losses;

import java.util.Map;

/**
 * A loss with arguments (Keras 3's loss classes, e.g. {@code CategoricalCrossentropy(from_logits=True)}):
 * saved as Keras 3 saves it, {@code {"class_name": …, "config": {…}}}, and rebuilt from that by
 * {@link Losses#deserialize(Object)}.
 */
public interface ParameterizedLoss extends Loss {

    /** Keras 3's class name, e.g. {@code "CategoricalCrossentropy"}. */
    String className();

    /** The constructor's arguments under Keras 3's snake_case names. */
    Map<String, Object> getConfig();
}
